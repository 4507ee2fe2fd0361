// Package cputrace records a function's run with Go's execution tracer and
// tells what it saw of the CPU tasks: which goroutine ran each task, when,
// and on which processor (P), and how many tasks were running at the same
// moment. It proves parallelism by structure, not by a stopwatch: whether
// two tasks were on two processors at once does not depend on how busy the
// machine is, while a wall-clock speed-up does.
//
// A task is a region of the execution tracer (runtime/trace.StartRegion), as
// harness/workload opens around each call of SumOfSquares and Digest.
//
// The execution tracer is one per process (runtime/trace.Start is global):
// Record takes it for the length of one call. Calls of Record from several
// goroutines take turns (each waits for the one before to end), so they are
// safe for concurrent use, under -race too; a trace started some other way
// (go test -trace, a runtime/trace.Start of the program's own) makes Record
// return an error that wraps ErrTracing, and the trace already running is left
// alone.
package cputrace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	rtrace "runtime/trace"
	"slices"
	"sort"
	"sync"
	"time"

	"golang.org/x/exp/trace"
)

// ErrTracing is wrapped by Record's error when the execution tracer was
// already recording for someone else.
var ErrTracing = errors.New("cputrace: the execution tracer is already recording (go test -trace, or a runtime/trace.Start elsewhere)")

// A Recording is what the execution tracer saw of one run. Its zero value is
// an empty recording. It is read-only once Record has returned it, and safe
// for concurrent reads.
type Recording struct {
	// Spans are the task regions that began and ended while the tracer
	// recorded, in the order they began.
	Spans []Span
	// Procs are the processors (Ps) that ran any goroutine during the
	// recording, in increasing order.
	Procs []int64
	// GOMAXPROCS is runtime.GOMAXPROCS(0) when the recording ended.
	GOMAXPROCS int
	// Duration is how long the recording lasted, by the trace's clock.
	Duration time.Duration
	// Raw is the trace itself, in the format `go tool trace` opens.
	Raw []byte
}

// A Span is one task region: from its begin to its end, on one goroutine,
// and the slices of that time the goroutine was running on a processor.
type Span struct {
	Region     string        // its type: the name given to runtime/trace.StartRegion
	Goroutine  int64         // the goroutine that ran it
	Start, End time.Duration // since the recording began
	Running    []Slice       // when it was running, in order; the gaps are waits for a processor, or GC assists
}

// A Slice is a stretch of time a goroutine was running on one processor
// (P) and operating-system thread (M). P or Thread is -1 if the trace did not
// say.
type Slice struct {
	Start, End time.Duration // since the recording began
	P, Thread  int64
}

// CPU returns how long the span was running: the sum of its slices.
func (s Span) CPU() time.Duration {
	var d time.Duration
	for _, sl := range s.Running {
		d += sl.End - sl.Start
	}
	return d
}

var recording sync.Mutex // one recording at a time per process

// Record runs f while the execution tracer records into memory, and returns
// what it saw. Everything the process does meanwhile is recorded, f's
// goroutines and any other: a goroutine f starts and does not wait for may
// still be running when the recording ends, and its task is then left out
// (only regions that ended are Spans). f's panic is not recovered: the
// tracer is stopped and the panic goes on.
//
// It returns an error wrapping ErrTracing if another trace is running, and
// an error if the trace cannot be read back (which would be a bug of the Go
// toolchain, not of f).
func Record(f func()) (*Recording, error) {
	recording.Lock()
	defer recording.Unlock()
	if rtrace.IsEnabled() {
		return nil, ErrTracing
	}
	var buf bytes.Buffer
	if err := rtrace.Start(&buf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTracing, err)
	}
	stopped := false
	defer func() {
		if !stopped {
			rtrace.Stop()
		}
	}()
	f()
	procs := runtime.GOMAXPROCS(0)
	rtrace.Stop() // waits until every byte is in buf
	stopped = true
	rec, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, err
	}
	rec.GOMAXPROCS = procs
	rec.Raw = buf.Bytes()
	return rec, nil
}

