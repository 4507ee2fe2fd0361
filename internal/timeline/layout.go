// Package timeline draws what the fake server saw of one or more runs of a
// download — one bar per request, one row per session — as text for a
// terminal (ASCII) or as a picture (SVG), like the execution diagrams of the
// article the katas port: which worker was waiting on which request, and
// when.
//
// Both take Runs, each the spans of a fakeserver.Stats with a label. Runs
// drawn together share one time scale, so a run twice as long is drawn
// twice as wide, and one in-flight scale. Inside a run, rows are grouped by
// session (else worker, else connection), by name (s1, s2… s10); a session
// with several requests in flight at once (one Session shared by the tasks
// of an event loop) gets one lane per request in flight, grouped under one
// label that says how many were at once, so bars never hide each other.
// Under each run's rows, a step chart shows how many requests were in
// flight over time, with the peak marked.
package timeline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// A Run is one download to draw: what ran, and what the server saw of it.
type Run struct {
	Label string            // what ran, such as "Kata 03-pool (reference solution)"; may be empty
	Spans []fakeserver.Span // the server's spans of the run, in any order
}

// A kind is what a bar shows, and so its colour or fill.
type kind int

const (
	kindBig    kind = iota // fakeserver.BigPath, answered
	kindSmall              // fakeserver.SmallPath, answered
	kindOther              // another path, answered
	kindFailed             // no 2xx answer: a fault, an error status, a cancelled request
	numKinds
)

func kindOf(sp fakeserver.Span) kind {
	switch {
	case sp.Canceled || sp.Fault != 0 || sp.Status < 200 || sp.Status > 299:
		return kindFailed
	case sp.Path == fakeserver.BigPath:
		return kindBig
	case sp.Path == fakeserver.SmallPath:
		return kindSmall
	default:
		return kindOther
	}
}

// A group is the rows of one session (or worker, or connection): one lane
// per request it had in flight at once.
type group struct {
	Kind  string // "session", "worker" or "connection"
	Name  string // "s1", "w2", "3"
	First int    // its first lane, in the run's lanes
	Lanes int    // how many lanes: the most requests it had in flight at once
}

// label names the group: "session s1".
func (g group) label() string { return g.Kind + " " + g.Name }

// note says why a group has several lanes: "20 requests at once"; "" for one.
func (g group) note() string {
	if g.Lanes < 2 {
		return ""
	}
	return fmt.Sprintf("%d requests at once", g.Lanes)
}

// A bar is one request, placed on a lane of its run.
type bar struct {
	Span     fakeserver.Span
	Lane     int           // index into the run's lanes
	From, To time.Duration // since the run's first request
	Kind     kind
}

// A step is a stretch of a run's in-flight chart: N requests in flight from
// At until the next step's At.
type step struct {
	At time.Duration
	N  int
}

// runLayout is where every bar of one run goes, and its counts.
type runLayout struct {
	Label        string
	Groups       []group
	Lanes        int
	Bars         []bar
	Start        time.Time
	Elapsed      time.Duration // from the first request's start to the last one's end
	Requests     int
	PeakInFlight int
	PeakAt       time.Duration // when the peak was first reached
	Flight       []step        // the in-flight chart, from 0; the last step is 0 at Elapsed
}

// chart is the layout of runs drawn together.
type chart struct {
	Runs  []runLayout
	Span  time.Duration // the longest run: the time scale all runs share
	Peak  int           // the highest peak: the in-flight scale all runs share
	Drawn [numKinds]bool
}

func (c chart) requests() int {
	n := 0
	for _, r := range c.Runs {
		n += r.Requests
	}
	return n
}

// lay places the spans of every run on one time scale.
func lay(runs []Run) chart {
	var c chart
	for _, r := range runs {
		rl := layRun(r)
		c.Span = max(c.Span, rl.Elapsed)
		c.Peak = max(c.Peak, rl.PeakInFlight)
		for _, b := range rl.Bars {
			c.Drawn[b.Kind] = true
		}
		c.Runs = append(c.Runs, rl)
	}
	return c
}

// rowOf names the group a span belongs to: its session, else its worker,
// else its connection.
func rowOf(sp fakeserver.Span) (kind, name string) {
	switch {
	case sp.Session != "":
		return "session", sp.Session
	case sp.Worker != "":
		return "worker", sp.Worker
	default:
		return "connection", strconv.Itoa(sp.Conn)
	}
}

