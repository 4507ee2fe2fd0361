package eventloop_test

import (
	"context"
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

var _ = Describe("Task 3: Sleep", func() {
	It("sleeps on virtual time: three tasks sleeping 100 ms at once take 100 ms together", func(SpecContext) {
		virtual(func() {
			var l eventloop.Loop
			start := time.Now()
			woke := map[string]time.Duration{}
			for _, name := range []string{"one", "two", "three"} {
				spawn(&l, name, func(t *eventloop.Task) error {
					if err := t.Sleep(100 * time.Millisecond); err != nil {
						return err
					}
					woke[name] = time.Since(start)
					return nil
				})
			}
			Expect(runGuarded(&l, context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(time.Since(start)).To(match.TakeExactly(100*time.Millisecond),
				"sleeping tasks wait TOGETHER: the loop runs the others while one sleeps (README, \"The waiting list\")")
			Expect(woke).To(Equal(map[string]time.Duration{"one": 100 * time.Millisecond, "two": 100 * time.Millisecond, "three": 100 * time.Millisecond}),
				"each task wakes at its own deadline, not before and not after")
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("wakes sleepers in order of their deadlines, ties first come first served", func(SpecContext) {
		virtual(func() {
			var l eventloop.Loop
			start := time.Now()
			var woke []string
			var at []time.Duration
			for _, s := range []struct {
				name string
				d    time.Duration
			}{{"30ms", 30 * time.Millisecond}, {"10ms-a", 10 * time.Millisecond}, {"20ms", 20 * time.Millisecond}, {"10ms-b", 10 * time.Millisecond}} {
				spawn(&l, s.name, func(t *eventloop.Task) error {
					if err := t.Sleep(s.d); err != nil {
						return err
					}
					woke = append(woke, s.name)
					at = append(at, time.Since(start))
					return nil
				})
			}
			Expect(runGuarded(&l, context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(woke).To(Equal([]string{"10ms-a", "10ms-b", "20ms", "30ms"}),
				"the earliest deadline wakes first; two equal deadlines wake in the order the tasks went to sleep")
			Expect(at).To(Equal([]time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}),
				"each sleeper wakes at its own deadline, on virtual time: not before, not after")
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("treats Sleep(0) and a negative Sleep as Yield: the task goes to the back of the ready list", func(ctx SpecContext) {
		var l eventloop.Loop
		var order []string
		spawn(&l, "napper", func(t *eventloop.Task) error {
			order = append(order, "napper 1")
			if err := t.Sleep(0); err != nil {
				return err
			}
			order = append(order, "napper 2")
			if err := t.Sleep(-time.Second); err != nil {
				return err
			}
			order = append(order, "napper 3")
			return nil
		})
		spawn(&l, "yielder", func(t *eventloop.Task) error {
			for i := 1; i <= 3; i++ {
				order = append(order, fmt.Sprintf("yielder %d", i))
				if err := t.Yield(); err != nil {
					return err
				}
			}
			return nil
		})
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(order).To(Equal([]string{"napper 1", "yielder 1", "napper 2", "yielder 2", "napper 3", "yielder 3"}),
			"Sleep(d) with d <= 0 is Yield: it still gives every other ready task a turn first (it is\n"+
				"asyncio.sleep(0)); returning at once, without a switch, lets the task run on alone")
	}, SpecTimeout(harness.SpecTimeout))

	// Labelled "timing": it compares the CPU time used against what a spinning
	// goroutine gets on this machine right now (a same-run ratio), so the proof
	// runs it alone, away from other suites' load.
	It("waits for the next deadline without burning CPU", Label("timing"), func(ctx SpecContext) {
		const nap = 300 * time.Millisecond
		var l eventloop.Loop
		for _, name := range []string{"one", "two", "three"} {
			spawn(&l, name, func(t *eventloop.Task) error { return t.Sleep(nap) })
		}
		runtime.GC() // a collection now, not during the measurement
		cpuBefore, start := cpuTime(), time.Now()
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		wall, cpu := time.Since(start), cpuTime()-cpuBefore
		Expect(wall).To(BeNumerically(">=", nap), "Sleep(%v) must not wake early", nap)
		Expect(cpu).To(BeNumerically("<", spinBound(wall)), func() string { return spinMessage(wall, cpu) })
	}, SpecTimeout(harness.SpecTimeout))
})
