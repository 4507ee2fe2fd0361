package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

func span(seq int, session string, path string, from, to int) fakeserver.Span {
	return fakeserver.Span{Seq: seq, Path: path, RequestURI: fmt.Sprintf("%s?n=%d", path, seq), Conn: seq,
		Session: session, Start: ms(from), End: ms(to), Status: 200}
}

// tiny is a hand-made run of 20 ms: session s1 asks for the big page then
// the small one, back to back; s2 asks for the big page in the middle;
// s3 has two requests in flight at once, one of which failed.
func tiny() []fakeserver.Span {
	failed := span(5, "s3", fakeserver.BigPath, 13, 18)
	failed.Status = 500
	return []fakeserver.Span{
		span(1, "s1", fakeserver.BigPath, 0, 10),
		span(2, "s2", fakeserver.BigPath, 5, 15),
		span(3, "s1", fakeserver.SmallPath, 10, 20),
		span(4, "s3", fakeserver.SmallPath, 12, 16),
		failed,
	}
}

// loop is kata 06's shape: one session, n requests in flight at once.
func loop(n int) []fakeserver.Span {
	var spans []fakeserver.Span
	for i := range n {
		spans = append(spans, span(i+1, "s1", fakeserver.SmallPath, i%3, 50+i%3))
	}
	return spans
}

func TestLayoutGroupsAndCounts(t *testing.T) {
	l := layRun(Run{Spans: tiny()})
	var got []string
	for _, g := range l.Groups {
		got = append(got, fmt.Sprintf("%s/%d", g.label(), g.Lanes))
	}
	if want := "session s1/1 session s2/1 session s3/2"; strings.Join(got, " ") != want {
		t.Fatalf("groups: got %q, want %q (s3 on two lanes)", strings.Join(got, " "), want)
	}
	if l.Lanes != 4 || l.Requests != 5 || l.PeakInFlight != 4 || l.Elapsed != 20*time.Millisecond || l.PeakAt != 13*time.Millisecond {
		t.Fatalf("counts: lanes %d requests %d peak %d at %v elapsed %v; want 4, 5, 4 at 13ms, 20ms", l.Lanes, l.Requests, l.PeakInFlight, l.PeakAt, l.Elapsed)
	}
	if c := l.caption(); c != "5 requests, 3 sessions, peak 4 in flight, 20ms elapsed" {
		t.Fatalf("caption %q", c)
	}
}

// Kata 06's twenty requests in flight on one session are one group of
// twenty lanes, labelled as one session, not twenty.
func TestOneSessionManyInFlightIsOneGroup(t *testing.T) {
	l := layRun(Run{Spans: loop(20)})
	if len(l.Groups) != 1 || l.Groups[0].Lanes != 20 || l.Groups[0].note() != "20 requests at once" {
		t.Fatalf("groups %+v: want one group of 20 lanes, \"20 requests at once\"", l.Groups)
	}
	if !strings.HasPrefix(l.caption(), "20 requests, 1 session, peak 20 in flight") {
		t.Fatalf("caption %q", l.caption())
	}
	out := ASCII([]Run{{Label: "loop", Spans: loop(20)}}, 80)
	if strings.Count(out, "session s1") != 1 || !strings.Contains(out, "  session s1: 20 requests at once\n") {
		t.Errorf("want one line \"session s1: 20 requests at once\":\n%s", out)
	}
	for i := 1; i <= 20; i++ {
		if !strings.Contains(out, fmt.Sprintf("\n    lane %d ", i)) {
			t.Errorf("lane %d has no label:\n%s", i, out)
		}
	}
	svg := string(SVG([]Run{{Label: "loop", Spans: loop(20)}}, "loop"))
	if strings.Count(svg, ">session s1<") != 1 || !strings.Contains(svg, ">20 requests at once<") || !strings.Contains(svg, ">lane 20<") {
		t.Errorf("SVG: want one label \"session s1\", \"20 requests at once\" and lanes labelled")
	}
}

