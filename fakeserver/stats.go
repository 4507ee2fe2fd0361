package fakeserver

import (
	"maps"
	"slices"
	"sort"
	"time"
)

// Request headers the harness's Session stamps on each request, so the
// server can tell sessions and workers apart. Any client may set them.
const (
	SessionHeader = "X-Kata-Session"
	WorkerHeader  = "X-Kata-Worker"
)

// A Span is what the server saw of one request, from the moment its handler
// began to the moment it returned.
type Span struct {
	Seq        int           // 1 for the first request the server received, 2 for the next…
	Path       string        // the URL path, without the query
	RequestURI string        // the path with its query, as sent (such as "/www.jython.org?n=3")
	Conn       int           // which connection carried it: 1 for the first opened, 2 for the next…
	Session    string        // the SessionHeader value, "" if none
	Worker     string        // the WorkerHeader value, "" if none
	Start, End time.Time     // on virtual time inside a synctest bubble
	Status     int           // the status sent; 0 if none was (reset, hang, client gone)
	Fault      FaultKind     // the fault applied, 0 for none
	Canceled   bool          // the client gave up (or the server closed) before the answer was complete
	Bytes      int           // body bytes written
	Latency    time.Duration // the latency this request was given (with jitter)
}

// Duration is how long the server spent on the request.
func (s Span) Duration() time.Duration { return s.End.Sub(s.Start) }

// Stats is a snapshot of what a Server has seen since it started or since
// its last ResetStats. A Stats is a copy: changing it changes nothing.
type Stats struct {
	Requests     int            // requests received (including those still in flight)
	ByPath       map[string]int // requests per path (without query)
	InFlight     int            // requests in flight when the snapshot was taken
	PeakInFlight int            // the most requests in flight at the same moment
	Connections  int            // connections opened
	Sessions     []string       // distinct SessionHeader values, in the order first seen ("" is not a session)
	Spans        []Span         // one per finished request, in the order they started
}

// Order returns the RequestURI of every finished request in the order they
// started.
func (s Stats) Order() []string {
	out := make([]string, len(s.Spans))
	for i, sp := range s.Spans {
		out[i] = sp.RequestURI
	}
	return out
}

// PeakPerSession returns, for each session, the most requests that session
// had in flight at the same moment. A value above 1 means one session was
// used by two goroutines at once.
func (s Stats) PeakPerSession() map[string]int {
	bySession := map[string][]Span{}
	for _, sp := range s.Spans {
		if sp.Session != "" {
			bySession[sp.Session] = append(bySession[sp.Session], sp)
		}
	}
	peaks := make(map[string]int, len(bySession))
	for id, spans := range bySession {
		peaks[id] = PeakInFlight(spans)
	}
	return peaks
}

// SessionsPerConn returns how many distinct sessions used each connection.
func (s Stats) SessionsPerConn() map[int]int {
	seen := map[int]map[string]bool{}
	for _, sp := range s.Spans {
		if seen[sp.Conn] == nil {
			seen[sp.Conn] = map[string]bool{}
		}
		seen[sp.Conn][sp.Session] = true
	}
	out := make(map[int]int, len(seen))
	for c, set := range seen {
		out[c] = len(set)
	}
	return out
}

// Elapsed is the time from the first span's start to the last span's end.
func (s Stats) Elapsed() time.Duration {
	if len(s.Spans) == 0 {
		return 0
	}
	first, last := s.Spans[0].Start, s.Spans[0].End
	for _, sp := range s.Spans {
		if sp.Start.Before(first) {
			first = sp.Start
		}
		if sp.End.After(last) {
			last = sp.End
		}
	}
	return last.Sub(first)
}

// PeakInFlight returns the most spans open at one instant: the peak of
// requests in flight among spans, given in any order; 0 for none. A span is
// open from its Start up to, not including, its End: one that ends at the
// instant another starts does not overlap it (requests sent back to back
// give 1), and one that lasts no time is never open. It is the algorithm behind PeakPerSession, for callers
// that pick their own spans (one session's, one run's).
func PeakInFlight(spans []Span) int {
	peak := 0
	for _, s := range FlightSteps(spans) {
		peak = max(peak, s.N)
	}
	return peak
}

// A FlightStep is one level of the count of spans in flight: from At until
// the next step's At, N spans are open.
type FlightStep struct {
	At time.Time
	N  int
}

// FlightSteps returns the step function of spans in flight over time, of
// spans given in any order: a step at each instant where the count changes,
// in order of time, the last one 0; nil for no spans. Spans are open as
// PeakInFlight counts them: the edges of one instant are taken together, so
// requests sent back to back leave no dip, and a span that lasts no time
// adds no step.
func FlightSteps(spans []Span) []FlightStep {
	type edge struct {
		at    time.Time
		delta int
	}
	edges := make([]edge, 0, 2*len(spans))
	for _, sp := range spans {
		edges = append(edges, edge{sp.Start, +1}, edge{sp.End, -1})
	}
	sort.SliceStable(edges, func(i, j int) bool { return edges[i].at.Before(edges[j].at) })
	var steps []FlightStep
	cur := 0
	for i := 0; i < len(edges); {
		at := edges[i].at
		for ; i < len(edges) && edges[i].at.Equal(at); i++ {
			cur += edges[i].delta
		}
		last := 0
		if len(steps) > 0 {
			last = steps[len(steps)-1].N
		}
		if cur != last {
			steps = append(steps, FlightStep{at, cur})
		}
	}
	return steps
}

// clone returns a deep copy of s.
func (s Stats) clone() Stats {
	s.ByPath = maps.Clone(s.ByPath)
	if s.ByPath == nil {
		s.ByPath = map[string]int{}
	}
	s.Sessions = slices.Clone(s.Sessions)
	s.Spans = slices.Clone(s.Spans)
	return s
}
