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
})
