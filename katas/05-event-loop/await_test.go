package eventloop_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

var _ = Describe("Task 4: Await and Future", func() {
	It("wakes an awaiting task when another goroutine resolves its future, while other tasks run", func(SpecContext) {
		virtual(func() {
			errRemote := errors.New("the remote work failed")
			future := eventloop.NewFuture()
			go func() { // work done off the loop, like a network request
				time.Sleep(50 * time.Millisecond)
				future.Resolve(errRemote)
			}()

			var l eventloop.Loop
			start := time.Now()
			var wokeAt time.Duration
			var ticks []time.Duration
			spawn(&l, "waiter", func(t *eventloop.Task) error {
				if err := t.Await(future); err != nil {
					return err
				}
				wokeAt = time.Since(start)
				Expect(future.Err()).To(MatchError(errRemote), "after Await, the future's result is ready to read")
				return nil
			})
			spawn(&l, "ticker", func(t *eventloop.Task) error {
				for range 8 {
					if err := t.Sleep(10 * time.Millisecond); err != nil {
						return err
					}
					ticks = append(ticks, time.Since(start))
				}
				return nil
			})
			Expect(runGuarded(&l, context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(wokeAt).To(Equal(50*time.Millisecond), "the awaiting task wakes when the future is resolved: at 50 ms of virtual time")
			Expect(ticks).To(HaveLen(8), "other tasks keep running while one awaits")
			Expect(ticks[4]).To(Equal(50*time.Millisecond), "the ticker kept its rhythm: the loop did not wait for the future alone")
			Expect(time.Since(start)).To(match.TakeExactly(80 * time.Millisecond))
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("awaits a spawned task's future, which carries the task's error", func(SpecContext) {
		virtual(func() {
			errChild := errors.New("child failed")
			var l eventloop.Loop
			start := time.Now()
			var got error
			spawn(&l, "parent", func(t *eventloop.Task) error {
				child, err := t.Loop().Spawn("child", func(t *eventloop.Task) error {
					if err := t.Sleep(20 * time.Millisecond); err != nil {
						return err
					}
					return errChild
				})
				if err != nil {
					return err
				}
				if err := t.Await(child); err != nil {
					return err
				}
				got = child.Err()
				return nil
			})
			err := runGuarded(&l, context.Background())
			Expect(err).To(MatchError(errChild), "the child's error still comes back from Run")
			Expect(got).To(MatchError(errChild), "the parent reads the child's error from its Future once Await returns")
			Expect(time.Since(start)).To(match.TakeExactly(20 * time.Millisecond))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns at once from Await of a done future, and rejects a nil one", func(ctx SpecContext) {
		done := eventloop.NewFuture()
		Expect(done.Resolve(nil)).To(BeTrue(), "the first Resolve of a new future reports true")
		var l eventloop.Loop
		var order []string
		var nilErr error
		spawn(&l, "A", func(t *eventloop.Task) error {
			if err := t.Await(done); err != nil {
				return err
			}
			order = append(order, "A after Await")
			nilErr = t.Await(nil)
			return nil
		})
		spawn(&l, "B", func(*eventloop.Task) error { order = append(order, "B"); return nil })
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(order).To(Equal([]string{"A after Await", "B"}), "awaiting what is already done needs no switch (as in asyncio)")
		Expect(nilErr).To(MatchError(ContainSubstring("nil")), "Await(nil) has nothing to wait for: say so")
	}, SpecTimeout(harness.SpecTimeout))

	It("wakes every task that awaits one future", func(SpecContext) {
		virtual(func() {
			future := eventloop.NewFuture()
			go func() {
				time.Sleep(30 * time.Millisecond)
				future.Resolve(nil)
			}()
			runCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var l eventloop.Loop
			var woke []string
			for _, name := range []string{"one", "two", "three"} {
				spawn(&l, name, func(t *eventloop.Task) error {
					if err := t.Await(future); err != nil {
						return err
					}
					woke = append(woke, name)
					return nil
				})
			}
			err := runGuarded(&l, runCtx)
			Expect(woke).To(ConsistOf("one", "two", "three"),
				"three tasks awaited one future, and only %v woke when it was resolved (the others waited\n"+
					"until the spec's one-second deadline). Resolve must wake EVERY task that awaits the future:\n"+
					"close its Done channel (a closed channel wakes every receiver, now and later); a send\n"+
					"on it wakes one (README, Task 4)", woke)
			Expect(err).To(Succeed(), "every task returned nil, so Run must return nil")
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("awaits a context too: it is an Awaitable, done when the context is", func(SpecContext) {
		virtual(func() {
			deadline, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
			defer cancel()
			var l eventloop.Loop
			start := time.Now()
			var awaitErr error
			var wokeAt time.Duration
			spawn(&l, "waiter", func(t *eventloop.Task) error {
				awaitErr = t.Await(deadline)
				wokeAt = time.Since(start)
				return nil
			})
			Expect(runGuarded(&l, context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(awaitErr).NotTo(HaveOccurred(),
				"Await takes any Awaitable (anything with Done() <-chan struct{}): a context.Context is one,\n"+
					"and so is a *web.Call. Await its Done channel, whatever the type (README, \"Awaiting things done elsewhere\")")
			Expect(wokeAt).To(Equal(40*time.Millisecond), "the task wakes when the context is done: at its 40 ms deadline")
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("resolves a Future once: the first Resolve wins, from any goroutine", func(SpecContext) {
		// Resolvers and readers meet at a barrier and then run at once, many
		// times: a Resolve that checks "done?" and then closes, in two
		// steps, is caught when two of them overlap (on more than one
		// thread: hence GOMAXPROCS of 8 at least, here), and an Err that
		// reads the error without waiting for Done races with Resolve's
		// write in every trial (the race detector reports it).
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(8, runtime.GOMAXPROCS(0))))
		harness.Virtual(func() {
			const trials, resolvers = 3000, 8
			begin := realNow() // a bound on real time: the trials are many, and the machine may be busy
			for trial := 0; trial < trials && realNow()-begin < 2*time.Second; trial++ {
				future := eventloop.NewFuture()
				Expect(future.Done()).NotTo(BeClosed(), "a new future is not done")
				Expect(future.Err()).NotTo(HaveOccurred(), "a future not resolved yet has no error")
				var arrived atomic.Int32
				var wg sync.WaitGroup
				wins := make(chan error, resolvers)
				panics := make(chan any, resolvers)
				for i := range resolvers {
					wg.Go(func() {
						defer func() {
							if r := recover(); r != nil {
								panics <- r
							}
						}()
						err := fmt.Errorf("resolver %d", i) // made before the barrier: nothing slow between it and Resolve
						for arrived.Add(1); arrived.Load() < resolvers; {
							runtime.Gosched() // wait for the others: all resolve at once
						}
						_ = future.Err() // a reader, while the others resolve
						if future.Resolve(err) {
							wins <- err
						}
					})
				}
				wg.Wait()
				close(wins)
				close(panics)
				Expect(panics).To(BeEmpty(), func() string {
					return fmt.Sprintf("in trial %d of %d, %d goroutines called Resolve at once and one of them panicked: %v.\n"+
						"Only the first Resolve counts: checking \"is it done?\" and then closing, in two steps, lets\n"+
						"two callers both pass the check and both close. Make it one step: sync.Once (README, Task 4)",
						trial+1, trials, resolvers, <-panics)
				})
				Expect(wins).To(HaveLen(1), "in trial %d of %d, %d goroutines called Resolve at once: exactly one Resolve reports true.\n"+
					"Checking \"is it done?\" and then resolving, in two steps, lets two callers both pass the check:\n"+
					"make it one step, with sync.Once (README, Task 4)", trial+1, trials, resolvers)
				Expect(future.Done()).To(BeClosed(), "a resolved future's Done channel is closed")
				Expect(future.Err()).To(Equal(<-wins), "the future keeps the first error it was resolved with")
			}
		})
	}, SpecTimeout(harness.SpecTimeout))
})
