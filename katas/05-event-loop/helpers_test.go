package eventloop_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

// spawn spawns body on l and fails the spec if Spawn refuses it.
func spawn(l *eventloop.Loop, name string, body func(*eventloop.Task) error) *eventloop.Future {
	GinkgoHelper()
	f, err := l.Spawn(name, body)
	Expect(err).NotTo(HaveOccurred(), "Spawn(%q, body) with a non-nil body must succeed", name)
	Expect(f).NotTo(BeNil(), "Spawn returns the task's Future, resolved when the task ends")
	return f
}

// virtual runs body on virtual time (harness.Virtual), behind the guards
// that name a loop that spins at once rather than at the spec's timeout: the
// real-time probe mustNotSpin, and a note in the spec's output if the run
// still goes on after a few seconds of real time (spinWatchdog). Inside
// body, run the loop with runGuarded, which names a loop that turns at one
// instant of virtual time without ever blocking.
func virtual(body func()) {
	GinkgoHelper()
	mustNotSpin()
	spinWatchdog()
	harness.Virtual(body)
}

// spinWatchdog explains, in the spec's output, a virtual-time run that is
// still going after a few seconds of real time: on virtual time that means
// a goroutine of the bubble never blocks, so the clock cannot move. Call it
// before harness.Virtual (it runs on real time).
func spinWatchdog() {
	t := time.AfterFunc(3*time.Second, func() {
		fmt.Fprint(GinkgoWriter, "\nAfter 3 s of REAL time this virtual-time run has not finished, though its tasks only\n"+
			"sleep for a fraction of a second of virtual time. Virtual time moves only when every\n"+
			"goroutine of the bubble is blocked: a loop that spins (for { if time.Now().After(deadline) ... })\n"+
			"while it waits for a deadline never blocks, so the deadline never comes. Block until the\n"+
			"next deadline instead: a time.Timer in a select. See README, \"Sleeping without spinning\".\n")
	})
	DeferCleanup(func() { t.Stop() })
}

// cpuTime returns the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	Expect(syscall.Getrusage(syscall.RUSAGE_SELF, &ru)).To(Succeed())
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// errBeatAlone is what a heartbeat returns when no other task ran for 3 s.
var errBeatAlone = errors.New("the heartbeat beat alone for 3 s")

// expectNoLoneBeats checks Run's error in a spec with a heartbeat: nil,
// and above all not a heartbeat that beat alone.
func expectNoLoneBeats(err error) {
	GinkgoHelper()
	Expect(errors.Is(err, errBeatAlone)).To(BeFalse(), "the heartbeat beat alone for 3 s while the other task waited for its turn, which never came:\n"+
		"Yield (and Sleep(0), which is Yield) must put the task at the BACK of the ready list, behind every\n"+
		"task that was ready before it (README, \"The ready list\")")
	Expect(err).To(Succeed(), "every task returned nil, so Run must return nil")
}

// heartbeat is a task that beats, yielding (or sleeping period) between
// beats, until stop is set; it records the longest gap between two beats.
type heartbeat struct {
	period  time.Duration // 0: Yield between beats
	stop    bool          // set by another task: shared, on one loop
	beats   int
	longest time.Duration
}

func (h *heartbeat) task(t *eventloop.Task) error {
	start := time.Now()
	last := start
	for !h.stop {
		if time.Since(start) > 3*time.Second { // the other task needs 200 ms: end the spec now, not at its timeout
			return errBeatAlone
		}
		now := time.Now()
		h.longest = max(h.longest, now.Sub(last))
		last = now
		h.beats++
		if err := t.Sleep(h.period); err != nil {
			return err
		}
	}
	h.longest = max(h.longest, time.Since(last))
	return nil
}

// spinProbe is the verdict of mustNotSpin's probe, which runs once per test
// process: "" if the loop blocks while its tasks wait.
var spinProbe struct {
	sync.Mutex
	ran     bool
	failure string
}

// mustNotSpin runs, the first time it is called, a short probe on REAL time:
// a task sleeps and a task awaits a future resolved 200 ms later, and the
// process's CPU time is measured meanwhile. A loop that spins while it waits
// fails here (in every virtual-time spec, at once), with an explanation,
// instead of freezing virtual time (which would hang the spec until its
// timeout).
func mustNotSpin() {
	GinkgoHelper()
	spinProbe.Lock()
	defer spinProbe.Unlock()
	if !spinProbe.ran {
		spinProbe.failure, spinProbe.ran = probeSpin(), true
	}
	if spinProbe.failure != "" {
		Fail(spinProbe.failure)
	}
}

// probeSpin is mustNotSpin's probe; it returns why it failed, or "".
func probeSpin() string {
	const wait = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var l eventloop.Loop
	remote := eventloop.NewFuture()
	resolver := time.AfterFunc(wait, func() { remote.Resolve(nil) })
	defer resolver.Stop()
	spawn(&l, "probe-sleeper", func(t *eventloop.Task) error { return t.Sleep(wait) })
	spawn(&l, "probe-awaiter", func(t *eventloop.Task) error { return t.Await(remote) })
	runtime.GC() // a collection now, not during the measurement
	cpuBefore, start := cpuTime(), time.Now()
	err := l.Run(ctx)
	wall, cpu := time.Since(start), cpuTime()-cpuBefore
	if cpu >= spinBound(wall) {
		return spinMessage(wall, cpu)
	}
	if err != nil {
		return fmt.Sprintf("A probe run on real time (one task sleeps %v, one awaits a future resolved by a timer\n"+
			"%v later) returned %v; its tasks return nil, so Run must return nil.", wait, wait, err)
	}
	return ""
}

