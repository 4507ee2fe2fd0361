package timeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// The characters of an ASCII timeline. Each bar begins with barStart, so
// two requests back to back on one row stay two bars.
const (
	barStart  = '|'
	bigFill   = '#' // fakeserver.BigPath
	smallFill = '=' // fakeserver.SmallPath
	otherFill = '-' // any other path
	failFill  = 'x' // no 2xx answer: a fault, an error status, a cancelled request
)

// MinWidth is the narrowest time axis ASCII draws.
const MinWidth = 10

// ASCII draws spans as text: a caption line, a time axis, then one line per
// row (a session, or one lane of a session that had several requests in
// flight at once) with a bar per request, and a legend that gives the time
// scale. width is the number of columns of the time axis (at least
// MinWidth); each line is the row label plus width columns.
//
// A bar covers the columns from its request's start to its end (at least
// one column) and begins with '|'; it is filled with '#' for the big page,
// '=' for the small one, '-' for another path, and 'x' when the request got
// no 2xx answer. No spans give a single line that says so.
func ASCII(spans []fakeserver.Span, width int) string {
	width = max(width, MinWidth)
	l := lay(spans)
	if l.Requests == 0 {
		return "timeline: no requests reached the server\n"
	}
	labelW := len("session")
	for _, ln := range l.Lanes {
		labelW = max(labelW, len(ln.Key))
	}
	labelW += 2
	scale := float64(width) / float64(max(l.Elapsed, 1))
	col := func(d time.Duration) int { return int(float64(d) * scale) }

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", l.caption())

	// The axis: tick labels above, tick marks below.
	step := tickStep(l.Elapsed, max(2, width/10))
	labels := []rune(strings.Repeat(" ", width+12))
	marks := []rune(strings.Repeat("-", width))
	for t := time.Duration(0); t <= l.Elapsed; t += step {
		c := min(col(t), width-1)
		marks[c] = '+'
		copy(labels[c:], []rune(formatDuration(t)))
	}
	fmt.Fprintf(&b, "%-*s%s\n", labelW, "", strings.TrimRight(string(labels), " "))
	fmt.Fprintf(&b, "%-*s%s\n", labelW, "session", string(marks))

	rows := make([][]rune, len(l.Lanes))
	for i := range rows {
		rows[i] = []rune(strings.Repeat(" ", width))
	}
	for _, br := range l.Bars {
		from, to := barColumns(br, scale, width)
		fill := fillOf(br.Span)
		row := rows[br.Lane]
		for c := from; c < to; c++ {
			row[c] = fill
		}
		row[from] = barStart
	}
	for i, ln := range l.Lanes {
		label := ln.Key
		if ln.Index > 0 {
			label = "  \""
		}
		fmt.Fprintf(&b, "%-*s%s\n", labelW, label, strings.TrimRight(string(rows[i]), " "))
	}
	fmt.Fprintf(&b, "one column = %s; each bar is one request, from the moment the server got it to its answer\n",
		formatDuration(time.Duration(float64(l.Elapsed)/float64(width))))
	fmt.Fprintf(&b, "%c%c%c %s   %c%c%c %s   %c%c%c other page   %c%c%c failed (no 2xx answer)\n",
		barStart, bigFill, bigFill, fakeserver.BigPath,
		barStart, smallFill, smallFill, fakeserver.SmallPath,
		barStart, otherFill, otherFill, barStart, failFill, failFill)
	return b.String()
}

// barColumns returns the columns [from, to) a bar covers: at least one,
// never past width.
func barColumns(br bar, scale float64, width int) (from, to int) {
	from = min(int(float64(br.From)*scale), width-1)
	to = min(int(float64(br.To)*scale), width)
	if to <= from {
		to = from + 1
	}
	return from, to
}

func fillOf(sp fakeserver.Span) rune {
	if failed(sp) {
		return failFill
	}
	switch page(sp) {
	case "big":
		return bigFill
	case "small":
		return smallFill
	default:
		return otherFill
	}
}
