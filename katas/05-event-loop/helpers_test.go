package eventloop_test

import (
	"fmt"
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
