package poolcpu_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

// These specs steer the schedule: inside harness.Virtual, synctest.Wait
// returns once every goroutine of the run is blocked, so "how many tasks
// are running now" has one exact answer; a context the spec wraps decides
// the instant a cancel lands; a stack dump tells a blocked worker from one
// that polls. No clock decides a verdict: the watchdog only bounds a wait
// for what a correct pool does at once.

// withGOMAXPROCS sets runtime.GOMAXPROCS for the running spec only.
func withGOMAXPROCS(n int) {
	prev := runtime.GOMAXPROCS(n)
	DeferCleanup(func() { runtime.GOMAXPROCS(prev) })
}

// A countingTask records each call: how many ran, how many at once, which
// numbers started, and how many started once ctx was done. If hold is not
// nil, every call waits until it is closed. It is safe for concurrent use.
type countingTask struct {
	hold <-chan struct{}
	ctx  context.Context // calls that start once it is done are counted

	mu                      sync.Mutex
	started                 []int
	running, peak, finished int
	afterCancel             int
}

func (c *countingTask) task(n int) workload.U128 {
	c.mu.Lock()
	if c.ctx != nil && c.ctx.Err() != nil {
		c.afterCancel++
	}
	c.started = append(c.started, n)
	c.running++
	c.peak = max(c.peak, c.running)
	c.mu.Unlock()
	if c.hold != nil {
		<-c.hold
	}
	c.mu.Lock()
	c.running--
	c.finished++
	c.mu.Unlock()
	return result(n)
}

func (c *countingTask) snapshot() (started []int, running, peak, finished, afterCancel int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.started), c.running, c.peak, c.finished, c.afterCancel
}

// outcome is what a call of Map gave; a panic of Map becomes its error.
type outcome struct {
	results  []workload.U128
	err      error
	panicked any // what Map panicked with, if it did
}

// expectNoPanic fails the spec with Map's panic, if Map panicked: the
// spec's other checks would only say what the panicking Map did not return.
func (o outcome) expectNoPanic() {
	GinkgoHelper()
	if o.panicked != nil {
		Fail(fmt.Sprintf("Map panicked: %v", o.panicked))
	}
}

// goMap calls Map on a goroutine of its own and delivers its outcome.
func goMap(ctx context.Context, numbers []int, workers int, task func(int) workload.U128) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if r := recover(); r != nil {
				o.err, o.panicked = fmt.Errorf("Map panicked: %v", r), r
			}
			out <- o
		}()
		o.results, o.err = poolcpu.Map(ctx, numbers, workers, task)
	}()
	return out
}

// prefix returns the results of the longest run of numbers 0, 1, ... that
// are all in finished (the numbers are 0..len-1, so number i is index i).
func prefix(finished []int) []workload.U128 {
	want := []workload.U128{}
	for k := 0; slices.Contains(finished, k); k++ {
		want = append(want, result(k))
	}
	return want
}

// An errHookCtx is a context whose first Err call blocks until two tasks
// have started (or, if none can, until a second of virtual time passes),
// then cancels the context and reports it: the worker that made the call
// has taken a number it must now skip, while another worker has already
// started a later one.
type errHookCtx struct {
	context.Context
	cancel   context.CancelFunc
	twoTasks <-chan struct{}
	first    atomic.Bool
	fired    atomic.Bool
}

func (c *errHookCtx) Err() error {
	if c.first.CompareAndSwap(false, true) {
		select {
		case <-c.twoTasks:
		case <-time.After(time.Second): // virtual: only if nothing else can run
		}
		c.cancel()
		c.fired.Store(true)
	}
	return c.Context.Err()
}

// A doneHookCtx cancels itself inside the first Done call made after a task
// has finished, once every other goroutine of the kata's code is blocked:
// the goroutine that hands out numbers then meets a worker waiting for one
// and a context that is done at the same instant. (Goroutines that never
// block, polling, are noted in spinning after the watchdog, and the cancel
// comes all the same.) If hold is not nil, that Done call instead waits
// until hold is closed (the hand-out is held up), and held is closed when
// it starts to wait.
type doneHookCtx struct {
	context.Context
	cancel   context.CancelFunc
	finished func() bool
	hold     <-chan struct{}
	held     chan struct{}
	fired    atomic.Bool
	spinning []string
}

func (c *doneHookCtx) Done() <-chan struct{} {
	if c.finished() && c.fired.CompareAndSwap(false, true) {
		if c.hold != nil {
			close(c.held)
			<-c.hold
		} else {
			c.spinning = awaitBlocked()
			c.cancel()
		}
	}
	return c.Context.Done()
}

