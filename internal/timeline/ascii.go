package timeline

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// The characters of an ASCII timeline. Each bar begins with barStart, so
// two requests back to back on one row stay two bars.
const barStart = '|'

// fills are the bar fills, by kind.
var fills = [numKinds]rune{
	kindBig:    '#',
	kindSmall:  '=',
	kindOther:  '-',
	kindFailed: 'x',
}

// levels draw the in-flight chart: levels[n*8/peak] for n in flight, where
// peak is the highest peak of the runs drawn; any request in flight shows.
var levels = []rune(" ▁▂▃▄▅▆▇█")

// MinWidth is the narrowest time axis ASCII draws.
const MinWidth = 10

// tickRoom is the room right of the axis for its last tick label.
const tickRoom = 7

// ASCII draws runs as text, one under the other on one time scale: a time
// axis; for each run a heading (its label and counts), one line per row
// with a bar per request, and a line of how many requests were in flight;
// then a key of the scale and of the fills that appear. A heading wider
// than width puts the counts on a line of their own. Rows are labelled
// "session s1" (or "worker w1", "connection 3"); a session with several
// requests in flight at once has a line "session s1: 20 requests at once"
// and under it one line per lane, "lane 1", "lane 2"…
//
// width is the width of the lines in columns: the time axis gets what the
// labels leave, at least MinWidth columns. The longest run takes the whole
// axis; the others are as long as their time.
//
// A bar covers the columns from its request's start to its end (at least
// one column) and begins with '|'; it is filled with '#' for the big page,
// '=' for the small one, '-' for another path, and 'x' when the request got
// no 2xx answer. A column of the in-flight line shows the most requests in
// flight at any moment of its time, from '▁' to '█' (the highest peak of
// the runs). Runs without spans say so.
func ASCII(runs []Run, width int) string {
	c := lay(runs)
	if c.requests() == 0 {
		return "timeline: no requests reached the server\n"
	}
	labelW := len("in flight")
	for _, r := range c.Runs {
		for _, g := range r.Groups {
			if g.Lanes > 1 {
				labelW = max(labelW, len(fmt.Sprintf("  lane %d", g.Lanes)))
			} else {
				labelW = max(labelW, len(g.label()))
			}
		}
	}
	labelW += 4 // two to indent rows under their run, two before the bars
	axisW := max(width-labelW-tickRoom, MinWidth)
	scale := float64(axisW) / float64(max(c.Span, 1))

	var b strings.Builder
	// The axis: tick labels above, tick marks below.
	step := tickStep(c.Span, max(2, axisW/10))
	labels := []rune(strings.Repeat(" ", axisW+tickRoom))
	marks := []rune(strings.Repeat("-", axisW))
	for t := time.Duration(0); t <= c.Span; t += step {
		col := min(int(float64(t)*scale), axisW-1)
		marks[col] = '+'
		copy(labels[col:], []rune(formatDuration(t)))
	}
	fmt.Fprintf(&b, "%-*s%s\n", labelW, "", strings.TrimRight(string(labels), " "))
	fmt.Fprintf(&b, "%-*s%s\n", labelW, "time", string(marks))

	for i, r := range c.Runs {
		if i > 0 {
			b.WriteString("\n")
		}
		if h := r.heading(); len([]rune(h)) <= width || r.Label == "" {
			fmt.Fprintf(&b, "%s\n", h)
		} else {
			fmt.Fprintf(&b, "%s\n  %s\n", r.Label, r.caption())
		}
		if r.Requests == 0 {
			b.WriteString("  no requests reached the server\n")
			continue
		}
		rows := make([][]rune, r.Lanes)
		for i := range rows {
			rows[i] = []rune(strings.Repeat(" ", axisW))
		}
		for _, br := range r.Bars {
			from, to := barColumns(br, scale, axisW)
			row := rows[br.Lane]
			for col := from; col < to; col++ {
				row[col] = fills[br.Kind]
			}
			row[from] = barStart
		}
		line := func(label string, cells []rune) {
			fmt.Fprintf(&b, "%-*s%s\n", labelW, label, strings.TrimRight(string(cells), " "))
		}
		for _, g := range r.Groups {
			if g.Lanes == 1 {
				line("  "+g.label(), rows[g.First])
				continue
			}
			fmt.Fprintf(&b, "  %s: %s\n", g.label(), g.note())
			for i := range g.Lanes {
				line(fmt.Sprintf("    lane %d", i+1), rows[g.First+i])
			}
		}
		cells := []rune(strings.Repeat(" ", axisW))
		for col, n := range columnPeaks(r.Flight, c.Span, axisW) {
			if n > 0 {
				cells[col] = levels[max(1, (n*(len(levels)-1)+c.Peak-1)/c.Peak)]
			}
		}
		line("  in flight", cells)
	}

	b.WriteString("\n")
	fmt.Fprintf(&b, "one column = %s, the same for every run; a bar is one request, from arrival to answer\n",
		formatDuration(time.Duration(float64(c.Span)/float64(axisW))))
	var key []string
	for k, text := range kindText {
		if c.Drawn[k] {
			key = append(key, fmt.Sprintf("%c%c%c %s", barStart, fills[k], fills[k], text))
		}
	}
	fmt.Fprintf(&b, "%s\n", strings.Join(key, "   "))
	fmt.Fprintf(&b, "in flight: %c is 1 request, %c is %d at once (the highest peak drawn)\n", levels[1], levels[len(levels)-1], c.Peak)
	return b.String()
}

// kindText names the kinds in keys.
var kindText = [numKinds]string{
	kindBig:    fakeserver.BigPath,
	kindSmall:  fakeserver.SmallPath,
	kindOther:  "another page",
	kindFailed: "failed (no 2xx answer)",
}

// barColumns returns the columns [from, to) a bar covers: each column its
// request was in flight during, at least one, never past width.
func barColumns(br bar, scale float64, width int) (from, to int) {
	from = min(int(float64(br.From)*scale), width-1)
	to = min(int(math.Ceil(float64(br.To)*scale)), width)
	if to <= from {
		to = from + 1
	}
	return from, to
}
