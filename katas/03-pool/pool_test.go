package pool_test

import (
	"context"
	"fmt"
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

var _ = Describe("Task 1: DownloadSite", func() {
	// Kata 01's DownloadSite, brought along, meets kata 01's specs: they are
	// shared with every kata that brings it (harness/sitespec).
	sitespec.Specs(pool.DownloadSite, sitespec.Kata{
		README: "Task 1", ContextREADME: "Stopping: the first error, and the caller's context", TrackedBodies: true,
	})
})

var _ = Describe("Task 2: a bounded pool", func() {
	for _, c := range []struct{ urls, workers int }{{160, workers}, {20, 3}, {160, 1}} {
		It(fmt.Sprintf("keeps %d requests in flight for %d URLs with %d workers: never more, and that many at once", c.workers, c.urls, c.workers), func(SpecContext) {
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				pages, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, c.urls), c.workers)
				Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
				Expect(done(pages)).To(HaveLen(c.urls), everyPageDone)
				Expect(srv.Stats()).To(match.HavePeakInFlight(c.workers), "a pool of %d workers has %d requests in flight at once", c.workers, c.workers)
			})
		}, SpecTimeout(harness.SpecTimeout))
	}

	for _, c := range []struct{ urls, workers int }{{160, workers}, {13, workers}, {160, 160}} {
		rounds := ceilDiv(c.urls, c.workers)
		It(fmt.Sprintf("takes exactly ⌈%d/%d⌉ = %d × the latency on virtual time", c.urls, c.workers, rounds), func(SpecContext) {
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				start := time.Now()
				_, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, c.urls), c.workers)
				Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
				Expect(time.Since(start)).To(match.TakeExactly(time.Duration(rounds)*latency),
					"%d workers make %d rounds of requests for %d URLs, each round one latency long", c.workers, rounds, c.urls)
			})
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("downloads every page over real loopback, and closes every session before returning", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(time.Millisecond))
		urls := fakeserver.SitesN(srv.URL, 20)

		pages, err := downloadAll(ctx, srv, site.NewSession, urls, workers)
		Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
		Expect(done(pages)).To(HaveLen(20), everyPageDone)
		Expect(srv.Stats().Requests).To(Equal(20), "one request per URL")
		Expect(site.SessionsMade()).To(Equal(workers), "one session per worker")
		Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns (defer session.Close() in the worker)")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 3: one session per worker", func() {
	It("gives each worker its own session, used by one request at a time", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			_, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.Sites(srv.URL), workers)
			Expect(err).NotTo(HaveOccurred(), "if the error says \"Session used by two goroutines at once\", workers share a Session")
			stats := srv.Stats()
			Expect(stats).To(match.UseEachSessionOneAtATime(), "a Session belongs to one worker")
			Expect(stats).To(match.HaveUsedSessions(workers), "one session per worker, made once when the worker starts")
			Expect(stats).To(match.HaveOpenedConnections(workers), "each worker's session reuses its one connection")
			Expect(site.SessionsMade()).To(Equal(workers), "make each worker's session once, not once per URL")
			Expect(site.SessionsOpen()).To(BeZero(), "each worker closes its session when it ends")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("calls newSession from the workers as they start, all at once: five slow newSession calls cost one latency, not five", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			slowSession := func() *web.Session {
				time.Sleep(latency) // making a session takes as long as a request
				return site.NewSession()
			}
			urls := fakeserver.SitesN(srv.URL, 40)
			start := time.Now()
			_, err := pool.DownloadAll(context.Background(), slowSession, urls, workers)
			Expect(err).NotTo(HaveOccurred())
			rounds := ceilDiv(len(urls), workers)
			Expect(time.Since(start)).To(match.TakeExactly(time.Duration(1+rounds)*latency),
				"each newSession call takes one latency here: %d workers that each make their own when they start make\n"+
					"them side by side (1 latency), then download %d rounds. %d latencies more mean the sessions were made one\n"+
					"after another, by DownloadAll before it started the workers: call newSession inside each worker's\n"+
					"goroutine (README, \"One session per worker\")", workers, rounds, workers-1)
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("starts no more workers than there are URLs", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			start := time.Now()
			pages, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, 3), 10)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			Expect(done(pages)).To(HaveLen(3), everyPageDone)
			Expect(site.SessionsMade()).To(Equal(3), "3 URLs need only 3 workers: start min(workers, len(urls)), each with one session")
			Expect(srv.Stats()).To(match.HavePeakInFlight(3), "3 URLs, 3 workers: all 3 at once")
			Expect(time.Since(start)).To(match.TakeExactly(latency), "3 requests at once take one latency")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: results in input order", func() {
	It("returns each page at its URL's index, though they finish in another order", func(SpecContext) {
		// The server's jitter makes the requests finish out of order.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 40)

			pages, err := pool.DownloadAll(context.Background(), site.NewSession, urls, workers)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			stats := srv.Stats()
			Expect(finishOrder(stats)).NotTo(Equal(stats.Order()),
				"the server's jitter should make requests finish out of order; if they did not, this spec proves nothing (a harness problem, not yours)")
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL")
			for i, url := range urls {
				Expect(pages[i]).To(Equal(pool.Page{URL: url, Size: sitespec.PageSize(url), Done: true}),
					"pages[%d] must be the page of urls[%d], as executor.map keeps the input order: write each result at its URL's index", i, i)
			}
		}, fakeserver.WithJitter(latency, 3))
	}, SpecTimeout(harness.SpecTimeout))
})
