package eventloop_test

import (
	"fmt"
	"runtime"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

var _ = Describe("Task 2: Yield", func() {
	It("interleaves do_first and do_second at their Yields", func(ctx SpecContext) {
		var l eventloop.Loop
		var lines []string
		block := func(name string) func(*eventloop.Task) error {
			return func(t *eventloop.Task) error {
				lines = append(lines, name+" block 1")
				if err := t.Yield(); err != nil { // asyncio: await asyncio.sleep(0)
					return err
				}
				lines = append(lines, name+" block 2")
				return nil
			}
		}
		spawn(&l, "do_first", block("do_first"))
		spawn(&l, "do_second", block("do_second"))
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(lines).To(Equal([]string{"do_first block 1", "do_second block 1", "do_first block 2", "do_second block 2"}),
			"Yield must hand control to the loop, which runs the other ready task before coming back\n"+
				"(README, \"Coroutines with iter.Pull\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs ready tasks first in, first out, spawned ones joining the back", func(ctx SpecContext) {
		var l eventloop.Loop
		var order []string
		var rounds func(name string, n int) func(*eventloop.Task) error
		rounds = func(name string, n int) func(*eventloop.Task) error {
			return func(t *eventloop.Task) error {
				for i := 1; i <= n; i++ {
					order = append(order, name+string(rune('0'+i)))
					if name == "A" && i == 1 {
						spawn(t.Loop(), "D", rounds("D", 1))
					}
					if i < n {
						if err := t.Yield(); err != nil {
							return err
						}
					}
				}
				return nil
			}
		}
		spawn(&l, "A", rounds("A", 3))
		spawn(&l, "B", rounds("B", 3))
		spawn(&l, "C", rounds("C", 2))
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(order).To(Equal([]string{"A1", "B1", "C1", "D1", "A2", "B2", "C2", "A3", "B3"}),
			"the ready task that has waited longest runs next: a yielding task, and a task spawned\n"+
				"by a running one, go to the BACK of the ready list (a queue, not a stack: README, \"The ready list\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs one task body at a time, so tasks share plain variables safely", func(ctx SpecContext) {
		const tasks, rounds = 8, 50
		var l eventloop.Loop
		var running, most atomic.Int32
		shared := 0 // a plain int, shared by every task without a lock: safe only on one loop
		for i := range tasks {
			spawn(&l, "counter-"+string(rune('a'+i)), func(t *eventloop.Task) error {
				for range rounds {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					v := shared
					runtime.Gosched() // invite any other body that could run now to run
					shared = v + 1
					running.Add(-1)
					if err := t.Yield(); err != nil {
						return err
					}
				}
				return nil
			})
		}
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(most.Load()).To(BeEquivalentTo(1),
			"%d task bodies ran at the same moment. A cooperative loop runs ONE body at a time, on\n"+
				"the loop's own turn: tasks must not run on goroutines of their own (README, \"One body at a time\")", most.Load())
		Expect(shared).To(Equal(tasks*rounds), "every increment of the shared counter must count")
	}, SpecTimeout(harness.SpecTimeout))

	It("answers Yield, Sleep and Await on a task that is not running with ErrNotRunning", func(ctx SpecContext) {
		var l eventloop.Loop
		var first *eventloop.Task
		var fromOther []error
		spawn(&l, "first", func(t *eventloop.Task) error {
			first = t
			return t.Yield()
		})
		spawn(&l, "second", func(t *eventloop.Task) error {
			fromOther = append(fromOther,
				notPanicking(first.Yield), notPanicking(func() error { return first.Sleep(1) }),
				notPanicking(func() error { return first.Await(eventloop.NewFuture()) }))
			return nil
		})
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		for _, err := range fromOther {
			Expect(err).To(MatchError(eventloop.ErrNotRunning),
				"a task's handle belongs to its own body: using it from another task is an error wrapping\n"+
					"ErrNotRunning. Check that t is the loop's running task (current) before anything else: a\n"+
					"check of \"not finished\" alone lets another task call this task's yield, which iter.Pull\n"+
					"answers with a panic (README, Task 2)")
			Expect(err).To(MatchError(ContainSubstring(`"first"`)), "name the task whose handle was misused")
		}
		Expect(first.Yield()).To(MatchError(eventloop.ErrNotRunning), "Yield on a finished task, outside the loop, is an error")
		Expect(first.Await(eventloop.NewFuture())).To(MatchError(ContainSubstring("finished")), "say that the task has finished")
	}, SpecTimeout(harness.SpecTimeout))
})

// notPanicking calls f and returns its error, or an error that says f
// panicked (and with what).
func notPanicking(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("it panicked: %v", r)
		}
	}()
	return f()
}
