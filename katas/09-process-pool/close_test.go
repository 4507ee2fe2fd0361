package processpool_test

import (
	"errors"
	"os/exec"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

var _ = Describe("Task 4: Close", func() {
	It("leaves no child, grandchild or zombie behind", func(ctx SpecContext) {
		pool, groups := start(ctx, config(3))
		_, err := pool.Map(ctx, tasks(6, "whoami", ""))
		Expect(err).NotTo(HaveOccurred())

		Expect(pool.Close()).To(Succeed(), "workers that exit when their stdin ends exit with status 0")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("may be called twice; Map after Close is an error", func(ctx SpecContext) {
		pool, groups := start(ctx, config(1))
		Expect(pool.Close()).To(Succeed())
		Expect(pool.Close()).To(Succeed(), "a second Close returns nil")
		_, err := pool.Map(ctx, tasks(1, "whoami", ""))
		Expect(err).To(MatchError(ContainSubstring("closed")), "say the pool is closed")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("waits for a Map in progress when Close is called from another goroutine", func(ctx SpecContext) {
		// The server holds each download for 500 ms: while it sees the two
		// workers' requests in flight, the Map is in progress.
		srv := fakeserver.New(fakeserver.WithLatency(500 * time.Millisecond))
		DeferCleanup(srv.Close)
		pool, groups := start(ctx, withSessions(config(2), srv))
		ts := downloads(fakeserver.SitesN(srv.URL, 4))
		var got []string
		var mapErr, closeErr error
		raceChecked(closeRace, func() {
			mapped := make(chan struct{})
			go func() {
				defer GinkgoRecover()
				defer close(mapped)
				got, mapErr = pool.Map(ctx, ts)
			}()
			Eventually(func() int { return srv.Stats().InFlight }).Within(20*time.Second).ProbeEvery(time.Millisecond).
				Should(Equal(2), "the Map's first two downloads reach the server")
			closeErr = pool.Close()
			<-mapped
		})
		Expect(mapErr).NotTo(HaveOccurred(), "Close was called while a Map ran: it must wait for that Map (README, Task 4: Map and Close\n"+
			"take turns, the pool's mutex held by each), not close the workers' stdin under it")
		Expect(got).To(Equal([]string{"10282", "275", "10282", "275"}), "every task of the Map answered, in order")
		Expect(closeErr).To(Succeed(), "workers that exit when their stdin ends exit with status 0")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("refuses a Map called from another goroutine once Close has ended the workers: the pool is closed", func(ctx SpecContext) {
		// The race detector sees a Map that looks at the closed flag before
		// it takes the lock only when it still remembers Close's write of
		// it; Close does much after that write, so the spec tries a few
		// pools.
		for round := range 4 {
			pool, groups := start(ctx, config(2))
			var mapErr, closeErr error
			raceChecked(closeRace, func() {
				var wg sync.WaitGroup
				wg.Go(func() { closeErr = pool.Close() })
				wg.Go(func() {
					defer GinkgoRecover()
					// Until /proc shows the workers gone: a wait that orders
					// nothing between the two goroutines, as nothing orders two
					// callers of a pool but the pool's own lock.
					Eventually(workerChildren).Within(20*time.Second).ProbeEvery(time.Millisecond).
						Should(BeEmpty(), "Close ends and reaps every worker")
					_, mapErr = pool.Map(ctx, tasks(2, "whoami", ""))
				})
				wg.Wait()
			})
			Expect(closeErr).To(Succeed(), "round %d", round+1)
			Expect(mapErr).To(MatchError(ContainSubstring("closed")), "round %d: a Map after Close says the pool is closed", round+1)
			expectNoLeftovers(groups)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("reports exit status 66 of a worker: a data race detected in the child", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := pool.Map(ctx, []proc.Task{{Name: "race"}})
		Expect(err).NotTo(HaveOccurred(), "the racy task itself answers")

		err = pool.Close()
		Expect(err).To(HaveOccurred(), "a worker exited with status 66: Close must report what cmd.Wait returned")
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "wrap cmd.Wait's error with %%w, so callers can read the exit code")
		Expect(exit.ExitCode()).To(Equal(66), "the race detector makes a process exit with status 66")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))
})