// Every line of an ASCII timeline that holds bars or the in-flight chart
// starts with its label.
func TestASCIIEveryRowLabelled(t *testing.T) {
	out := ASCII([]Run{{Label: "tiny", Spans: tiny()}}, 44)
	want := []string{"  session s1", "  session s2", "    lane 1", "    lane 2", "  in flight"}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if strings.ContainsAny(line, "|▁▂▃▄▅▆▇█") && strings.HasPrefix(line, "  ") {
			got = append(got, strings.TrimRight(line[:len("    lane 1")+2], " "))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("row labels %q, want %q:\n%s", got, want, out)
	}
	if !strings.Contains(out, "\n  session s3: 2 requests at once\n") {
		t.Errorf("no group line for s3:\n%s", out)
	}
}

func TestASCIIBarPositions(t *testing.T) {
	// 20 ms on 20 columns: labels are "    lane 1" (10) + 4 wide, tickRoom 7.
	labelW := len("    lane 1") + 4
	out := ASCII([]Run{{Spans: tiny()}}, labelW+20+tickRoom)
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > labelW && strings.HasPrefix(line, "  ") {
			rows[strings.TrimSpace(line[:labelW])] = line[labelW:]
		}
	}
	for label, bars := range map[string]string{
		"session s1": "|#########|=========", // 0-10 big, 10-20 small: one column per ms
		"session s2": "     |#########",      // 5-15
		"lane 1":     "            |===",     // 12-16
		"lane 2":     "             |xxxx",   // 13-18, failed (500)
	} {
		if rows[label] != bars {
			t.Errorf("row %s\n got %q\nwant %q\n%s", label, rows[label], bars, out)
		}
	}
	if !strings.Contains(out, "one column = 1ms") || !strings.Contains(out, "0         10ms     20ms") {
		t.Errorf("scale or ticks missing:\n%s", out)
	}
}

// The key names what is drawn and nothing else.
func TestKeyOnlyOfWhatIsDrawn(t *testing.T) {
	fine := tiny()[:4] // no failure, no other page
	for _, c := range []struct {
		name  string
		spans []fakeserver.Span
		want  []kind
	}{
		{"answered", fine, []kind{kindBig, kindSmall}},
		{"with a failure", tiny(), []kind{kindBig, kindSmall, kindFailed}},
		{"small only", loop(3), []kind{kindSmall}},
		{"another page", []fakeserver.Span{span(1, "s1", "/elsewhere", 0, 5)}, []kind{kindOther}},
	} {
		ascii := ASCII([]Run{{Spans: c.spans}}, 80)
		key := ascii[strings.Index(ascii, "one column"):]
		svg := svgTexts(t, SVG([]Run{{Spans: c.spans}}, "t"))
		for k := range numKinds {
			wanted := false
			for _, w := range c.want {
				wanted = wanted || w == k
			}
			inASCII := strings.Contains(key, fmt.Sprintf("%c%c%c %s", barStart, fills[k], fills[k], kindText[k]))
			inSVG := strings.Contains(svg, svgKindText[k])
			if inASCII != wanted || inSVG != wanted {
				t.Errorf("%s: %q in the key: ASCII %v, SVG %v; want %v", c.name, kindText[k], inASCII, inSVG, wanted)
			}
		}
	}
}

// Runs drawn together share the time scale: a run twice as long is drawn
// twice as wide, in both pictures.
func TestRunsShareOneTimeScale(t *testing.T) {
	short := []fakeserver.Span{span(1, "s1", fakeserver.BigPath, 0, 10), span(2, "s1", fakeserver.BigPath, 10, 20)}
	long := []fakeserver.Span{span(1, "s1", fakeserver.BigPath, 0, 20), span(2, "s1", fakeserver.BigPath, 20, 40)}
	runs := []Run{{Label: "short", Spans: short}, {Label: "long", Spans: long}}

	labelW := len("session s1") + 4
	out := ASCII(runs, labelW+40+tickRoom)
	var widths []int
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  session s1") {
			widths = append(widths, len(strings.TrimRight(line[labelW:], " ")))
		}
	}
	if len(widths) != 2 || widths[0] != 20 || widths[1] != 40 {
		t.Fatalf("ASCII rows %v columns wide, want [20 40] (one ms a column for both):\n%s", widths, out)
	}

	bars := svgBars(t, SVG(runs, "t"))
	if len(bars) != 4 {
		t.Fatalf("%d bars, want 4", len(bars))
	}
	for i := range 2 {
		s, l := bars[i], bars[i+2]
		if d := l.w - 2*s.w; d > 0.1 || d < -0.1 {
			t.Errorf("bar %d: %.2f px for 10 ms, %.2f px for 20 ms: want twice as wide", i+1, s.w, l.w)
		}
		if d := (l.x - bars[0].x) - 2*(s.x-bars[0].x); d > 0.1 || d < -0.1 {
			t.Errorf("bar %d starts at %.2f and %.2f: want twice as far from the start", i+1, s.x, l.x)
		}
	}
}