// Parse reads a trace (as runtime/trace.Start writes it) and returns what it
// holds of task regions; GOMAXPROCS and Raw are left zero.
func Parse(r io.Reader) (*Recording, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("cputrace: reading the trace: %w", err)
	}
	type goroutine struct {
		running bool
		current Slice   // while running
		slices  []Slice // every stretch it ran, in order
		open    []int   // indices into spans: regions begun on it and not ended, innermost last
	}
	var (
		spans     []Span
		ended     []bool
		gs        = map[int64]*goroutine{}
		first     trace.Time
		last      trace.Time
		haveFirst bool
	)
	get := func(id int64) *goroutine {
		g, ok := gs[id]
		if !ok {
			g = &goroutine{}
			gs[id] = g
		}
		return g
	}
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cputrace: reading the trace: %w", err)
		}
		if !haveFirst {
			first, haveFirst = ev.Time(), true
		}
		last = ev.Time()
		at := time.Duration(ev.Time() - first)
		switch ev.Kind() {
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			g := get(int64(st.Resource.Goroutine()))
			if _, to := st.Goroutine(); to == trace.GoRunning {
				if g.running { // not expected, but never lose a slice
					g.current.End = at
					g.slices = append(g.slices, g.current)
				}
				p, thread := int64(ev.Proc()), int64(ev.Thread())
				if ev.Proc() == trace.NoProc {
					p = -1
				}
				if ev.Thread() == trace.NoThread {
					thread = -1
				}
				g.running, g.current = true, Slice{Start: at, P: p, Thread: thread}
			} else if g.running {
				g.current.End = at
				g.slices = append(g.slices, g.current)
				g.running = false
			}
		case trace.EventRegionBegin:
			g := get(int64(ev.Goroutine()))
			spans = append(spans, Span{Region: ev.Region().Type, Goroutine: int64(ev.Goroutine()), Start: at})
			ended = append(ended, false)
			g.open = append(g.open, len(spans)-1)
		case trace.EventRegionEnd:
			g := get(int64(ev.Goroutine()))
			for k := len(g.open) - 1; k >= 0; k-- { // the innermost open region of that type
				if i := g.open[k]; spans[i].Region == ev.Region().Type {
					spans[i].End, ended[i] = at, true
					g.open = slices.Delete(g.open, k, k+1)
					break
				}
			}
		}
	}
	end := time.Duration(last - first)
	rec := &Recording{Duration: end}
	procs := map[int64]bool{}
	for _, g := range gs {
		if g.running { // still running when the trace ended
			g.current.End = end
			g.slices = append(g.slices, g.current)
		}
		for _, sl := range g.slices {
			if sl.P >= 0 {
				procs[sl.P] = true
			}
		}
	}
	for i, s := range spans {
		if !ended[i] {
			continue
		}
		// The goroutine's running slices, cut to the span.
		for _, sl := range gs[s.Goroutine].slices {
			sl.Start, sl.End = max(sl.Start, s.Start), min(sl.End, s.End)
			if sl.End > sl.Start {
				s.Running = append(s.Running, sl)
			}
		}
		rec.Spans = append(rec.Spans, s)
	}
	for p := range procs {
		rec.Procs = append(rec.Procs, p)
	}
	slices.Sort(rec.Procs)
	return rec, nil
}

// Tasks returns the spans of the given region type (all spans if it is "").
func (r *Recording) Tasks(region string) []Span {
	var out []Span
	for _, s := range r.Spans {
		if region == "" || s.Region == region {
			out = append(out, s)
		}
	}
	return out
}

// PeakRunning returns the most goroutines that were running inside a task
// of the given region type (any type if it is "") at the same moment: 1 if
// the tasks ran one after another, 0 if there were none. It cannot be more
// than GOMAXPROCS: each running goroutine holds a processor.
func (r *Recording) PeakRunning(region string) int {
	type edge struct {
		at    time.Duration
		g     int64
		delta int
	}
	var edges []edge
	for _, s := range r.Tasks(region) {
		for _, sl := range s.Running {
			edges = append(edges, edge{sl.Start, s.Goroutine, +1}, edge{sl.End, s.Goroutine, -1})
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].delta < edges[j].delta // an end before a start at the same instant
	})
	depth := map[int64]int{} // a goroutine counts once, however many regions it has open
	peak, now := 0, 0
	for _, e := range edges {
		before := depth[e.g]
		depth[e.g] += e.delta
		switch {
		case before == 0 && depth[e.g] > 0:
			now++
		case before > 0 && depth[e.g] == 0:
			now--
		}
		peak = max(peak, now)
	}
	return peak
}

// ProcsUsed returns the processors (Ps) that ran a task of the given region
// type (any type if it is ""), in increasing order.
func (r *Recording) ProcsUsed(region string) []int64 {
	seen := map[int64]bool{}
	for _, s := range r.Tasks(region) {
		for _, sl := range s.Running {
			if sl.P >= 0 {
				seen[sl.P] = true
			}
		}
	}
	var out []int64
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
