package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// The SVG's geometry, in pixels.
const (
	svgWidth   = 1160
	svgChartX  = 210 // the row labels' column is left of it
	svgRight   = 90  // room for the end and peak labels of the longest run
	svgTop     = 100 // title, subtitle and key above the runs
	svgHeadH   = 30  // a run's heading
	svgFlightH = 44  // a run's in-flight chart
	svgGapH    = 20  // between runs
	svgAxisH   = 52  // tick labels and the axis title under the runs
	laneMaxH   = 20
	lanesMaxH  = 420 // lanes taller than this together get thinner
)

// colours are the bar colours, by kind: the big and the small page
// alternate as in the original programs' output; a request without a 2xx
// answer is red.
var colours = [numKinds]string{
	kindBig:    "#3867b0",
	kindSmall:  "#ef8a2c",
	kindOther:  "#8c8c8c",
	kindFailed: "#d62728",
}

const flightColour = "#5b8bd0"

// svgKindText names the kinds in the picture's key.
var svgKindText = [numKinds]string{
	kindBig:    fmt.Sprintf("%s (%d B)", fakeserver.BigPath, fakeserver.BigSize),
	kindSmall:  fmt.Sprintf("%s (%d B)", fakeserver.SmallPath, fakeserver.SmallSize),
	kindOther:  "another page",
	kindFailed: "no 2xx answer (error, fault, cancelled)",
}

// SVG draws runs as one picture, one under the other on one time axis: a
// title; a key of the colours that appear; for each run a heading (its
// label and counts: requests, sessions, peak in flight, elapsed), its rows
// grouped by session on alternating bands, each group labelled ("session
// s1"; with "20 requests at once" and a label per lane when it had several
// requests in flight at once), a bar per request coloured by page (red when
// it got no 2xx answer) with a tooltip naming its URL, session, connection
// and duration, a line where the run ended, and a step chart of how many
// requests were in flight, with the peak marked; then the time axis, with
// round ticks. All runs share the time scale (the longest takes the whole
// width) and the in-flight scale (the highest peak takes the chart's
// height). The chart is drawn at the picture's resolution: each pixel
// column shows the most requests in flight at any moment of its time.
func SVG(runs []Run, title string) []byte {
	c := lay(runs)
	lanes := 0
	for _, r := range c.Runs {
		lanes += max(r.Lanes, 1)
	}
	laneH := float64(laneMaxH)
	if float64(lanes)*laneH > lanesMaxH {
		laneH = max(6, float64(int(lanesMaxH/float64(lanes))))
	}
	chartX := float64(svgChartX)
	chartW := float64(svgWidth - svgChartX - svgRight)
	height := float64(svgTop) + svgAxisH + laneH*float64(lanes)
	height += float64(len(c.Runs)) * (svgHeadH + 6 + svgFlightH + svgGapH)
	span := float64(max(c.Span, 1))
	x := func(d time.Duration) float64 { return chartX + chartW*float64(d)/span }

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n",
		svgWidth, height, svgWidth, height)
	p(`<title>%s</title>`+"\n", esc(title))
	p(`<rect x="0" y="0" width="%d" height="%.0f" fill="#ffffff"/>`+"\n", svgWidth, height)
	p(`<text x="16" y="30" font-size="20" font-weight="bold" fill="#222">%s</text>`+"\n", esc(title))
	sub := "each bar is one request, from the moment the server got it to its answer"
	if len(c.Runs) > 1 {
		sub = "one time scale for every run: a run twice as long is drawn twice as wide; " + sub
	}
	p(`<text x="16" y="52" font-size="13" fill="#555">%s</text>`+"\n", esc(sub))
	keySVG(p, c)

	// The time axis, and its grid behind every run.
	gridTop := float64(svgTop)
	axisY := height - svgAxisH - svgGapH + 8
	step := tickStep(c.Span, 10)
	for t := time.Duration(0); t <= c.Span; t += step {
		tx := x(t)
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d5dae1" stroke-width="1"/>`+"\n", tx, gridTop, tx, axisY+5)
		p(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="#333">%s</text>`+"\n", tx, axisY+19, esc(formatDuration(t)))
	}
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-width="1.5"/>`+"\n", chartX, axisY, chartX+chartW, axisY)
	p(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="#555">time since the run's first request reached the server</text>`+"\n",
		chartX+chartW/2, axisY+37)
	y := float64(svgTop)
	for _, r := range c.Runs {
		y = runSVG(p, c, r, x, y, laneH, chartX, chartW)
	}
	p("</svg>\n")
	return b.Bytes()
}