// The in-flight chart is exact where it can be seen: back-to-back requests
// leave no dip, a pause as long as a column does, and the peak is
// fakeserver.PeakInFlight.
func TestInFlightChart(t *testing.T) {
	backToBack := layRun(Run{Spans: []fakeserver.Span{
		span(1, "s1", fakeserver.BigPath, 0, 10), span(2, "s1", fakeserver.BigPath, 10, 20),
	}})
	if got := fmt.Sprint(backToBack.Flight); got != "[{0s 1} {20ms 0}]" {
		t.Errorf("back to back: steps %s, want [{0s 1} {20ms 0}]", got)
	}
	// A pool of two: each worker's next request 1 µs after its last (both
	// at 10 ms: for 1 µs none is in flight), and s1 paused 20-25 ms.
	µs := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Microsecond) }
	var spans []fakeserver.Span
	for i, w := range [][3]int{
		{1, 0, 10000}, {1, 10001, 20000}, {1, 25000, 35000}, {1, 35001, 45000},
		{2, 0, 10000}, {2, 10001, 20000}, {2, 20001, 30000}, {2, 30001, 40000},
	} {
		spans = append(spans, fakeserver.Span{Seq: i + 1, Session: fmt.Sprintf("s%d", w[0]), Start: µs(w[1]), End: µs(w[2]), Status: 200})
	}
	l := layRun(Run{Spans: spans})
	if l.PeakInFlight != fakeserver.PeakInFlight(spans) || l.PeakInFlight != 2 {
		t.Fatalf("peak %d, want fakeserver.PeakInFlight's 2", l.PeakInFlight)
	}
	cols := columnPeaks(l.Flight, l.Elapsed, 45) // 1 ms a column
	var b strings.Builder
	for _, n := range cols {
		b.WriteString(strconv.Itoa(n))
	}
	// 0-20 ms two (the 1 µs at 10 ms is shorter than a column), 20-25 one
	// (s1 paused), then two to 40, s1 alone to 45.
	if want := "222222222222222222221111122222222222222211111"; b.String() != want {
		t.Errorf("column peaks\n got %s\nwant %s", b.String(), want)
	}
	svg := string(SVG([]Run{{Spans: spans}}, "pool"))
	if !strings.Contains(svg, ">peak 2<") {
		t.Errorf("SVG does not mark the peak")
	}
}

func TestBadInput(t *testing.T) {
	for _, runs := range [][]Run{nil, {}, {{Label: "empty"}}} {
		if got := ASCII(runs, 80); !strings.Contains(got, "no requests") {
			t.Errorf("ASCII(%v): %q, want \"no requests\"", runs, got)
		}
		svgTexts(t, SVG(runs, "nothing")) // valid XML
	}
	// One run without requests among others: said under its heading.
	runs := []Run{{Label: "empty"}, {Label: "tiny", Spans: tiny()}}
	out := ASCII(runs, 80)
	if !strings.Contains(out, "empty: 0 requests") || !strings.Contains(out, "  no requests reached the server") {
		t.Errorf("an empty run among others:\n%s", out)
	}
	if !strings.Contains(svgTexts(t, SVG(runs, "t")), "no requests reached the server") {
		t.Errorf("SVG: the empty run does not say so")
	}
	// Too narrow: widened to MinWidth columns of time.
	narrow := ASCII([]Run{{Spans: tiny()}}, 1)
	for _, line := range strings.Split(narrow, "\n") {
		if strings.HasPrefix(line, "  session s1") && len(line) > len("    lane 1")+4+MinWidth {
			t.Errorf("line %q wider than labels + MinWidth", line)
		}
	}
	// An instant request still shows one column.
	inst := ASCII([]Run{{Spans: []fakeserver.Span{span(1, "s1", fakeserver.BigPath, 0, 100), span(2, "s2", fakeserver.SmallPath, 50, 50)}}}, 10+4+tickRoom+10)
	if !strings.Contains(inst, "  session s2       |\n") {
		t.Errorf("an instant request must still show one column:\n%s", inst)
	}
}

