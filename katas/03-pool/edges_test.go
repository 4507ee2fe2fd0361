package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/sitespec"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/03-pool"
)

// The specs of this file hold DownloadAll to the edges of its contract: a
// bound that is not the number of processors, a pool that is not rounds, the
// same URL many times, a body cut short, the instant of return on every path,
// and two calls that must not share anything.

var _ = Describe("Task 2: a bounded pool", func() {
	It("keeps exactly W requests in flight when W differs from GOMAXPROCS and from the number of cores", func(SpecContext) {
		// GOMAXPROCS is set to a value that is neither W nor the machine's
		// core count, so a pool sized by runtime.GOMAXPROCS or runtime.NumCPU
		// (rather than by workers) shows up whatever machine runs the spec.
		const procs = 3
		harness.SetGOMAXPROCS(procs)
		cores := runtime.NumCPU()
		ws := []int{1, 2, 4, 7, cores + 1, 2*cores + 3}
		slices.Sort(ws)
		for _, w := range slices.Compact(ws) {
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				n := 4 * w

				start := time.Now()
				pages, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, n), w)
				Expect(err).NotTo(HaveOccurred(), "workers = %d: every page is answered 200: no error", w)
				Expect(done(pages)).To(HaveLen(n), "workers = %d: every page is downloaded", w)
				Expect(srv.Stats()).To(match.HavePeakInFlight(w),
					"workers = %d, with GOMAXPROCS = %d and %d cores: the pool's size is the workers argument, not the number of processors or cores", w, procs, cores)
				Expect(site.SessionsMade()).To(Equal(w), "workers = %d: one session per worker", w)
				Expect(time.Since(start)).To(match.TakeExactly(4*latency), "workers = %d: %d URLs are 4 rounds", w, n)
			})
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("hands a worker the next URL the moment it is free, not in rounds of W: exact on virtual time with jitter", func(SpecContext) {
		// Each request takes one latency and a jitter of up to two more.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			start := time.Now()
			_, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, 40), workers)
			elapsed := time.Since(start)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")

			// What a pool takes: each request, in the order the server saw
			// them, starts the moment the first of the workers is free.
			spans := srv.Stats().Spans
			slices.SortFunc(spans, func(a, b fakeserver.Span) int { return a.Seq - b.Seq })
			free := make([]time.Duration, workers) // when each worker is next free
			var want time.Duration
			for _, sp := range spans {
				w := slices.Index(free, slices.Min(free))
				free[w] += sp.Latency
				want = max(want, free[w])
			}
			Expect(elapsed).To(match.TakeExactly(want),
				"with jitter the requests of a round end at different times: a pool gives the worker that is free\n"+
					"the next URL at once, so 40 URLs take %v here. Longer means the workers waited for each other,\n"+
					"as rounds of %d with a barrier (wg.Wait per batch) do. See README, \"Why a pool\".", want, workers)
		}, fakeserver.WithJitter(2*latency, 11))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: results in input order", func() {
	It("keeps each page at its index when the list holds the same URL many times, with jitter", func(SpecContext) {
		// The server's jitter makes the requests finish out of order.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			distinct := fakeserver.SitesN(srv.URL, 4)
			var urls []string
			for i := range 30 {
				urls = append(urls, distinct[(i*7)%len(distinct)])
			}

			pages, err := pool.DownloadAll(context.Background(), site.NewSession, urls, workers)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, repeated ones too")
			for i, url := range urls {
				Expect(pages[i]).To(Equal(pool.Page{URL: url, Size: sitespec.PageSize(url), Done: true}),
					"pages[%d] must be the page of urls[%d], whatever order the downloads finish in; the list holds each\n"+
						"URL several times, so finding a result's place by its URL (slices.Index) fills the first copy only:\n"+
						"hand out indexes, not URLs, and write pages[i]. See README, \"map keeps the order\"", i, i)
			}
			Expect(srv.Stats().Requests).To(Equal(len(urls)), "each entry of the list is downloaded once, repeated ones too")
		}, fakeserver.WithJitter(latency, 5))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 5: the first error, and cancellation", func() {
	It("reports a page whose body was cut short as not Done, with Size 0", func(SpecContext) {
		// The server cuts the body of the second request short.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 10)

			pages, err := pool.DownloadAll(context.Background(), site.NewSession, urls, workers)
			bad := faultedURL(srv)
			Expect(bad).NotTo(BeEmpty(), "the server cut no body short (a harness problem, not yours)")
			Expect(err).To(MatchError(ContainSubstring(bad)), "a body cut short is an error that names its URL")
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, downloaded or not")
			for i, p := range pages {
				if p.URL != bad {
					continue
				}
				Expect(p).To(Equal(pool.Page{URL: bad}),
					"pages[%d]'s body was cut short: it was not downloaded whole, so Done is false and Size is 0\n"+
						"(not the bytes read before the cut). See pool.go, Page", i)
			}
		}, faultAt(fakeserver.TruncateFault, 2))
	}, SpecTimeout(harness.SpecTimeout))

	It("cancels the requests in flight at the first error, though they would take 16 latencies more", func(SpecContext) {
		// Request 3 fails after one latency; every other page trickles in
		// over 16 latencies (a slow body), so only cancelling the requests
		// in flight ends the run at the error.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			start := time.Now()
			_, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, 20), workers)
			elapsed := time.Since(start)
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(), "the first error is the 500, not a cancellation it caused; got %v", err)
			Expect(elapsed).To(match.TakeExactly(latency),
				"the 500 came after one latency; the other %d requests in flight must be cancelled then, not finished:\n"+
					"pass the run's context (the one derived from ctx with context.WithCancel and cancelled at the first\n"+
					"error) to every request, not ctx itself. See README, \"Stopping: the first error, and the caller's context\"", workers-1)
			Expect(srv.Stats().Requests).To(Equal(workers), "no request may start after the first error")
			Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns")
		}, fakeserver.WithFaults(
			fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 3},
			fakeserver.Fault{Kind: fakeserver.SlowBodyFault},
		))
	}, SpecTimeout(harness.SpecTimeout))

	It("has ended every worker and closed every session at the instant it returns: at a deadline, after an error, and done", func(SpecContext) {
		for _, c := range []struct {
			name     string
			deadline time.Duration
			fault    []fakeserver.Fault
			// slowStart holds each newSession call this long: the deadline
			// then passes while every worker is still starting, so a
			// DownloadAll that stops waiting when ctx is done returns
			// before its workers have even made their sessions.
			slowStart time.Duration
		}{
			// An hour of virtual time costs nothing: a DownloadAll that waits
			// a while for its workers, then returns anyway, is seen too.
			{"at a deadline, while the workers are still starting", latency / 2, nil, time.Hour},
			{"at a deadline", 3*latency + latency/2, nil, 0},
			{"after an error", 0, []fakeserver.Fault{{Kind: fakeserver.StatusFault, Request: 8}}, 0},
			{"done", 0, nil, 0},
		} {
			onVirtualSite(func(srv *fakeserver.Server, _ *web.Site) {
				// Each session's Close takes 1 ms: a worker that is still
				// closing its session when DownloadAll returns (wg.Done
				// before a deferred Close) leaves it open at the return.
				site := web.NewSite(srv, web.CloseTakes(time.Millisecond))
				ctx := context.Background()
				if c.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, c.deadline)
					defer cancel()
				}

				newSession := site.NewSession
				var starting atomic.Int64 // newSession calls not yet returned
				if c.slowStart > 0 {
					newSession = func() *web.Session {
						starting.Add(1)
						defer starting.Add(-1)
						time.Sleep(c.slowStart)
						return site.NewSession()
					}
				}
				pages, _ := pool.DownloadAll(ctx, newSession, fakeserver.SitesN(srv.URL, 40), workers)
				// At the instant of return, before the spec waits for anything:
				stillStarting, open := starting.Load(), site.SessionsOpen()
				atReturn := slices.Clone(pages)
				Expect(stillStarting).To(BeZero(),
					"%s: at the instant DownloadAll returned, %d worker(s) were still inside newSession: it returned\n"+
						"before its workers had even started. Wait for every worker (wg.Wait) before returning, on every\n"+
						"path: also when ctx is done. See README, \"Stopping: the first error, and the caller's context\"", c.name, stillStarting)
				Expect(open).To(BeZero(),
					"%s: at the instant DownloadAll returned, %d session(s) were still open: it returned before its\n"+
						"workers had ended. Wait for every worker (wg.Wait) before returning, on every path: also when\n"+
						"ctx is done or an error stopped the run. Each Close takes 1 ms here: a worker that calls wg.Done()\n"+
						"before its deferred session.Close() is still closing when Wait returns (defer wg.Done() first, so it\n"+
						"runs last, or use wg.Go). See README, \"Stopping: the first error, and the caller's context\"", c.name, open)
				synctest.Wait()
				Expect(pages).To(Equal(atReturn), "%s: pages changed after DownloadAll returned: a worker was still running", c.name)
			}, fakeserver.WithFaults(c.fault...))
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps nothing between calls: a call after a failed one, and a call beside it, see only their own errors", func(SpecContext) {
		harness.Virtual(func() {
			failing := serverWithFaultAt(fakeserver.StatusFault, 3)
			defer failing.Close()
			_, err := pool.DownloadAll(context.Background(), web.NewSite(failing).NewSession, fakeserver.SitesN(failing.URL, 10), workers)
			Expect(err).To(HaveOccurred(), "the server answered 500: an error")

			// Two calls at once: one fails early, the other must not notice.
			fails := serverWithFaultAt(fakeserver.StatusFault, 2)
			defer fails.Close()
			fine := fakeserver.NewInMemory(fakeserver.WithLatency(latency))
			defer fine.Close()
			var failErr error
			beside := make(chan struct{})
			go func() {
				defer close(beside)
				defer GinkgoRecover()
				_, failErr = pool.DownloadAll(context.Background(), web.NewSite(fails).NewSession, fakeserver.SitesN(fails.URL, 10), workers)
			}()
			pages, err := pool.DownloadAll(context.Background(), web.NewSite(fine).NewSession, fakeserver.SitesN(fine.URL, 20), workers)
			<-beside

			Expect(err).NotTo(HaveOccurred(),
				"this call's server answered every request, but it returned an error (from another call, made before\n"+
					"or at the same time?): keep the first error, the cancel and the jobs in variables of the call, not\n"+
					"of the package")
			Expect(done(pages)).To(HaveLen(20), "every page of this call is downloaded, whatever another call does")
			var httpErr *web.HTTPError
			Expect(errors.As(failErr, &httpErr)).To(BeTrue(), "the call beside it gets its own 500; got %v", failErr)
			Expect(failErr).To(MatchError(ContainSubstring(faultedURL(fails))), "the call beside it names its own failed URL")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 6: bad input", func() {
	It("rejects zero or negative workers even for an empty list", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			for _, w := range []int{0, -1} {
				pages, err := pool.DownloadAll(context.Background(), site.NewSession, nil, w)
				Expect(err).To(MatchError(ContainSubstring("workers")),
					"workers = %d is an error that names the argument, whatever the list holds: a pool of %d workers\n"+
						"could download nothing (check workers < 1 before anything else)", w, w)
				Expect(pages).To(BeNil(), fmt.Sprintf("workers = %d: nothing was run, so there is no partial result", w))
			}
			Expect(site.SessionsMade()).To(BeZero(), "check the arguments before starting workers")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