// runSVG draws one run from y down and returns where the next one starts.
func runSVG(p func(string, ...any), c chart, r runLayout, x func(time.Duration) float64, y, laneH, chartX, chartW float64) float64 {
	label := r.Label
	if label == "" {
		label = "run"
	}
	p(`<text x="16" y="%.1f" font-size="15" fill="#222"><tspan font-weight="bold">%s</tspan><tspan fill="#555" dx="10">%s</tspan></text>`+"\n",
		y+19, esc(label), esc(r.caption()))
	y += svgHeadH
	top := y
	if r.Requests == 0 {
		p(`<text x="%.1f" y="%.1f" font-size="13" fill="#666">no requests reached the server</text>`+"\n", chartX, y+laneH*0.7)
		return y + laneH + 6 + svgFlightH + svgGapH
	}
	// Groups: a band each, alternating, and their labels.
	for gi, g := range r.Groups {
		y0, h := top+laneH*float64(g.First), laneH*float64(g.Lanes)
		fill := "#dfe6f0"
		if gi%2 == 1 {
			fill = "#eef1f5"
		}
		p(`<rect x="16" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.6"><title>%s</title></rect>`+"\n",
			y0, chartX+chartW-16, h, fill, esc(g.label()+groupTip(g)))
		fontH := min(13, max(9, laneH*0.75))
		if g.Lanes == 1 {
			p(`<text x="24" y="%.1f" font-size="%.0f" dominant-baseline="central" fill="#222">%s</text>`+"\n", y0+h/2, fontH, esc(g.label()))
			continue
		}
		p(`<text x="24" y="%.1f" font-size="13" font-weight="bold" fill="#222">%s</text>`+"\n", y0+15, esc(g.label()))
		p(`<text x="24" y="%.1f" font-size="12" fill="#444">%s</text>`+"\n", y0+31, esc(g.note()))
		// A bracket holds the lanes together, each lane labelled.
		bx := chartX - 52
		p(`<path d="M%.1f %.1f h-5 V%.1f h5" fill="none" stroke="#7a8699" stroke-width="1.2"/>`+"\n", bx, y0+2, y0+h-2)
		laneFont := min(11, laneH*0.7)
		for i := range g.Lanes {
			if laneFont < 7 && i != 0 && i != g.Lanes-1 {
				continue // too thin to read every one: the first and the last
			}
			p(`<text x="%.1f" y="%.1f" font-size="%.1f" text-anchor="end" dominant-baseline="central" fill="#666">lane %d</text>`+"\n",
				chartX-6, y0+laneH*(float64(i)+0.5), max(laneFont, 7), i+1)
		}
	}
	// Bars.
	barH := max(2, laneH*0.72)
	for _, br := range r.Bars {
		bx := x(br.From)
		bw := max(1.5, x(br.To)-bx)
		by := top + laneH*float64(br.Lane) + (laneH-barH)/2
		stroke := ""
		if laneH >= 8 && bw >= 4 {
			stroke = ` stroke="#ffffff" stroke-width="1"`
		}
		p(`<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" rx="2" fill="%s"%s><title>%s</title></rect>`+"\n",
			bx, by, bw, barH, colours[br.Kind], stroke, esc(tooltip(br)))
	}
	y = top + laneH*float64(r.Lanes) + 6
	// Where the run ended, across its rows and chart.
	ex := x(r.Elapsed)
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222" stroke-width="1.2" stroke-dasharray="4 3"/>`+"\n", ex, top-4, ex, y+svgFlightH)
	p(`<text x="%.1f" y="%.1f" font-size="12" font-weight="bold" fill="#222">%s</text>`+"\n", ex+5, top+9, esc(formatDuration(r.Elapsed)))
	flightSVG(p, c, r, x, y, chartX, chartW)
	return y + svgFlightH + svgGapH
}

