package eventloop_test

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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

// beforeVirtual guards a virtual-time spec that waits: a loop that spins
// fails the probe at once (mustNotSpin); one that spins only in some other
// case gets an explanation in the spec's output (spinWatchdog) when it times
// out.
func beforeVirtual(ctx context.Context) {
	GinkgoHelper()
	mustNotSpin(ctx)
	spinWatchdog()
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

// heartbeat is a task that beats, yielding (or sleeping period) between
// beats, until stop is set; it records the longest gap between two beats.
type heartbeat struct {
	period  time.Duration // 0: Yield between beats
	stop    bool          // set by another task: shared, on one loop
	beats   int
	longest time.Duration
}

func (h *heartbeat) task(t *eventloop.Task) error {
	last := time.Now()
	for !h.stop {
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

// mustNotSpin runs a short probe on REAL time before a virtual-time spec: a
// task sleeps and a task awaits a future resolved 200 ms later, and the
// process's CPU time is measured meanwhile. A loop that spins while it waits
// fails here at once, with an explanation, instead of freezing virtual time
// (which would hang the spec until its timeout).
func mustNotSpin(ctx context.Context) {
	GinkgoHelper()
	const wait = 200 * time.Millisecond
	var l eventloop.Loop
	remote := eventloop.NewFuture()
	resolver := time.AfterFunc(wait, func() { remote.Resolve(nil) })
	DeferCleanup(func() { resolver.Stop() })
	spawn(&l, "probe-sleeper", func(t *eventloop.Task) error { return t.Sleep(wait) })
	spawn(&l, "probe-awaiter", func(t *eventloop.Task) error { return t.Await(remote) })
	runtime.GC() // a collection now, not during the measurement
	cpuBefore, start := cpuTime(), time.Now()
	Expect(l.Run(ctx)).To(Succeed(), "the probe's tasks (one sleeps, one awaits a future resolved from a timer) return nil, so Run must return nil")
	wall, cpu := time.Since(start), cpuTime()-cpuBefore
	Expect(cpu).To(BeNumerically("<", spinBound(wall)), func() string { return spinMessage(wall, cpu) })
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
