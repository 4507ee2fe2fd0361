package cooperative_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/workload"
	cooperative "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

var _ = Describe("Task 4: Resolve, a blocking call moved off the loop", func() {
	It("looks five hosts up at once without stalling the loop: a heartbeat keeps its beat", func(SpecContext) {
		harness.Virtual(func() {
			hosts := []string{"www.jython.org", "olympus.realpython.org", "go.dev", "pkg.go.dev", "realpython.com"}
			var l loop.Loop
			hb := &heartbeat{}
			spawn(&l, "heartbeat", hb.task)
			addrs := make([]string, len(hosts))
			pending := len(hosts)
			start := time.Now()
			var took time.Duration
			for i, host := range hosts {
				spawn(&l, "resolve "+host, func(t *loop.Task) error {
					defer func() {
						if pending--; pending == 0 {
							hb.stop, took = true, time.Since(start)
						}
					}()
					var err error
					addrs[i], err = cooperative.Resolve(t, host)
					return err
				})
			}
			Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(hb.longest).To(Equal(beat), stalledMessage(hb, "the hosts were looked up"))
			Expect(took).To(match.TakeExactly(workload.LookupDelay),
				"five lookups in executors wait together: one LookupDelay in all")
			for i, host := range hosts {
				want, err := workload.LegacyLookup(context.Background(), host)
				Expect(err).NotTo(HaveOccurred(), "the spec's own lookup of %s (a harness problem, not yours)", host)
				Expect(addrs[i]).To(Equal(want), "the address of %s", host)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns the lookup's error, and gives up when the loop stops", func(SpecContext) {
		harness.Virtual(func() {
			ctx, cancel := context.WithTimeout(context.Background(), workload.LookupDelay/2)
			defer cancel()
			var l loop.Loop
			errs := map[string]error{}
			for _, host := range []string{"", "go.dev"} {
				spawn(&l, fmt.Sprintf("resolve %q", host), func(t *loop.Task) error {
					_, errs[host] = cooperative.Resolve(t, host)
					return nil
				})
			}
			start := time.Now()
			Expect(l.Run(ctx)).To(MatchError(context.DeadlineExceeded), "the loop stopped at its deadline, and Run reports it")
			Expect(time.Since(start)).To(match.TakeExactly(workload.LookupDelay/2),
				"Run must return at the loop's deadline (LookupDelay/2), not when the lookup would have ended: Run waits\n"+
					"for every executor function it started, so a lookup that does not stop with the loop holds Run for\n"+
					"its whole LookupDelay. Pass the executor's ctx to LegacyLookup (not context.Background()).\n"+
					"See README, \"Task 4: Resolve\"")
			Expect(errs[""]).To(MatchError(ContainSubstring("empty host")), "LegacyLookup's own error comes back")
			Expect(errs["go.dev"]).To(MatchError(context.DeadlineExceeded), "the loop stopped before the lookup ended")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("reads the address only after the lookup has ended: when the loop stops first, no address and no data race", func(SpecContext) {
		harness.Virtual(func() {
			// The loop sees its deadline a millisecond before the lookup does,
			// as a real lookup takes a moment to return once told to stop: a
			// Resolve that reads the address the executor writes, before
			// the lookup has ended, then races with that write, and the race
			// detector reports it on every run.
			ctx, cancel := lateToTheExecutor(workload.LookupDelay/2, time.Millisecond)
			defer cancel()
			var l loop.Loop
			var addr string
			var err error
			spawn(&l, "resolve", func(t *loop.Task) error {
				addr, err = cooperative.Resolve(t, "go.dev")
				return nil
			})
			Expect(l.Run(ctx)).To(MatchError(context.DeadlineExceeded), "the loop stopped at its deadline, and Run reports it")
			Expect(err).To(MatchError(context.DeadlineExceeded), "the loop stopped before the lookup ended")
			Expect(addr).To(BeEmpty(),
				"Resolve returned an address with its error: when Await fails, the executor may still be writing it.\n"+
					"Read what the executor writes only after Await has returned nil. See README, \"Task 4: Resolve\"")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

// lateToTheExecutor returns a context whose deadline passes after d, and
// whose contexts derived from it (the loop's, which its executor functions
// get) are told lag later: the loop stops first, while an executor's lookup
// is still running. It is a context of its own type, so that the context
// package propagates its end through its AfterFunc.
func lateToTheExecutor(d, lag time.Duration) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithTimeout(context.Background(), d)
	c := &lateContext{Context: inner, done: make(chan struct{}), lag: lag}
	context.AfterFunc(inner, func() { close(c.done) })
	return c, cancel
}

type lateContext struct {
	context.Context
	done chan struct{}
	lag  time.Duration
}

func (c *lateContext) Done() <-chan struct{} { return c.done }

func (c *lateContext) Err() error {
	select {
	case <-c.done:
		return c.Context.Err()
	default:
		return nil
	}
}

// AfterFunc is what the context package calls to tell a derived context
// that c has ended: it does so lag after c's Done is closed (virtual time).
func (c *lateContext) AfterFunc(f func()) func() bool {
	return context.AfterFunc(c.Context, func() {
		time.Sleep(c.lag)
		f()
	})
}