// flightSVG draws the run's in-flight chart in a strip at y0: a step chart
// at one pixel a column, the peak marked by a dashed line, a dot where it
// was first reached, and its number.
func flightSVG(p func(string, ...any), c chart, r runLayout, x func(time.Duration) float64, y0, chartX, chartW float64) {
	h := float64(svgFlightH - 4)
	base := y0 + h
	yOf := func(n int) float64 { return base - h*float64(n)/float64(max(c.Peak, 1)) }
	p(`<text x="24" y="%.1f" font-size="13" fill="#222">in flight</text>`+"\n", base-h/2+4)
	p(`<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#666">%d</text>`+"\n", chartX-6, yOf(c.Peak)+4, c.Peak)
	p(`<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#666">0</text>`+"\n", chartX-6, base)
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-width="1"/>`+"\n", chartX, base, chartX+chartW, base)
	cols := int(chartW)
	peaks := columnPeaks(r.Flight, c.Span, cols)
	var d bytes.Buffer
	fmt.Fprintf(&d, "M%.1f %.1f", chartX, base)
	prev := 0
	for col, n := range peaks {
		if n != prev {
			fmt.Fprintf(&d, " H%.1f V%.2f", chartX+float64(col)*chartW/float64(cols), yOf(n))
			prev = n
		}
	}
	fmt.Fprintf(&d, " H%.1f V%.1f Z", chartX+chartW, base)
	p(`<path d="%s" fill="#b3cbef" stroke="%s" stroke-width="1.2" stroke-linejoin="miter"/>`+"\n", d.String(), flightColour)
	py := yOf(r.PeakInFlight)
	ex := x(r.Elapsed)
	p(`<line x1="%.1f" y1="%.2f" x2="%.1f" y2="%.2f" stroke="#222" stroke-width="1" stroke-dasharray="2 2"/>`+"\n", chartX, py, ex, py)
	p(`<circle cx="%.1f" cy="%.2f" r="3" fill="#222"><title>peak: %d in flight, first at %s</title></circle>`+"\n",
		x(r.PeakAt), py, r.PeakInFlight, esc(formatDuration(r.PeakAt)))
	p(`<text x="%.1f" y="%.2f" font-size="12" fill="#222">peak %d</text>`+"\n", ex+5, max(py+4, y0+10), r.PeakInFlight)
}

// keySVG draws the key: the colours drawn, then the in-flight chart.
func keySVG(p func(string, ...any), c chart) {
	lx := 16.0
	item := func(swatch, text string) {
		p(swatch+"\n", lx)
		p(`<text x="%.0f" y="78" font-size="13" fill="#333">%s</text>`+"\n", lx+20, esc(text))
		lx += 34 + 6.9*float64(len(text))
	}
	for k, text := range svgKindText {
		if c.Drawn[k] {
			item(`<rect x="%.0f" y="66" width="14" height="14" rx="2" fill="`+colours[k]+`"/>`, text)
		}
	}
	item(`<rect x="%.0f" y="66" width="14" height="14" fill="#b3cbef" stroke="`+flightColour+`"/>`,
		fmt.Sprintf("requests in flight (one scale: 0 to %d)", c.Peak))
	item(`<circle cx="%.0f" cy="73" r="3" fill="#222" transform="translate(7 0)"/>`, "peak, first reached")
	item(`<path d="M%.0f 64 v18" stroke="#222" stroke-width="1.2" stroke-dasharray="4 3" transform="translate(7 0)"/>`, "end of the run")
}

func groupTip(g group) string {
	if g.Lanes > 1 {
		return ": " + g.note() + ", one lane each"
	}
	return ""
}

func tooltip(br bar) string {
	sp := br.Span
	what := fmt.Sprintf("%d B", sp.Bytes)
	if br.Kind == kindFailed {
		what = fmt.Sprintf("status %d, no full answer", sp.Status)
	}
	k, n := rowOf(sp)
	return fmt.Sprintf("#%d %s (%s %s, connection %d): %s to %s, %s, %s",
		sp.Seq, sp.RequestURI, k, n, sp.Conn, formatDuration(br.From), formatDuration(br.To),
		formatDuration(sp.Duration()), what)
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
