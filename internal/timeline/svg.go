package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// The SVG's geometry, in pixels.
const (
	svgWidth     = 1100
	svgLabelW    = 130 // the row labels' column
	svgRight     = 70
	svgTop       = 96 // title, caption and legend above the rows
	svgAxisH     = 44 // tick labels and the axis title under the rows
	svgFlightH   = 70 // the "in flight" strip under the axis
	svgBottomPad = 16
	maxRowsH     = 560 // rows taller than this get thinner lanes
)

// Bar colours: by page, so the big and the small page alternate as in the
// original programs' output; a request without a 2xx answer is red.
var pageColour = map[string]string{
	"big":   "#3867b0",
	"small": "#ef8a2c",
	"other": "#8c8c8c",
}

const failColour = "#d62728"

// SVG draws spans as a picture: a title; a caption with the counts
// (requests, sessions, peak in flight, elapsed); a legend; one row per
// session (several lanes when it had several requests in flight at once),
// labelled, on alternating bands; a bar per request coloured by page (red
// when it got no 2xx answer), with a tooltip naming its URL, session,
// connection and duration; a time axis with round ticks; and under it a
// strip of how many requests were in flight at each moment.
func SVG(spans []fakeserver.Span, title string) []byte {
	l := lay(spans)
	laneH := 24.0
	if n := len(l.Lanes); n > 0 && float64(n)*laneH > maxRowsH {
		laneH = max(3, maxRowsH/float64(n))
	}
	rowsH := laneH * float64(len(l.Lanes))
	if len(l.Lanes) == 0 {
		rowsH = 40
	}
	chartX := float64(svgLabelW)
	chartW := float64(svgWidth - svgLabelW - svgRight)
	height := float64(svgTop) + rowsH + svgAxisH + svgFlightH + svgBottomPad
	elapsed := float64(max(l.Elapsed, 1))
	x := func(d time.Duration) float64 { return chartX + chartW*float64(d)/elapsed }

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n",
		svgWidth, height, svgWidth, height)
	p(`<title>%s</title>`+"\n", esc(title))
	p(`<rect x="0" y="0" width="%d" height="%.0f" fill="#ffffff"/>`+"\n", svgWidth, height)
	p(`<text x="%d" y="30" font-size="20" font-weight="bold" fill="#222">%s</text>`+"\n", 16, esc(title))
	p(`<text x="%d" y="54" font-size="14" fill="#444">%s</text>`+"\n", 16, esc(l.caption()))
	legendSVG(p)

	top := float64(svgTop)
	if len(l.Lanes) == 0 {
		p(`<text x="%.1f" y="%.1f" font-size="14" fill="#666">no requests reached the server</text>`+"\n", chartX, top+24)
	}
	// Session bands and labels.
	for i := 0; i < len(l.Lanes); {
		j := i
		for j < len(l.Lanes) && l.Lanes[j].Key == l.Lanes[i].Key {
			j++
		}
		y0, h := top+laneH*float64(i), laneH*float64(j-i)
		fill := "#ffffff"
		if countKeys(l.Lanes[:i])%2 == 0 {
			fill = "#eef2f7"
		}
		p(`<rect x="%d" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", 8, y0, chartX+chartW-8, h, fill)
		label := l.Lanes[i].Key
		p(`<text x="%.1f" y="%.1f" font-size="%.0f" text-anchor="end" dominant-baseline="middle" fill="#222">%s</text>`+"\n",
			chartX-10, y0+min(h, 24)/2, min(14, max(9, laneH*0.7)), esc(label))
		if j-i > 1 {
			p(`<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#666">%d at once</text>`+"\n",
				chartX-10, y0+min(h, 24)/2+14, j-i)
		}
		i = j
	}
	// Grid lines and ticks.
	step := tickStep(l.Elapsed, 10)
	axisY := top + rowsH
	for t := time.Duration(0); t <= l.Elapsed; t += step {
		tx := x(t)
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c8ced6" stroke-width="1"/>`+"\n", tx, top, tx, axisY+6)
		p(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="#333">%s</text>`+"\n", tx, axisY+20, esc(formatDuration(t)))
	}
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-width="1.5"/>`+"\n", chartX, axisY, chartX+chartW, axisY)
	p(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="#555">time since the server got the first request</text>`+"\n",
		chartX+chartW/2, axisY+38)
	// Bars.
	barH := max(2, laneH*0.72)
	for _, br := range l.Bars {
		sp := br.Span
		colour := pageColour[page(sp)]
		if failed(sp) {
			colour = failColour
		}
		bx := x(br.From)
		bw := max(1.5, x(br.To)-bx)
		by := top + laneH*float64(br.Lane) + (laneH-barH)/2
		stroke := ""
		if laneH >= 8 && bw >= 4 {
			stroke = ` stroke="#ffffff" stroke-width="1"`
		}
		p(`<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" rx="2" fill="%s"%s><title>%s</title></rect>`+"\n",
			bx, by, bw, barH, colour, stroke, esc(tooltip(sp, br)))
	}
	flightSVG(p, l, x, axisY+svgAxisH, chartX, chartW)
	p("</svg>\n")
	return b.Bytes()
}

