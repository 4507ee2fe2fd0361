package eventloop_test

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

// errGaveUp is what a task that only ever yields returns once it has given
// the loop every chance to stop it: the spec then ends at once, not at its
// timeout.
var errGaveUp = errors.New("gave up: the loop did not stop after the cancel, or never ran the canceller")

var _ = Describe("Task 5: Stopping", func() {
	It("reports a panicking task as an error naming it, and stops the other tasks", func(SpecContext) {
		virtual(func() {
			var l eventloop.Loop
			start := time.Now()
			var sleepErr, awaitErr error
			cleanedUp, orphanRan := 0, false
			spawn(&l, "sleeper", func(t *eventloop.Task) error {
				defer func() { cleanedUp++ }()
				sleepErr = t.Sleep(time.Hour)
				return sleepErr
			})
			spawn(&l, "awaiter", func(t *eventloop.Task) error {
				defer func() { cleanedUp++ }()
				awaitErr = t.Await(eventloop.NewFuture()) // never resolved
				return awaitErr
			})
			spawn(&l, "boom", func(t *eventloop.Task) error {
				if err := t.Yield(); err != nil {
					return err
				}
				spawn(t.Loop(), "orphan", func(*eventloop.Task) error { orphanRan = true; return nil })
				panic("kaboom")
			})

			err := runRecovering(&l, context.Background(), "when a task panicked: the panic went through the loop to Run's caller.\n"+
				"A task's panic is a bug of that task, and Run reports it as an error: recover it INSIDE the\n"+
				"coroutine (a deferred recover around the body, where the task's own stack is), then stop the\n"+
				"other tasks and return an error naming the task and the panic value (README, Task 5)")
			Expect(err).To(MatchError(And(ContainSubstring(`"boom"`), ContainSubstring("kaboom"))),
				"a panic in a task comes back from Run as an error that names the task and says what it panicked with")
			Expect(sleepErr).To(MatchError(eventloop.ErrStopped), "the sleeping task is stopped: its Sleep returns an error wrapping ErrStopped.\n"+
				"nil here means its Sleep never returned: the loop dropped the task without resuming it. Call stop\n"+
				"on the coroutine of every unfinished task: its yield then returns false, and Sleep returns the\n"+
				"stop error (README, \"Stopping a coroutine\")")
			Expect(sleepErr).To(MatchError(ContainSubstring(`"boom"`)),
				"ErrStopped comes wrapped together with the cause: here, the task that panicked (name it)")
			Expect(awaitErr).To(MatchError(eventloop.ErrStopped), "the awaiting task is stopped: its Await returns ErrStopped")
			Expect(cleanedUp).To(Equal(2), "stopped tasks unwind: their deferred calls run (README, \"Stopping a coroutine\")")
			Expect(orphanRan).To(BeFalse(), "a task that never started is dropped, not run")
			Expect(time.Since(start)).To(match.TakeExactly(0), "stopping does not wait for the sleeper's hour")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("stops when its context is done: every task gets ErrStopped, Run the context's error", func(SpecContext) {
		virtual(func() {
			runCtx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			var l eventloop.Loop
			start := time.Now()
			errs := map[string]error{}
			var taskCtx context.Context
			var liveErr error
			spawn(&l, "sleeper", func(t *eventloop.Task) error {
				taskCtx = t.Context()
				liveErr = taskCtx.Err()
				errs["sleeper"] = t.Sleep(time.Hour)
				return errs["sleeper"]
			})
			spawn(&l, "awaiter", func(t *eventloop.Task) error {
				errs["awaiter"] = t.Await(eventloop.NewFuture())
				return errs["awaiter"]
			})
			spawn(&l, "ticker", func(t *eventloop.Task) error {
				for {
					if err := t.Sleep(10 * time.Millisecond); err != nil {
						errs["ticker"] = err
						return err
					}
				}
			})
			err := runGuarded(&l, runCtx)
			Expect(err).To(MatchError(context.DeadlineExceeded), "Run returns (wraps) the context's error")
			Expect(time.Since(start)).To(match.TakeExactly(50*time.Millisecond), "stop at the deadline, not after the sleeper's hour")
			Expect(errs).To(HaveLen(3), "every task was stopped and unwound")
			Expect(liveErr).NotTo(HaveOccurred(), "Task.Context is live while the loop runs")
			Expect(taskCtx.Err()).To(MatchError(context.DeadlineExceeded), "Task.Context is done once the loop has stopped, with the deadline's error: I/O started with it stops too.\n"+
				"context.Canceled here, now and then, means Run cancelled the task context before the deadline reached it\n"+
				"from Run's context: when that context is done, wait for <-runCtx.Done() before you cancel (README, task 5)")
			for name, err := range errs {
				Expect(err).To(MatchError(eventloop.ErrStopped), "task %q: a stopped task's Sleep/Await returns ErrStopped", name)
				Expect(err).To(MatchError(context.DeadlineExceeded), "task %q: the stop error also wraps why: the context's error", name)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("stops, once its context is cancelled, even tasks that only ever Yield", func(ctx SpecContext) {
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		var l eventloop.Loop
		cancelled, yieldsAfterCancel := false, 0
		for _, name := range []string{"spin-1", "spin-2", "spin-3"} {
			spawn(&l, name, func(t *eventloop.Task) error {
				for turns := 0; ; turns++ {
					if err := t.Yield(); err != nil {
						return err
					}
					if turns > 100_000 { // the canceller needs 100 turns: end the spec now, not at its timeout
						return errGaveUp
					}
					if cancelled {
						yieldsAfterCancel++
						if yieldsAfterCancel > 1000 { // end the spec now, not at its timeout
							return errGaveUp
						}
					}
				}
			})
		}
		spawn(&l, "canceller", func(t *eventloop.Task) error {
			for range 100 {
				if err := t.Yield(); err != nil {
					return err
				}
			}
			cancel()
			cancelled = true
			return nil
		})
		err := l.Run(runCtx)
		Expect(yieldsAfterCancel).To(BeZero(),
			"after the context was cancelled, no task may be resumed as if nothing happened: check the context\n"+
				"on every turn of the loop, not only when it blocks (README, \"Stopping a coroutine\")")
		Expect(err).To(MatchError(context.Canceled), "Run returns (wraps) the context's error once it is cancelled")
	}, SpecTimeout(harness.SpecTimeout))

	It("stops every coroutine it started, even those it abandons", func(ctx SpecContext) {
		before := goleak.IgnoreCurrent()
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		var l eventloop.Loop
		for _, name := range []string{"a", "b", "c", "d"} {
			spawn(&l, name, func(t *eventloop.Task) error {
				for turns := 0; turns < 100_000; turns++ { // the canceller needs one turn: end the spec now, not at its timeout
					if err := t.Yield(); err != nil {
						return err
					}
				}
				return errGaveUp
			})
		}
		spawn(&l, "canceller", func(t *eventloop.Task) error {
			if err := t.Yield(); err != nil {
				return err
			}
			cancel()
			return nil
		})
		err := l.Run(runCtx)
		Expect(errors.Is(err, errGaveUp)).To(BeFalse(), "the tasks yielded 100000 times after the context was cancelled, and gave up: Run must\n"+
			"check its context on every turn of the loop, not only when it blocks (README, \"Stopping a coroutine\")")
		Expect(err).To(MatchError(context.Canceled), "Run returns (wraps) the context's error once it is cancelled")
		Expect(goleak.Find(before)).To(Succeed(),
			"Run returned, but goroutines it started are still there. A coroutine made by iter.Pull is a\n"+
				"goroutine parked until you call next or stop: Run must call stop on every coroutine it\n"+
				"abandons (README, \"Stopping a coroutine\"). The stacks above show where they wait.")
	}, SpecTimeout(harness.SpecTimeout))

	It("cancels Task.Context when a task panics, too", func(SpecContext) {
		virtual(func() {
			var l eventloop.Loop
			var taskCtx context.Context
			spawn(&l, "reader", func(t *eventloop.Task) error {
				taskCtx = t.Context()
				return t.Sleep(time.Hour)
			})
			spawn(&l, "boom", func(t *eventloop.Task) error {
				if err := t.Yield(); err != nil { // the reader runs first
					return err
				}
				panic("kaboom")
			})
			Expect(runGuarded(&l, context.Background())).To(MatchError(ContainSubstring(`"boom"`)), "a panic comes back from Run as an error naming the task")
			Expect(taskCtx).NotTo(BeNil(), "the reader task ran, and read its Task.Context")
			Expect(taskCtx.Err()).To(HaveOccurred(),
				"Task.Context is done when the loop stops for ANY reason, a task's panic too: I/O a task started\n"+
					"with it must stop. Run's own ctx is not cancelled by a panic: give the tasks a context of the\n"+
					"loop's own (context.WithCancel(ctx)), cancelled when Run stops (README, Task 5)")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("refuses a Spawn while the loop is stopping, and never runs that task", func(SpecContext) {
		virtual(func() {
			runCtx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			var l eventloop.Loop
			var lateFuture *eventloop.Future
			var lateErr error
			lateRan := false
			spawn(&l, "sleeper", func(t *eventloop.Task) error {
				defer func() { // runs while the loop stops this task
					lateFuture, lateErr = t.Loop().Spawn("late", func(*eventloop.Task) error { lateRan = true; return nil })
				}()
				return t.Sleep(time.Hour)
			})
			Expect(runGuarded(&l, runCtx)).To(MatchError(context.DeadlineExceeded), "Run returns (wraps) the context's error")
			Expect(lateErr).To(HaveOccurred(),
				"a task spawned while the loop stops its tasks (here, from a stopped task's deferred call) would\n"+
					"never run, or run after Run returned: Spawn on a stopping loop is an error (README, Task 5)")
			Expect(lateFuture).To(BeNil(), "a task that was refused has no Future")
			Expect(lateRan).To(BeFalse(), "a task refused by Spawn never runs")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("waits, before it returns, for every goroutine it started, also those watching an Awaitable", func(SpecContext) {
		virtual(func() {
			runCtx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			slow := &slowAwaitable{stop: runCtx, done: make(chan struct{})}
			var l eventloop.Loop
			spawn(&l, "awaiter", func(t *eventloop.Task) error { return t.Await(slow) })
			Expect(runGuarded(&l, runCtx)).To(MatchError(context.DeadlineExceeded), "Run returns (wraps) the context's error")
			Expect(slow.inside.Load()).To(BeZero(),
				"Run returned while a goroutine it started was still running: the one watching an Awaitable\n"+
					"(it was still inside the Awaitable's Done method, which takes 10 ms here). Nothing Run starts may\n"+
					"outlive it: after telling the watchers to give up (close a channel they select on), wait for\n"+
					"them (a sync.WaitGroup) before returning (README, \"Awaiting things done elsewhere\")")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

// A slowAwaitable is never done, and its Done takes a while from its second
// call on (the first is Await's check of "done already?"): until stop is
// done, then 10 ms more. inside counts the calls in progress, so a spec can
// see a watcher goroutine still running.
type slowAwaitable struct {
	stop   context.Context
	done   chan struct{}
	calls  atomic.Int32
	inside atomic.Int32
}

func (a *slowAwaitable) Done() <-chan struct{} {
	if a.calls.Add(1) > 1 {
		a.inside.Add(1)
		defer a.inside.Add(-1)
		<-a.stop.Done()
		time.Sleep(10 * time.Millisecond)
	}
	return a.done
}
