package poolcpu_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

// watchdog bounds every wait for something a correct pool does at once (a
// task starting): a pool that never does it fails after this long, with a
// message, instead of hanging.
const watchdog = 5 * time.Second

// lookFor is how long a spec watches for something a correct pool never does
// (one task more than workers running at once). A pool without a bound
// starts its extra tasks within microseconds.
const lookFor = 100 * time.Millisecond

// A gatedTask is a task the spec controls: each call announces that it has
// started, then waits until the spec releases it (one number, or all). It
// computes nothing: result(n) is its answer.
type gatedTask struct {
	started  chan int // receives n as task(n) starts
	finished chan int // receives n as task(n) returns
	release  []chan struct{}
	all      chan struct{} // closed: every call, now and later, returns at once
	cancel   context.Context
	mapDone  <-chan struct{} // closed when Map returns (or panics): set by startMap

	inFlight, peak, calls atomic.Int32
	afterCancel           atomic.Int32 // calls that started once cancel was done
	once                  sync.Once
}

// newGatedTask returns a gated task for the numbers 0..count-1. If cancel is
// not nil, calls that start after it is done are counted.
func newGatedTask(count int, cancel context.Context) *gatedTask {
	g := &gatedTask{
		started:  make(chan int, count*2),
		finished: make(chan int, count*2),
		release:  make([]chan struct{}, count),
		all:      make(chan struct{}),
		cancel:   cancel,
	}
	for i := range g.release {
		g.release[i] = make(chan struct{})
	}
	return g
}

// newOpenTask is a gated task with every gate open from the start: each
// call returns its result at once, for the specs that only count calls.
func newOpenTask(count int) *gatedTask {
	g := newGatedTask(count, nil)
	g.releaseAll()
	return g
}

func result(n int) workload.U128 { return workload.U128{Hi: 7, Lo: uint64(n)*1000 + 1} }

func numbersUpTo(count int) []int {
	ns := make([]int, count)
	for i := range ns {
		ns[i] = i
	}
	return ns
}

func (g *gatedTask) task(n int) workload.U128 {
	if g.cancel != nil && g.cancel.Err() != nil {
		g.afterCancel.Add(1)
	}
	g.calls.Add(1)
	cur := g.inFlight.Add(1)
	for {
		p := g.peak.Load()
		if cur <= p || g.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	g.started <- n
	select {
	case <-g.release[n]:
	case <-g.all:
	}
	g.inFlight.Add(-1)
	g.finished <- n
	return result(n)
}

// awaitStarts receives want start announcements and returns the numbers, or
// fails after the watchdog with what it saw.
func (g *gatedTask) awaitStarts(want int, why string) []int {
	var got []int
	timer := time.NewTimer(watchdog)
	defer timer.Stop()
	for len(got) < want {
		select {
		case n := <-g.started:
			got = append(got, n)
		case <-g.mapDone:
			// Map is over (returned, or panicked: GinkgoRecover on its goroutine has
			// already reported the panic, and the first failure is the one shown).
			// No more task can start: waiting for the watchdog would only waste time.
			Fail(fmt.Sprintf("Expected %d task(s) to be running at once; Map returned after only %d had started (%v),\n"+
				"though none of them could finish until the spec released it.\n%s", want, len(got), got, why))
		case <-timer.C:
			Fail(fmt.Sprintf("Expected %d task(s) to be running at once; after %v only %d had started (%v), and none of\n"+
				"them could finish until the spec released it.\n%s", want, watchdog, len(got), got, why))
		}
	}
	return got
}

// releaseAll lets every call, now and later, return at once.
func (g *gatedTask) releaseAll() { g.once.Do(func() { close(g.all) }) }

// A mapRun is a call of poolcpu.Map running on its own goroutine.
type mapRun struct {
	done    chan struct{}
	results []workload.U128
	err     error
}

// startMap calls poolcpu.Map on a goroutine of its own, so the spec can
// watch and steer the tasks meanwhile. Whatever happens to the spec, its
// cleanup releases every task and waits for Map to return.
func startMap(ctx context.Context, numbers []int, workers int, g *gatedTask) *mapRun {
	run := &mapRun{done: make(chan struct{})}
	g.mapDone = run.done // awaitStarts stops waiting at once if Map is over
	go func() {
		defer close(run.done) // runs after GinkgoRecover: the panic is recorded before the spec hears of it
		defer GinkgoRecover() // a panic in Map (the stub's) fails the spec, with Map's stack
		run.results, run.err = poolcpu.Map(ctx, numbers, workers, g.task)
	}()
	DeferCleanup(func() {
		g.releaseAll()
		<-run.done
	})
	return run
}

// wait waits for Map to return.
func (run *mapRun) wait() ([]workload.U128, error) {
	select {
	case <-run.done:
	case <-time.After(watchdog):
		Fail(fmt.Sprintf("Map did not return %v after its last task was released: does it wait for something that never\n"+
			"comes (a channel nobody closes, a WaitGroup count too high)? See the README, \"Hints\".", watchdog))
	}
	return run.results, run.err
}