// layRun places one run's spans: groups by name, each request on the first
// lane of its group that is free when it starts. Taken in order of start,
// that gives a group exactly as many lanes as it had requests in flight at
// once.
func layRun(r Run) runLayout {
	sorted := append([]fakeserver.Span(nil), r.Spans...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Start.Equal(sorted[j].Start) {
			return sorted[i].Start.Before(sorted[j].Start)
		}
		return sorted[i].Seq < sorted[j].Seq
	})
	l := runLayout{Label: r.Label, Requests: len(sorted)}
	if len(sorted) == 0 {
		return l
	}
	l.Start = sorted[0].Start
	end := sorted[0].End
	for _, sp := range sorted {
		if sp.End.After(end) {
			end = sp.End
		}
	}
	l.Elapsed = end.Sub(l.Start)

	type key struct{ kind, name string }
	var keys []key
	laneEnds := map[key][]time.Time{} // per group: when each of its lanes is free
	laneOf := make([]int, len(sorted))
	for i, sp := range sorted {
		k, n := rowOf(sp)
		g := key{k, n}
		if _, seen := laneEnds[g]; !seen {
			keys = append(keys, g)
			laneEnds[g] = nil
		}
		ends := laneEnds[g]
		idx := -1
		for i, e := range ends {
			if !e.After(sp.Start) {
				idx = i
				break
			}
		}
		if idx < 0 {
			idx = len(ends)
			ends = append(ends, time.Time{})
		}
		ends[idx] = sp.End
		laneEnds[g] = ends
		laneOf[i] = idx
	}
	// Groups by kind (sessions first), then by name (s1, s2… s10), so a row
	// is where one looks for it; bars then point at their run's lane.
	kindOrder := map[string]int{"session": 0, "worker": 1, "connection": 2}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return kindOrder[keys[i].kind] < kindOrder[keys[j].kind]
		}
		return naturalLess(keys[i].name, keys[j].name)
	})
	first := map[key]int{}
	for _, k := range keys {
		first[k] = l.Lanes
		n := len(laneEnds[k])
		l.Groups = append(l.Groups, group{Kind: k.kind, Name: k.name, First: l.Lanes, Lanes: n})
		l.Lanes += n
	}
	for i, sp := range sorted {
		k, n := rowOf(sp)
		l.Bars = append(l.Bars, bar{
			Span: sp, Lane: first[key{k, n}] + laneOf[i],
			From: sp.Start.Sub(l.Start), To: sp.End.Sub(l.Start), Kind: kindOf(sp),
		})
	}
	l.Flight = flight(l.Start, sorted)
	for _, s := range l.Flight {
		if s.N > l.PeakInFlight {
			l.PeakInFlight, l.PeakAt = s.N, s.At
		}
	}
	return l
}

// flight is the exact step function of requests in flight,
// fakeserver.FlightSteps on the run's own clock: from 0 at start, where the
// first request starts. Edges at the same instant are taken together, so a
// request that ends as the next starts leaves no dip; the peak is
// fakeserver.PeakInFlight's.
func flight(start time.Time, spans []fakeserver.Span) []step {
	steps := []step{{0, 0}}
	for _, s := range fakeserver.FlightSteps(spans) {
		if at := s.At.Sub(start); at > 0 {
			steps = append(steps, step{at, s.N})
		} else {
			steps[0].N = s.N
		}
	}
	return steps
}

// columnPeaks draws steps at a resolution: columns of the time axis, where
// span takes them all; each column gets the most requests in flight at any
// moment inside it. A dip shorter than a column is not drawn (it could not
// be seen), and the run's peak always is.
func columnPeaks(steps []step, span time.Duration, columns int) []int {
	out := make([]int, columns)
	for i, s := range steps {
		if s.N == 0 || i+1 == len(steps) {
			continue // the last step is 0, at the run's end
		}
		end := steps[i+1].At
		from := columnOf(s.At, span, columns)
		to := columnOf(end-1, span, columns) // the column of the step's last instant
		for c := from; c <= to; c++ {
			out[c] = max(out[c], s.N)
		}
	}
	return out
}

// columnOf is the column of the time axis that holds instant d, where span
// takes all the columns.
func columnOf(d, span time.Duration, columns int) int {
	c := int(float64(d) * float64(columns) / float64(max(span, 1)))
	return min(max(c, 0), columns-1)
}

// naturalLess orders names with numbers by their numbers: s2 before s10.
func naturalLess(a, b string) bool {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	if pa != pb || na < 0 || nb < 0 {
		if pa == pb {
			return a < b
		}
		return pa < pb
	}
	return na < nb
}

// splitNumber splits "s12" into "s" and 12; -1 when no digits end name.
func splitNumber(name string) (string, int) {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(name[i:])
	if err != nil {
		return name, -1
	}
	return name[:i], n
}

// caption is the one-line summary of a run, such as "20 requests,
// 5 sessions, peak 5 in flight, 212ms elapsed".
func (l runLayout) caption() string {
	parts := []string{count(l.Requests, "request")}
	for _, k := range []string{"session", "worker", "connection"} {
		n := 0
		for _, g := range l.Groups {
			if g.Kind == k {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, count(n, k))
		}
	}
	parts = append(parts, fmt.Sprintf("peak %d in flight", l.PeakInFlight), formatDuration(l.Elapsed)+" elapsed")
	return strings.Join(parts, ", ")
}

// heading is the run's label and caption: "Kata 03-pool: 20 requests, …".
func (l runLayout) heading() string {
	if l.Label == "" {
		return l.caption()
	}
	return l.Label + ": " + l.caption()
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// tickStep picks a round step (1, 2 or 5 times a power of ten) that cuts
// total into at most max intervals.
func tickStep(total time.Duration, maxTicks int) time.Duration {
	if total <= 0 {
		return time.Millisecond
	}
	step := time.Duration(1)
	for {
		for _, m := range []time.Duration{1, 2, 5} {
			if s := step * m; total/s <= time.Duration(maxTicks) {
				return s
			}
		}
		step *= 10
	}
}

// formatDuration writes d the way a person reads a timeline axis: "0",
// "250ms", "1.5s", "800µs".
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d >= time.Second:
		return trimZeros(fmt.Sprintf("%.2f", d.Seconds())) + "s"
	case d >= time.Millisecond:
		return trimZeros(fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))) + "ms"
	default:
		return trimZeros(fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond))) + "µs"
	}
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
