package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/cmd/kata/internal/traced"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
)

// A tracePanel is one recording drawn as rows of processors.
type tracePanel struct {
	Run traced.Run
	Rec *cputrace.Recording
}

// taskExtent is the time from the first task's start to the last one's end.
func taskExtent(tasks []cputrace.Span) time.Duration {
	if len(tasks) == 0 {
		return 0
	}
	first, last := tasks[0].Start, tasks[0].End
	for _, t := range tasks {
		first, last = min(first, t.Start), max(last, t.End)
	}
	return last - first
}

// The picture's geometry, in SVG pixels.
const (
	svgWidth    = 1060
	svgLeft     = 90 // room for the row labels
	svgRight    = 20
	svgRowH     = 30
	svgRowGap   = 6
	svgTitleH   = 48
	svgPanelGap = 56
	svgAxisH    = 30
	svgLegendH  = 92
)

// goroutineColours tell the goroutines (workers) apart.
var goroutineColours = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// traceSVG draws each panel as one row per processor (P) with a box for
// every stretch a task ran on it, coloured by goroutine, on one time axis
// shared by all panels (each from its own first task), so a run that took
// longer is drawn longer.
func traceSVG(title string, panels []tracePanel) []byte {
	var span time.Duration
	for _, p := range panels {
		span = max(span, taskExtent(p.Rec.Tasks(p.Run.Region)))
	}
	if span <= 0 {
		span = time.Millisecond
	}
	plotW := float64(svgWidth - svgLeft - svgRight)
	x := func(d time.Duration) float64 { return svgLeft + plotW*float64(d)/float64(span) }
	step := niceStep(span, 10)

	var body strings.Builder
	y := 40.0
	fmt.Fprintf(&body, `<text x="%d" y="24" font-size="17" font-weight="bold">%s</text>`+"\n", svgLeft-70, html.EscapeString(title))
	for _, p := range panels {
		tasks := p.Rec.Tasks(p.Run.Region)
		rows := rowsOf(p.Rec, p.Run.Region, p.Run.GOMAXPROCS)
		var origin time.Duration
		if len(tasks) > 0 {
			origin = tasks[0].Start
			for _, t := range tasks {
				origin = min(origin, t.Start)
			}
		}
		y += svgTitleH - 20
		fmt.Fprintf(&body, `<text x="%d" y="%.0f" font-size="15" font-weight="bold">%s</text>`+"\n", svgLeft-70, y, html.EscapeString(p.Run.Label))
		fmt.Fprintf(&body, `<text x="%d" y="%.0f" font-size="13" fill="#444">%d tasks, at most %d running at the same moment, on %d of %d processor(s); %v from the first task to the last</text>`+"\n",
			svgLeft-70, y+18, len(tasks), p.Rec.PeakRunning(p.Run.Region), len(p.Rec.ProcsUsed(p.Run.Region)), p.Run.GOMAXPROCS, taskExtent(tasks).Round(time.Millisecond))
		y += 30
		top := y
		goroutines := map[int64]int{} // goroutine -> colour index, in order of first task
		for _, t := range tasks {
			if _, ok := goroutines[t.Goroutine]; !ok {
				goroutines[t.Goroutine] = len(goroutines)
			}
		}
		for i, proc := range rows {
			ry := top + float64(i*(svgRowH+svgRowGap))
			fmt.Fprintf(&body, `<text x="%d" y="%.0f" font-size="14" text-anchor="end" dominant-baseline="middle">P%d</text>`+"\n", svgLeft-10, ry+svgRowH/2, proc)
			fmt.Fprintf(&body, `<rect x="%d" y="%.0f" width="%.0f" height="%d" fill="#f3f3f3" stroke="#ddd"/>`+"\n", svgLeft, ry, plotW, svgRowH)
			for _, t := range tasks {
				colour := goroutineColours[goroutines[t.Goroutine]%len(goroutineColours)]
				for _, sl := range t.Running {
					if sl.P != proc {
						continue
					}
					x0, x1 := x(sl.Start-origin), x(sl.End-origin)
					w := math.Max(x1-x0, 0.6)
					fmt.Fprintf(&body, `<rect x="%.2f" y="%.0f" width="%.2f" height="%d" fill="%s" stroke="white" stroke-width="0.5"><title>goroutine %d, %v to %v</title></rect>`+"\n",
						x0, ry+2, w, svgRowH-4, colour, t.Goroutine, (sl.Start - origin).Round(time.Microsecond), (sl.End - origin).Round(time.Microsecond))
				}
			}
		}
		y = top + float64(len(rows)*(svgRowH+svgRowGap))
		// Which colour is which goroutine, at the right of the panel's title.
		ids := make([]int64, 0, len(goroutines))
		for g := range goroutines {
			ids = append(ids, g)
		}
		slices.SortFunc(ids, func(a, b int64) int { return goroutines[a] - goroutines[b] })
		kx := float64(svgWidth-svgRight) - float64(len(ids))*52 - 78
		fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-size="12" fill="#333">goroutines:</text>`+"\n", kx, top-12)
		for i, g := range ids {
			gx := kx + 70 + float64(i)*52
			fmt.Fprintf(&body, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f" font-size="12" fill="#333">%d</text>`+"\n",
				gx, top-22, goroutineColours[goroutines[g]%len(goroutineColours)], gx+15, top-12, g)
		}
		// The time axis.
		fmt.Fprintf(&body, `<line x1="%d" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#333"/>`+"\n", svgLeft, y, svgLeft+plotW, y)
		for d := time.Duration(0); d <= span; d += step {
			fmt.Fprintf(&body, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#333"/><text x="%.1f" y="%.0f" font-size="12" text-anchor="middle" fill="#333">%s</text>`+"\n",
				x(d), y, x(d), y+5, x(d), y+19, axisLabel(d, step))
		}
		fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-size="12" text-anchor="end" fill="#333">time since the first task</text>`+"\n", svgLeft+plotW, y+34)
		y += svgAxisH + svgPanelGap - 30
	}
	// The legend.
	y += 10
	legend := []string{
		"Each row is one processor (P): Go runs at most GOMAXPROCS goroutines at the same moment, one per P.",
		"Each box is a stretch of time a task ran on that P; its colour is the goroutine (worker) that ran it.",
		"A grey gap is time that P ran no task: other goroutines (the HTTP work, the garbage collector) or nothing.",
		"Both runs share one time axis: on an idle machine the same work on one processor takes about GOMAXPROCS times as long.",
	}
	for i, l := range legend {
		fmt.Fprintf(&body, `<text x="%d" y="%.0f" font-size="13" fill="#333">%s</text>`+"\n", svgLeft-70, y+float64(i)*19, html.EscapeString(l))
	}
	y += float64(len(legend))*19 + 10
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="sans-serif">
<rect width="100%%" height="100%%" fill="white"/>
%s</svg>
`, svgWidth, y, svgWidth, y, body.String())
}

// rowsOf returns the processors to draw: every P the recording saw, and at
// least P0 … P(gomaxprocs-1), so an idle processor shows as an empty row.
func rowsOf(rec *cputrace.Recording, region string, gomaxprocs int) []int64 {
	seen := map[int64]bool{}
	for p := range int64(gomaxprocs) {
		seen[p] = true
	}
	for _, p := range rec.ProcsUsed(region) {
		seen[p] = true
	}
	var out []int64
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// niceStep returns a round tick interval (1, 2 or 5 × a power of ten) that
// cuts span into at most about n pieces.
func niceStep(span time.Duration, n int) time.Duration {
	raw := float64(span) / float64(n)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return time.Duration(m * pow)
		}
	}
	return time.Duration(10 * pow)
}

// axisLabel prints d in the unit the step suits: ms, or s past a second.
func axisLabel(d, step time.Duration) string {
	if step >= 100*time.Millisecond {
		return fmt.Sprintf("%g s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}