// awaitBlocked waits until every goroutine of the kata's code but the
// caller is blocked, and returns those still running after the watchdog.
func awaitBlocked() []string {
	deadline := time.Now().Add(watchdog)
	for {
		spinning := pollingGoroutines()
		if len(spinning) == 0 || time.Now().After(deadline) {
			return spinning
		}
		time.Sleep(100 * time.Microsecond)
	}
}

var _ = Describe("Task 1: Map, on schedules the spec steers", func() {
	It("keeps as many tasks running as workers says, where that differs from GOMAXPROCS and the cores: 1, and more than both", func(SpecContext) {
		withGOMAXPROCS(3)
		for _, workers := range []int{1, runtime.NumCPU() + 3 + 2} {
			harness.Virtual(func() {
				hold := make(chan struct{})
				c := &countingTask{hold: hold}
				numbers := numbersUpTo(2*workers + 1)
				out := goMap(context.Background(), numbers, workers, c.task)
				synctest.Wait() // every goroutine of the run is blocked: the tasks that could start have
				_, atOnce, _, _, _ := c.snapshot()
				close(hold)
				o := <-out
				Expect(o.err).NotTo(HaveOccurred(), "nothing was cancelled: no error")
				Expect(atOnce).To(Equal(workers),
					"with workers = %d, %d numbers, every task held open, GOMAXPROCS = %d and %d cores, %d tasks were running at once.\n"+
						"The pool's size is the caller's choice: start exactly min(workers, len(numbers)) goroutines, neither\n"+
						"capped at nor raised to the number of cores (runtime.NumCPU, runtime.GOMAXPROCS).\n"+
						"See the README, \"The pool\".", workers, len(numbers), runtime.GOMAXPROCS(0), runtime.NumCPU(), atOnce)
				_, _, peak, finished, _ := c.snapshot()
				Expect(peak).To(Equal(workers), "at most workers = %d tasks may run at once, at any moment of the run", workers)
				Expect(finished).To(Equal(len(numbers)), "each number's task runs exactly once")
				want := make([]workload.U128, len(numbers))
				for i := range want {
					want[i] = result(i)
				}
				Expect(o.results).To(Equal(want), "result i must be task(numbers[i]). See the README, \"Keeping the order\".")
			})
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects workers = 0 at once, without starting a pool of no workers", func(SpecContext) {
		harness.Virtual(func() {
			c := &countingTask{}
			o := <-goMap(context.Background(), numbersUpTo(3), 0, c.task)
			Expect(o.err).To(MatchError(ContainSubstring("workers")),
				"workers = 0 is an error that names the argument (\"workers\"): a pool of no workers computes nothing,\n"+
					"and handing it a number blocks for ever. Check workers < 1 before starting anything.")
			_, _, _, finished, _ := c.snapshot()
			Expect(finished).To(BeZero(), "nothing is run after a bad argument")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns only the finished prefix when a number taken before the cancel is skipped and a later one finished", func(SpecContext) {
		for trial := range 3 {
			harness.Virtual(func() {
				cctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				twoTasks := make(chan struct{})
				var once sync.Once
				c := &countingTask{}
				ctx := &errHookCtx{Context: cctx, cancel: cancel, twoTasks: twoTasks}
				task := func(n int) workload.U128 {
					r := c.task(n)
					if started, _, _, _, _ := c.snapshot(); len(started) >= 2 {
						once.Do(func() { close(twoTasks) })
					}
					return r
				}
				o := <-goMap(ctx, numbersUpTo(6), 2, task)
				o.expectNoPanic()
				started, _, _, _, _ := c.snapshot()
				if !ctx.fired.Load() { // Map never asked ctx.Err(): nothing was cancelled
					Expect(o.err).NotTo(HaveOccurred(), "trial %d: nothing was cancelled: no error", trial)
					return
				}
				Expect(o.err).To(MatchError(context.Canceled), "trial %d: the context was cancelled during the run: return its error (wrapped with %%w is fine)", trial)
				Expect(o.results).NotTo(BeNil(), nilPrefix, trial, started)
				Expect(o.results).To(Equal(prefix(started)),
					"trial %d: the tasks of numbers %v ran; a worker had taken a smaller number and skipped it after the cancel,\n"+
						"so there is a hole. Return the results of the longest run from the first number that all\n"+
						"finished (results[:k]), and nothing past the hole: not results[:count of finished tasks].\n"+
						"Mark each finished index (finished[i] = true) and find k from the start. See the README, \"Cancellation\".", trial, started)
			})
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("starts no task after the cancel even when a worker is waiting for a number at that instant (20 schedules)", func(sctx SpecContext) {
		for trial := range 20 {
			func() {
				cctx, cancel := context.WithCancel(sctx)
				defer cancel()
				c := &countingTask{ctx: cctx}
				ctx := &doneHookCtx{Context: cctx, cancel: cancel, finished: func() bool {
					_, _, _, finished, _ := c.snapshot()
					return finished > 0
				}}
				o := <-goMap(ctx, numbersUpTo(10), 2, c.task)
				o.expectNoPanic()
				Expect(ctx.spinning).To(BeEmpty(), busyMessage(ctx.spinning))
				started, _, _, _, after := c.snapshot()
				Expect(after).To(BeZero(),
					"trial %d: %d task(s) started after the context was cancelled. At the cancel a worker was waiting for its\n"+
						"next number, so the select that hands out numbers had two cases ready (the send and ctx.Done())\n"+
						"and picked the send at random. Check ctx.Err() in the worker before each task, too.\n"+
						"See the README, \"Cancellation\".", trial, after)
				if ctx.fired.Load() {
					Expect(o.err).To(MatchError(context.Canceled), "trial %d: the run was cancelled: return ctx's error", trial)
				}
				Expect(o.results).NotTo(BeNil(), nilPrefix, trial, started)
				Expect(o.results).To(Equal(prefix(started)), "trial %d: return the results of the longest finished run from the first number", trial)
			}()
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("waits for its next number without using the CPU: a worker with nothing to do blocks", func(ctx SpecContext) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		hold := make(chan struct{})
		var release sync.Once
		DeferCleanup(func() { release.Do(func() { close(hold) }) })
		c := &countingTask{}
		hc := &doneHookCtx{Context: cctx, cancel: cancel, hold: hold, held: make(chan struct{}), finished: func() bool {
			_, _, _, finished, _ := c.snapshot()
			return finished > 0
		}}
		out := goMap(hc, numbersUpTo(8), 3, c.task)
		select {
		case <-hc.held: // the hand-out is held up: the workers have nothing to take
		case o := <-out:
			Expect(o.err).NotTo(HaveOccurred())
			Skip("Map never looked at ctx.Done() after a task had finished, so the spec could not hold up the hand-out")
		}
		// A worker that blocks on the channel shows as waiting in a stack dump; a
		// worker that polls (select with default, in a loop) never does.
		spinning := awaitBlocked()
		release.Do(func() { close(hold) })
		o := <-out
		Expect(spinning).To(BeEmpty(), busyMessage(spinning))
		Expect(o.err).NotTo(HaveOccurred(), "nothing was cancelled: no error")
	}, SpecTimeout(harness.SpecTimeout))
})

// nilPrefix explains a nil result after a cancel that left no finished
// number at the start: its arguments are the trial and the numbers started.
const nilPrefix = "trial %d: the tasks of numbers %v ran, and number 0 was not among them, so the finished prefix is\n" +
	"empty; Map returned a nil slice. Return results[:0], an empty slice, not nil. See the README, \"Cancellation\"."

// busyMessage explains goroutines that never blocked while they had nothing
// to do.
func busyMessage(spinning []string) string {
	return fmt.Sprintf("no number could be handed out for %v, and %d goroutine(s) of your package were still running (never blocked):\n%s\n"+
		"A worker with nothing to do must block (for i := range jobs, or a select without default):\n"+
		"a loop that polls the channel with select { case i := <-jobs: ... default: } burns a whole core\n"+
		"while it waits, and steals it from the workers that compute. See the README, \"The pool\".",
		watchdog, len(spinning), strings.Join(spinning, "\n"))
}

// pollingGoroutines returns the headers and first frames of the goroutines
// running the kata's code (not the specs') that are running or runnable:
// not blocked. The caller's own goroutine, always running, is left out.
func pollingGoroutines() []string {
	buf := harness.AllStacks()
	var out []string
	_, others, _ := strings.Cut(string(buf), "\n\n") // the caller's goroutine comes first
	for _, g := range strings.Split(others, "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if !strings.Contains(g, "katas/04-pool-cpu.") {
			continue
		}
		if strings.Contains(header, "[running") || strings.Contains(header, "[runnable") {
			out = append(out, firstLines(g, 3))
		}
	}
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
