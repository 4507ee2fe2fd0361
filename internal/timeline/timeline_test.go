package timeline

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

// tiny is a hand-made run of 20 ms: session s1 asks for the big page then
// the small one, back to back; s2 asks for the big page in the middle;
// s3 has two requests in flight at once, one of which failed.
func tiny() []fakeserver.Span {
	return []fakeserver.Span{
		{Seq: 1, Path: fakeserver.BigPath, RequestURI: "/www.jython.org?n=0", Conn: 1, Session: "s1", Start: ms(0), End: ms(10), Status: 200, Bytes: fakeserver.BigSize},
		{Seq: 2, Path: fakeserver.BigPath, RequestURI: "/www.jython.org?n=2", Conn: 2, Session: "s2", Start: ms(5), End: ms(15), Status: 200, Bytes: fakeserver.BigSize},
		{Seq: 3, Path: fakeserver.SmallPath, RequestURI: "/olympus.realpython.org/dice?n=1", Conn: 1, Session: "s1", Start: ms(10), End: ms(20), Status: 200, Bytes: fakeserver.SmallSize},
		{Seq: 4, Path: fakeserver.SmallPath, RequestURI: "/olympus.realpython.org/dice?n=3", Conn: 3, Session: "s3", Start: ms(12), End: ms(16), Status: 200, Bytes: fakeserver.SmallSize},
		{Seq: 5, Path: fakeserver.BigPath, RequestURI: "/www.jython.org?n=4", Conn: 4, Session: "s3", Start: ms(13), End: ms(18), Status: 500},
	}
}

func TestLayoutLanesAndCounts(t *testing.T) {
	l := lay(tiny())
	var got []string
	for _, ln := range l.Lanes {
		got = append(got, ln.Key)
	}
	if want := "s1 s2 s3 s3"; strings.Join(got, " ") != want {
		t.Fatalf("lanes: got %q, want %q (sessions in order of first request, s3 on two lanes)", strings.Join(got, " "), want)
	}
	if l.Requests != 5 || l.Sessions != 3 || l.PeakInFlight != 4 || l.Elapsed != 20*time.Millisecond {
		t.Fatalf("counts: requests %d sessions %d peak %d elapsed %v; want 5, 3, 4, 20ms", l.Requests, l.Sessions, l.PeakInFlight, l.Elapsed)
	}
	if c := l.caption(); c != "5 requests, 3 sessions, peak 4 in flight, 20ms elapsed" {
		t.Fatalf("caption %q", c)
	}
}

func TestPeakInFlightBackToBackIsOne(t *testing.T) {
	spans := tiny()[:1]
	spans = append(spans, tiny()[2])
	if p := lay(spans).PeakInFlight; p != 1 {
		t.Fatalf("two requests back to back: peak %d, want 1 (one ends as the next starts)", p)
	}
}

func TestASCIIBarPositions(t *testing.T) {
	out := ASCII(tiny(), 20)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	// caption, tick labels, axis, 4 lanes, 2 legend lines.
	if len(lines) != 9 {
		t.Fatalf("got %d lines, want 9:\n%s", len(lines), out)
	}
	rows := lines[3:7]
	labelW := len("session") + 2
	want := []struct{ label, bars string }{
		{"s1", "|#########|========="}, // 0-10 big, 10-20 small: one column per ms
		{"s2", "     |#########"},      // 5-15
		{"s3", "            |==="},     // 12-16
		{`  "`, "             |xxxx"},  // 13-18, failed (500)
	}
	for i, w := range want {
		if got := strings.TrimSpace(rows[i][:labelW]); got != strings.TrimSpace(w.label) {
			t.Errorf("row %d label %q, want %q", i, got, w.label)
		}
		if got := rows[i][labelW:]; got != w.bars {
			t.Errorf("row %d bars\n got %q\nwant %q\n%s", i, got, w.bars, out)
		}
	}
	if !strings.HasPrefix(lines[0], "5 requests, 3 sessions, peak 4 in flight, 20ms elapsed") {
		t.Errorf("caption line %q", lines[0])
	}
	if !strings.Contains(lines[1], "0") || !strings.Contains(lines[1], "10ms") || !strings.Contains(lines[1], "20ms") {
		t.Errorf("tick labels %q: want 0, 10ms and 20ms", lines[1])
	}
	if !strings.Contains(out, "one column = 1ms") {
		t.Errorf("legend lacks the scale:\n%s", out)
	}
}

func TestASCIIEmptyAndNarrow(t *testing.T) {
	if got := ASCII(nil, 80); !strings.Contains(got, "no requests") {
		t.Fatalf("no spans: %q", got)
	}
	out := ASCII(tiny(), 1) // widened to MinWidth
	for _, line := range strings.Split(out, "\n")[3:7] {
		if n := len([]rune(line)); n > len("session")+2+MinWidth {
			t.Fatalf("line %q is %d runes, wider than label+MinWidth", line, n)
		}
	}
}

func TestASCIIOneColumnBarForAnInstantRequest(t *testing.T) {
	spans := []fakeserver.Span{
		{Seq: 1, Path: fakeserver.BigPath, Session: "s1", Start: ms(0), End: ms(100), Status: 200},
		{Seq: 2, Path: fakeserver.SmallPath, Session: "s2", Start: ms(50), End: ms(50), Status: 200},
	}
	rows := strings.Split(ASCII(spans, 10), "\n")[3:5]
	if got := strings.TrimRight(rows[1][len("session")+2:], " "); got != "     |" {
		t.Fatalf("an instant request must still show one column: got %q", got)
	}
}

func TestSVGIsValidXMLWithOneBarPerRequest(t *testing.T) {
	svg := SVG(tiny(), "Kata 03 <pool> & friends")
	dec := xml.NewDecoder(bytes.NewReader(svg))
	rects, texts := 0, []string{}
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not valid XML: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "rect" {
				for _, a := range el.Attr {
					if a.Name.Local == "rx" && a.Value == "2" {
						rects++
					}
				}
			}
			inText = el.Name.Local == "text" || el.Name.Local == "title"
		case xml.CharData:
			if inText {
				texts = append(texts, string(el))
			}
		case xml.EndElement:
			inText = false
		}
	}
	// 5 bars + 4 legend swatches carry rx="2".
	if rects != 9 {
		t.Errorf("got %d rounded rects, want 9 (5 bars, 4 legend swatches)", rects)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Kata 03 <pool> & friends", "5 requests, 3 sessions, peak 4 in flight, 20ms elapsed",
		"s1", "s2", "s3", "2 at once", "10ms", "20ms", "in flight", "/www.jython.org?n=4"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
}

func TestSVGEmpty(t *testing.T) {
	if err := xml.Unmarshal(SVG(nil, "nothing"), new(struct{})); err != nil {
		t.Fatalf("empty SVG is not valid XML: %v", err)
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

func TestRowsByNaturalName(t *testing.T) {
	var spans []fakeserver.Span
	for i, s := range []string{"s10", "s2", "s1", "p7", ""} {
		spans = append(spans, fakeserver.Span{Seq: i + 1, Session: s, Conn: 9, Start: ms(i), End: ms(i + 1), Status: 200})
	}
	var got []string
	for _, ln := range lay(spans).Lanes {
		got = append(got, ln.Key)
	}
	if want := "conn 9 p7 s1 s2 s10"; strings.Join(got, " ") != want {
		t.Fatalf("rows %q, want %q", strings.Join(got, " "), want)
	}
}
