package pool_test

import (
	"context"
	"errors"
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

var _ = Describe("Task 5: the first error, and cancellation", func() {
	It("returns the first error with its URL, reports the partial results and cancels the rest", func(SpecContext) {
		// The 12th request fails: it is in the third round (requests 11 to 15,
		// sent at 2 × latency), so it fails at 3 × latency.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			start := time.Now()
			pages, err := pool.DownloadAll(context.Background(), site.NewSession, urls, workers)
			elapsed := time.Since(start)

			Expect(site.SessionsOpen()).To(BeZero(), "every worker must have ended and closed its session before DownloadAll returns, even after an error: wait for them (wg.Wait)")
			bad := faultedURL(srv)
			Expect(bad).NotTo(BeEmpty(), "the server answered no request with 500: the run ended before its 12th request, with the error %v\n(\"Session used by two goroutines at once\" means the workers share a Session; see README, \"One session per worker\")", err)
			Expect(err).To(MatchError(ContainSubstring(bad)), "return the first error: the one that names the URL the server answered 500")
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(), "the first error is the 500 (*web.HTTPError), not a cancellation it caused in another worker")

			Expect(srv.Stats().Requests).To(BeNumerically("<=", 3*workers+workers),
				"the rest of the work must be cancelled: after the error, no new request may start: at most the round in flight (%d requests) and one request per worker that raced with the cancel (%d)", 3*workers, workers)
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, downloaded or not: the partial result")
			for i, p := range pages {
				Expect(p.URL).To(Equal(urls[i]), "pages[%d].URL is urls[%d], downloaded or not", i, i)
				if p.Done {
					Expect(p.Size).To(Equal(sitespec.PageSize(p.URL)), "a Done page has its size")
				} else {
					Expect(p.Size).To(BeZero(), "a page not downloaded has Size 0 and Done false")
				}
				if p.URL == bad {
					Expect(p.Done).To(BeFalse(), "the page that failed is not Done")
				}
			}
			Expect(len(done(pages))).To(BeNumerically(">=", 2*workers), "the first two rounds (%d pages) were downloaded before the error: report them as Done", 2*workers)
			Expect(len(done(pages))).To(BeNumerically("<", 3*workers), "only pages of the first three rounds can be Done, and not the one that failed")

			Expect(elapsed).To(match.TakeExactly(3*latency), "the run stops when the error happens: the requests still in flight are cancelled, not waited for")
		}, faultAt(fakeserver.StatusFault, 12))
	}, SpecTimeout(harness.SpecTimeout))

	It("stops every worker at once when the context's deadline passes mid-run", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			deadline := 10*latency + latency/2
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			pages, err := pool.DownloadAll(ctx, site.NewSession, urls, workers)

			Expect(err).To(MatchError(context.DeadlineExceeded), "the context's error must come back (wrapped with %%w is fine): pass ctx to every request")
			Expect(time.Since(start)).To(match.TakeExactly(deadline), "stop at the deadline: the 5 requests in flight are cancelled, not finished")
			Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns")
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, downloaded or not")
			Expect(done(pages)).To(HaveLen(10*workers), "ten rounds of %d pages were downloaded before the deadline: report them as Done", workers)
			for _, p := range done(pages) {
				Expect(p.Size).To(Equal(sitespec.PageSize(p.URL)), "a Done page has its size")
			}
			Expect(srv.Stats().Requests).To(Equal(11*workers), "eleven rounds were started; the eleventh was cancelled; no more may start")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("gives up on a server that never answers when the deadline passes", func(SpecContext) {
		// The server never answers.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			pages, err := pool.DownloadAll(ctx, site.NewSession, fakeserver.SitesN(srv.URL, 10), workers)

			Expect(err).To(MatchError(context.DeadlineExceeded), "the server never answers: the deadline's error must come back (wrapped with %%w is fine)")
			Expect(time.Since(start)).To(match.TakeExactly(3*time.Second), "give up at the deadline, not later")
			Expect(done(pages)).To(BeEmpty(), "no page was downloaded")
			Expect(srv.Stats().Requests).To(Equal(workers), "each worker sent one request, which never came back")
			Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns, even when the run gives up")
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
	}, SpecTimeout(harness.SpecTimeout))

	It("returns an error naming the URL when the connection is reset", func(SpecContext) {
		// The server resets the connection of the third request.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			pages, err := pool.DownloadAll(context.Background(), site.NewSession, fakeserver.SitesN(srv.URL, 10), workers)
			bad := faultedURL(srv)
			Expect(bad).NotTo(BeEmpty(), "the server reset no connection (a harness problem, not yours)")
			Expect(err).To(MatchError(ContainSubstring(bad)), "the error must name the URL whose connection was reset")
			Expect(pages).To(HaveLen(10), "one Page per URL, downloaded or not: the partial result")
			Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns, even after an error")
		}, faultAt(fakeserver.ResetFault, 3))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 6: bad input", func() {
	It("rejects zero or negative workers, a nil context and a nil session maker, before any request", func(ctx SpecContext) {
		srv, site := newLoopbackSite()
		urls := fakeserver.SitesN(srv.URL, 4)

		for _, w := range []int{0, -3} {
			pages, err := downloadAll(ctx, srv, site.NewSession, urls, w)
			Expect(err).To(MatchError(ContainSubstring("workers")), "workers = %d: name the argument that is wrong", w)
			Expect(pages).To(BeNil(), "workers = %d: nothing was run, so there is no partial result", w)
		}
		var noCtx context.Context
		_, err := downloadAll(noCtx, srv, site.NewSession, urls, workers)
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil context: name the argument that is wrong")
		_, err = downloadAll(ctx, srv, nil, urls, workers)
		Expect(err).To(MatchError(ContainSubstring("newSession")), "a nil session maker: name the argument that is wrong")

		Expect(srv.Stats().Requests).To(BeZero(), "check the arguments before any request")
		Expect(site.SessionsMade()).To(BeZero(), "check the arguments before starting workers")
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with no request, no session and an empty result", func(ctx SpecContext) {
		srv, site := newLoopbackSite()

		pages, err := downloadAll(ctx, srv, site.NewSession, nil, workers)
		Expect(err).NotTo(HaveOccurred(), "nothing to download is not an error")
		Expect(pages).To(BeEmpty(), "no URL, no page")
		Expect(srv.Stats().Requests).To(BeZero(), "no URL, no request")
		Expect(site.SessionsMade()).To(BeZero(), "no URL, no worker: start min(workers, len(urls)) workers")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns an error naming a malformed URL, and closes every session", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 8)
			urls[2] = "::not a url"

			pages, err := pool.DownloadAll(context.Background(), site.NewSession, urls, workers)
			Expect(err).To(MatchError(ContainSubstring("::not a url")), "the error must name the URL that is wrong")
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, downloaded or not: the partial result")
			Expect(pages[2].Done).To(BeFalse(), "the malformed URL was not downloaded")
			Expect(site.SessionsOpen()).To(BeZero(), "every worker closes its session before DownloadAll returns, even after an error")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("makes no request when the context is already cancelled", func(ctx SpecContext) {
		srv, site := newLoopbackSite()
		cancelled, cancel := context.WithCancel(ctx)
		cancel()

		pages, err := downloadAll(cancelled, srv, site.NewSession, fakeserver.SitesN(srv.URL, 10), workers)
		Expect(err).To(MatchError(context.Canceled), "the context was cancelled before the start: its error must come back")
		Expect(done(pages)).To(BeEmpty(), "no page can be downloaded on a cancelled context")
		Expect(srv.Stats().Requests).To(BeZero(), "a context cancelled before the start stops the run before any request")
		Expect(site.SessionsOpen()).To(BeZero(), "every session made is closed before DownloadAll returns")
	}, SpecTimeout(harness.SpecTimeout))
})