// legendSVG draws the colour key.
func legendSVG(p func(string, ...any)) {
	items := []struct{ colour, text string }{
		{pageColour["big"], fmt.Sprintf("%s (%d B)", fakeserver.BigPath, fakeserver.BigSize)},
		{pageColour["small"], fmt.Sprintf("%s (%d B)", fakeserver.SmallPath, fakeserver.SmallSize)},
		{pageColour["other"], "other page"},
		{failColour, "no 2xx answer (error, fault, cancelled)"},
	}
	lx := 16.0
	for _, it := range items {
		p(`<rect x="%.0f" y="66" width="14" height="14" rx="2" fill="%s"/>`+"\n", lx, it.colour)
		p(`<text x="%.0f" y="78" font-size="13" fill="#333">%s</text>`+"\n", lx+20, esc(it.text))
		lx += 30 + 7.2*float64(len(it.text))
	}
}

// flightSVG draws how many requests were in flight, as a step line, in a
// strip at y0.
func flightSVG(p func(string, ...any), l layout, x func(time.Duration) float64, y0, chartX, chartW float64) {
	h := float64(svgFlightH - 22)
	base := y0 + h
	p(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="end" fill="#333">in flight</text>`+"\n", chartX-10, y0+h/2+4)
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-width="1"/>`+"\n", chartX, base, chartX+chartW, base)
	if l.PeakInFlight == 0 {
		return
	}
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, br := range l.Bars {
		edges = append(edges, edge{br.From, +1}, edge{br.To, -1})
	}
	sort.SliceStable(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].delta < edges[j].delta
	})
	yOf := func(n int) float64 { return base - h*float64(n)/float64(l.PeakInFlight) }
	var pts bytes.Buffer
	cur := 0
	fmt.Fprintf(&pts, "%.2f,%.2f", chartX, base)
	for _, e := range edges {
		fmt.Fprintf(&pts, " %.2f,%.2f", x(e.at), yOf(cur))
		cur += e.delta
		fmt.Fprintf(&pts, " %.2f,%.2f", x(e.at), yOf(cur))
	}
	p(`<polyline points="%s" fill="#cfd9ea" fill-opacity="0.8" stroke="#3867b0" stroke-width="1.2"/>`+"\n", pts.String())
	p(`<text x="%.1f" y="%.1f" font-size="11" fill="#333">peak %d</text>`+"\n", chartX+chartW+2, yOf(l.PeakInFlight)+4, l.PeakInFlight)
	p(`<text x="%.1f" y="%.1f" font-size="11" fill="#333">0</text>`+"\n", chartX+chartW+2, base+4)
}

func tooltip(sp fakeserver.Span, br bar) string {
	what := fmt.Sprintf("%d B", sp.Bytes)
	if failed(sp) {
		what = fmt.Sprintf("status %d, no full answer", sp.Status)
	}
	return fmt.Sprintf("#%d %s (session %s, connection %d): %s to %s, %s, %s",
		sp.Seq, sp.RequestURI, rowKey(sp), sp.Conn, formatDuration(br.From), formatDuration(br.To),
		formatDuration(sp.Duration()), what)
}

func countKeys(lanes []lane) int {
	n := 0
	for _, ln := range lanes {
		if ln.Index == 0 {
			n++
		}
	}
	return n
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
