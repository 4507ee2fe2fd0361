// Package timeline draws what the fake server saw of a run — one bar per
// request, one row per session — as text for a terminal (ASCII) or as a
// picture (SVG), like the execution diagrams of the article the katas port:
// which worker was waiting on which request, and when.
//
// Both take the spans of fakeserver.Stats. Rows are sessions, by name
// (s1, s2… s10); a session with several requests in flight
// at once (one Session shared by the tasks of an event loop, or one Client
// shared by many goroutines) gets one lane per request in flight, so bars
// never hide each other.
package timeline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// A lane is one row of the picture.
type lane struct {
	Key   string // the session (or worker, or connection) the row belongs to
	Index int    // 0 for the session's first lane, 1 for its second…
}

// A bar is one request, placed on a lane.
type bar struct {
	Span     fakeserver.Span
	Lane     int           // index into layout.Lanes
	From, To time.Duration // since layout.Start
}

// layout is where every bar goes, and the counts of the caption.
type layout struct {
	Lanes        []lane
	Bars         []bar
	Start        time.Time
	Elapsed      time.Duration // from the first request's start to the last one's end
	Requests     int
	Sessions     int // distinct row keys
	PeakInFlight int
}

// rowKey is the name of the row a span belongs to: its session, else its
// worker, else its connection.
func rowKey(sp fakeserver.Span) string {
	switch {
	case sp.Session != "":
		return sp.Session
	case sp.Worker != "":
		return sp.Worker
	default:
		return fmt.Sprintf("conn %d", sp.Conn)
	}
}

// lay places the spans: sessions by name, each
// request on the first lane of its session that is free when it starts.
func lay(spans []fakeserver.Span) layout {
	sorted := append([]fakeserver.Span(nil), spans...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Start.Equal(sorted[j].Start) {
			return sorted[i].Start.Before(sorted[j].Start)
		}
		return sorted[i].Seq < sorted[j].Seq
	})
	l := layout{Requests: len(sorted)}
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

	var keys []string
	laneEnds := map[string][]time.Time{} // per session: when each of its lanes is free
	for _, sp := range sorted {
		k := rowKey(sp)
		if _, seen := laneEnds[k]; !seen {
			keys = append(keys, k)
			laneEnds[k] = nil
		}
		ends := laneEnds[k]
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
		laneEnds[k] = ends
		l.Bars = append(l.Bars, bar{Span: sp, Lane: idx, From: sp.Start.Sub(l.Start), To: sp.End.Sub(l.Start)})
	}
	// Rows in the order of their names (s1, s2… s10), so a session is where
	// one looks for it; bars then point at their global lane.
	sort.SliceStable(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
	first := map[string]int{}
	for _, k := range keys {
		first[k] = len(l.Lanes)
		for i := range laneEnds[k] {
			l.Lanes = append(l.Lanes, lane{Key: k, Index: i})
		}
	}
	for i := range l.Bars {
		l.Bars[i].Lane += first[rowKey(l.Bars[i].Span)]
	}
	l.Sessions = len(keys)
	l.PeakInFlight = fakeserver.PeakInFlight(sorted)
	return l
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

// failed reports whether the request did not end with a 2xx answer.
func failed(sp fakeserver.Span) bool {
	return sp.Canceled || sp.Fault != 0 || sp.Status < 200 || sp.Status > 299
}

// page names the page a span asked for: "big", "small" or "other".
func page(sp fakeserver.Span) string {
	switch sp.Path {
	case fakeserver.BigPath:
		return "big"
	case fakeserver.SmallPath:
		return "small"
	default:
		return "other"
	}
}

// Caption is the one-line summary under a picture, such as "20 requests,
// 5 sessions, peak 5 in flight, 212ms elapsed".
func Caption(spans []fakeserver.Span) string {
	return lay(spans).caption()
}

func (l layout) caption() string {
	return fmt.Sprintf("%d %s, %d %s, peak %d in flight, %s elapsed",
		l.Requests, plural(l.Requests, "request"), l.Sessions, plural(l.Sessions, "session"),
		l.PeakInFlight, formatDuration(l.Elapsed))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
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
