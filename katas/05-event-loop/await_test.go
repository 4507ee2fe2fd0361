package eventloop_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

var _ = Describe("Task 4: Await and Future", func() {
	It("wakes an awaiting task when another goroutine resolves its future, while other tasks run", func(ctx SpecContext) {
		beforeVirtual(ctx)
		harness.Virtual(func() {
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
			Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(wokeAt).To(Equal(50*time.Millisecond), "the awaiting task wakes when the future is resolved: at 50 ms of virtual time")
			Expect(ticks).To(HaveLen(8), "other tasks keep running while one awaits")
			Expect(ticks[4]).To(Equal(50*time.Millisecond), "the ticker kept its rhythm: the loop did not wait for the future alone")
			Expect(time.Since(start)).To(match.TakeExactly(80 * time.Millisecond))
		})
	}, SpecTimeout(10*time.Second)) // shorter than usual: a spinning loop freezes virtual time, and would hang here

	It("awaits a spawned task's future, which carries the task's error", func(ctx SpecContext) {
		beforeVirtual(ctx)
		harness.Virtual(func() {
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
			err := l.Run(context.Background())
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

	It("resolves a Future once: the first Resolve wins, from any goroutine", func(SpecContext) {
		future := eventloop.NewFuture()
		Expect(future.Done()).NotTo(BeClosed(), "a new future is not done")
		Expect(future.Err()).NotTo(HaveOccurred(), "a future not resolved yet has no error")
		var wg sync.WaitGroup
		wins := make(chan error, 10)
		for i := range 10 {
			wg.Go(func() {
				err := fmt.Errorf("resolver %d", i)
				if future.Resolve(err) {
					wins <- err
				}
			})
		}
		wg.Wait()
		close(wins)
		Expect(wins).To(HaveLen(1), "exactly one Resolve reports true")
		Expect(future.Done()).To(BeClosed(), "a resolved future's Done channel is closed")
		Expect(future.Err()).To(Equal(<-wins), "the future keeps the first error it was resolved with")
	}, SpecTimeout(harness.SpecTimeout))
})