func TestSVGValidWithOneBarPerRequestAndTooltips(t *testing.T) {
	svg := SVG([]Run{{Label: "Kata 03 <pool> & friends", Spans: tiny()}}, "Kata 03 <pool> & friends")
	if n := len(svgBars(t, svg)); n != 5 {
		t.Errorf("%d bars, want 5", n)
	}
	all := svgTexts(t, svg)
	for _, want := range []string{"Kata 03 <pool> & friends", "5 requests, 3 sessions, peak 4 in flight, 20ms elapsed",
		"session s1", "session s2", "session s3", "2 requests at once", "lane 2", "10ms", "20ms", "in flight", "peak 4",
		"/www.jython.org?n=5 (session s3, connection 5)"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
}

func TestRowsByKindThenNaturalName(t *testing.T) {
	var spans []fakeserver.Span
	for i, s := range []string{"s10", "s2", "s1", "p7", ""} {
		spans = append(spans, fakeserver.Span{Seq: i + 1, Session: s, Conn: 9, Start: ms(i), End: ms(i + 1), Status: 200})
	}
	spans = append(spans, fakeserver.Span{Seq: 6, Worker: "w1", Start: ms(6), End: ms(7), Status: 200})
	l := layRun(Run{Spans: spans})
	var got []string
	for _, g := range l.Groups {
		got = append(got, g.label())
	}
	if want := "session p7,session s1,session s2,session s10,worker w1,connection 9"; strings.Join(got, ",") != want {
		t.Fatalf("rows %q, want %q", strings.Join(got, ","), want)
	}
	if c := l.caption(); !strings.HasPrefix(c, "6 requests, 4 sessions, 1 worker, 1 connection,") {
		t.Errorf("caption %q", c)
	}
}

func TestTickStep(t *testing.T) {
	for _, c := range []struct {
		total time.Duration
		max   int
		want  time.Duration
	}{
		{20 * time.Millisecond, 10, 2 * time.Millisecond},
		{3200 * time.Millisecond, 8, 500 * time.Millisecond},
		{1 * time.Second, 10, 100 * time.Millisecond},
	} {
		if got := tickStep(c.total, c.max); got != c.want {
			t.Errorf("tickStep(%v, %d) = %v, want %v", c.total, c.max, got, c.want)
		}
	}
}

// svgTexts checks svg is valid XML and returns its text and titles.
func svgTexts(t *testing.T, svg []byte) string {
	t.Helper()
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strings.Join(texts, "\n")
		}
		if err != nil {
			t.Fatalf("not valid XML: %v\n%s", err, svg)
		}
		if cd, ok := tok.(xml.CharData); ok {
			texts = append(texts, string(cd))
		}
	}
}

type svgRect struct{ x, w float64 }

// svgBars returns the bars of svg (the rects with a request's tooltip), in
// the order drawn.
func svgBars(t *testing.T, svg []byte) []svgRect {
	t.Helper()
	var bars []svgRect
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var cur *svgRect
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return bars
		}
		if err != nil {
			t.Fatalf("not valid XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "rect" {
				r := svgRect{}
				for _, a := range el.Attr {
					switch a.Name.Local {
					case "x":
						r.x, _ = strconv.ParseFloat(a.Value, 64)
					case "width":
						r.w, _ = strconv.ParseFloat(a.Value, 64)
					}
				}
				cur = &r
			}
		case xml.CharData:
			if cur != nil && strings.HasPrefix(string(el), "#") {
				bars = append(bars, *cur)
				cur = nil
			}
		case xml.EndElement:
			if el.Name.Local == "rect" {
				cur = nil
			}
		}
	}
}
