package eventloop_test

import (
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

// These specs run on real time: inside a synctest bubble, time does not move
// while a goroutine computes, so a spin there would never end.
var _ = Describe("Task 6: Starvation", func() {
	const spin = 200 * time.Millisecond

	It("lets a task that never yields starve the others: a heartbeat waits out a 200 ms spin", func(ctx SpecContext) {
		var l eventloop.Loop
		hb := &heartbeat{}
		spawn(&l, "heartbeat", hb.task)
		beatsDuring := 0
		spawn(&l, "hog", func(*eventloop.Task) error {
			before := hb.beats
			for start := time.Now(); time.Since(start) < spin; {
				// Computing, never yielding to the loop: no other task can run.
				// (Gosched lets any goroutine that could run now run: on a
				// loop that runs tasks in parallel, the heartbeat would.)
				runtime.Gosched()
			}
			beatsDuring = hb.beats - before
			hb.stop = true
			return nil
		})
		expectNoLoneBeats(l.Run(ctx))
		Expect(beatsDuring).To(BeZero(),
			"the heartbeat beat %d times while the hog spun without yielding. On a cooperative loop the running\n"+
				"task keeps control until IT gives it back: tasks must not run on goroutines of their own, in\n"+
				"parallel (README, \"Starvation\")", beatsDuring)
		Expect(hb.longest).To(BeNumerically(">=", spin),
			"the heartbeat's longest gap was %v, shorter than the hog's %v spin. On a cooperative loop the\n"+
				"running task keeps control until IT gives it back: a task that never yields must stall every\n"+
				"other task. If the heartbeat beat meanwhile, tasks are running in parallel (README, \"Starvation\")",
			hb.longest.Round(time.Millisecond), spin)
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps the heartbeat regular when the same spin yields as it goes", func(ctx SpecContext) {
		var l eventloop.Loop
		hb := &heartbeat{}
		spawn(&l, "heartbeat", hb.task)
		yields := 0
		spawn(&l, "polite", func(t *eventloop.Task) error {
			for start := time.Now(); time.Since(start) < spin; {
				if err := t.Yield(); err != nil { // a turn for everyone else, now and then
					return err
				}
				yields++
			}
			hb.stop = true
			return nil
		})
		expectNoLoneBeats(l.Run(ctx))
		Expect(yields).To(BeNumerically(">", 10), "the polite task yields over and over during its spin")
		Expect(hb.beats).To(BeNumerically(">=", yields),
			"the spinning task yielded %d times but the heartbeat beat only %d times: each Yield must give\n"+
				"every other ready task a turn before the yielding task runs again (README, \"Starvation\")", yields, hb.beats)
	}, SpecTimeout(harness.SpecTimeout))
})