// spinBound returns the most CPU time a loop that blocks may use while its
// tasks wait for wall: a quarter of what one goroutine that spins gets in
// the same time on this machine now, measured here (on a busy machine a
// spinner gets less than a whole core), and at least 15 ms: a process that
// only waits still uses some CPU (timers, the race detector, the clock's
// granularity).
func spinBound(wall time.Duration) time.Duration {
	const sample = 50 * time.Millisecond
	before, start := cpuTime(), time.Now()
	for time.Since(start) < sample {
	}
	spinner := cpuTime() - before
	return max(time.Duration(float64(spinner)*float64(wall)/float64(time.Since(start)))/4, 15*time.Millisecond)
}

// spinMessage explains a loop that burned CPU while its tasks waited.
func spinMessage(wall, cpu time.Duration) string {
	return fmt.Sprintf("While every task waited (Sleep, Await) for %v of real time, this process used %v of CPU\n"+
		"(%.0f%% of that time; the bound is a quarter of what a spinning goroutine got, measured just now).\n"+
		"A loop with nothing ready must BLOCK until the next deadline or wake-up (a select on a\n"+
		"time.Timer and a channel), not spin checking the clock: spinning burns a core, and on virtual\n"+
		"time it stops the clock for good (so the virtual-time specs would hang: they are not run).\n"+
		"See README, \"Sleeping without spinning\".",
		wall.Round(time.Millisecond), cpu.Round(time.Millisecond), 100*float64(cpu)/float64(wall))
}

// A spinGuard is a context for Run on virtual time that notices a loop
// turning without ever blocking. Inside a synctest bubble virtual time moves
// only when every goroutine is blocked, so such a loop stays at one instant
// for ever and the spec would hang until its timeout. The guard counts the
// calls of Err and Done (a loop checks its context on every turn): over 1000
// at one instant of virtual time, lasting more than a second of REAL time,
// and it cancels itself, so the loop stops and the spec can say why.
type spinGuard struct {
	context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	instant time.Time     // virtual time of the calls being counted
	since   time.Duration // real time (syscall clock) of the first of them
	calls   int
	spunAt  time.Time // the instant the loop spun at; zero if it did not
	spunFor int
}

// newSpinGuard makes a spinGuard, done when parent is; call it inside
// harness.Virtual.
func newSpinGuard(parent context.Context) *spinGuard {
	ctx, cancel := context.WithCancel(parent)
	return &spinGuard{Context: ctx, cancel: cancel}
}

// realNow reads the real clock: inside a bubble time.Now is virtual.
func realNow() time.Duration {
	var tv syscall.Timeval
	_ = syscall.Gettimeofday(&tv)
	return time.Duration(tv.Nano())
}

func (g *spinGuard) turn() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now := time.Now(); !now.Equal(g.instant) {
		g.instant, g.since, g.calls = now, realNow(), 0
	}
	g.calls++
	if g.spunAt.IsZero() && g.calls > 1000 && realNow()-g.since > time.Second {
		g.spunAt, g.spunFor = g.instant, g.calls
		g.cancel()
	}
}

func (g *spinGuard) Err() error { g.turn(); return g.Context.Err() }

func (g *spinGuard) Done() <-chan struct{} { g.turn(); return g.Context.Done() }

// runGuarded runs l on virtual time with a spinGuard derived from parent,
// fails the spec with an explanation if the loop spun at one instant, and
// returns Run's error.
func runGuarded(l *eventloop.Loop, parent context.Context) error {
	GinkgoHelper()
	// The guard is not cancelled when Run returns: a spec checks, at that
	// instant, what Run itself must have cancelled (Task.Context). It holds
	// no goroutine and no timer; a parent that ends releases it.
	g := newSpinGuard(parent)
	start := time.Now()
	err := l.Run(g)
	g.mu.Lock()
	spunAt, calls := g.spunAt, g.spunFor
	g.mu.Unlock()
	Expect(spunAt.IsZero()).To(BeTrue(), func() string {
		return fmt.Sprintf("The loop turned %d times at one instant of virtual time (%v after the start), for over a\n"+
			"second of real time, without ever blocking: it spins, and on virtual time nothing can change\n"+
			"until it blocks, so it would spin for ever (the spec stopped it by cancelling Run's context).\n"+
			"The usual cause: a sleeper whose deadline is exactly now is not woken (a deadline has come when\n"+
			"!deadline.After(now), not only when deadline.Before(now)), so the loop waits for a timer of 0\n"+
			"over and over; or a select with a default case where the loop should block.\n"+
			"See README, \"The waiting list\" and \"Sleeping without spinning\".", calls, spunAt.Sub(start))
	})
	return err
}

// runRecovering runs l on virtual time (runGuarded) and turns a panic that escapes Run into a failure
// that says what it means.
func runRecovering(l *eventloop.Loop, ctx context.Context, what string) (err error) {
	GinkgoHelper()
	defer func() {
		if r := recover(); r != nil {
			Fail(fmt.Sprintf("Run panicked (%v) %s", r, what))
		}
	}()
	return runGuarded(l, ctx)
}
