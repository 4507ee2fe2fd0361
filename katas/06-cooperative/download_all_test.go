package cooperative_test

import (
	"context"
	"errors"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/sitespec"
	"github.com/concurrency-katas/go-katas/harness/web"
	cooperative "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

// downloadAll runs DownloadAll in a task of a new loop, on virtual time, and
// returns what it returned and how long it took.
func downloadAll(newSession func() *web.Session, urls []string) ([]cooperative.Result, error, time.Duration) {
	GinkgoHelper()
	var l loop.Loop
	var results []cooperative.Result
	var err error
	spawn(&l, "main", func(t *loop.Task) error {
		results, err = cooperative.DownloadAll(t, newSession, urls)
		return nil
	})
	start := time.Now()
	Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
	return results, err, time.Since(start)
}

var _ = Describe("Task 2: DownloadAll", func() {
	It("downloads the 160 sites: one result per URL, in input order", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			results, err, _ := downloadAll(site.NewSession, urls)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200 and nothing stops the loop: no error")
			Expect(results).To(HaveLen(len(urls)), "one Result per URL")
			for i, r := range results {
				Expect(r).To(Equal(cooperative.Result{URL: urls[i], Size: sitespec.PageSize(urls[i])}), "results[%d] must be the result of urls[%d]", i, i)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("gathers: all 160 requests in flight at once, done in exactly one latency", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			_, err, took := downloadAll(site.NewSession, fakeserver.Sites(srv.URL))
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200 and nothing stops the loop: no error")
			Expect(srv.Stats()).To(match.HavePeakInFlight(fakeserver.SiteCount),
				"start EVERY request before awaiting ANY: a task per URL, spawned first, awaited after.\n"+
					"Awaiting each request before beginning the next is the sequential trap: the loop has\n"+
					"nothing else to run while it waits (README, \"Gather\")")
			Expect(took).To(match.TakeExactly(latency),
				"160 requests waiting together take one latency; one after another they take 160 (README, \"Gather\")")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("shares one session between all its tasks", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			_, err, _ := downloadAll(site.NewSession, fakeserver.Sites(srv.URL))
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200 and nothing stops the loop: no error")
			Expect(srv.Stats()).To(match.HaveUsedSessions(1),
				"on one loop, tasks take turns: they can share ONE session safely, without a lock\n"+
					"(README, \"Why sharing one session is safe\")")
			Expect(site.SessionsMade()).To(Equal(1), "make the session once, in DownloadAll, not in each task")
			Expect(site.SessionsOpen()).To(Equal(0), "close the session before DownloadAll returns (defer session.Close())")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps going when some URLs fail: an error per URL, every other page downloaded", func(SpecContext) {
		// Every small page is answered 500; the big ones answer after one latency.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			results, err, took := downloadAll(site.NewSession, urls)
			Expect(err).NotTo(HaveOccurred(),
				"a failed URL is not a failed gather: like asyncio.gather(..., return_exceptions=True), put each\n"+
					"error in its URL's Result and go on (README, \"Gather\")")
			Expect(results).To(HaveLen(len(urls)), "one Result per URL, failed or not")
			failed := 0
			for i, r := range results {
				Expect(r.URL).To(Equal(urls[i]), "results[%d] must be the result of urls[%d], failed or not", i, i)
				if r.Err != nil {
					failed++
					Expect(r.Err).To(MatchError(ContainSubstring(urls[i])), "results[%d].Err must name its URL", i)
					continue
				}
				Expect(i%2).To(BeZero(), "every small page was answered 500: results[%d] must carry an error", i)
				Expect(r.Size).To(Equal(fakeserver.BigSize), "results[%d] is a big page, downloaded whole", i)
			}
			Expect(failed).To(Equal(80), "the 80 small pages were answered 500, and only they failed")
			var httpErr *web.HTTPError
			Expect(errors.As(results[1].Err, &httpErr)).To(BeTrue(), "keep the Session's error (wrap with %%w)")
			Expect(srv.Stats().Requests).To(Equal(160), "every URL was requested: no error stops the others")
			Expect(took).To(match.TakeExactly(latency), "160 requests waiting together, failed or not, take one latency (README, \"Gather\")")
		}, faultySmallPages(fakeserver.StatusFault))
	}, SpecTimeout(harness.SpecTimeout))

	It("stops with the loop: when it returns, every unfinished Result carries the loop's error", func(SpecContext) {
		// Every small page hangs; the big ones answer after one latency.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 10)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()

			var l loop.Loop
			var atReturn []cooperative.Result // a copy taken at the instant DownloadAll returned
			var err error
			spawn(&l, "main", func(t *loop.Task) error {
				var results []cooperative.Result
				results, err = cooperative.DownloadAll(t, site.NewSession, urls)
				atReturn = slices.Clone(results)
				return nil
			})
			Expect(l.Run(ctx)).To(MatchError(context.DeadlineExceeded), "the loop stopped at its deadline, and Run reports it")
			Expect(err).To(MatchError(context.DeadlineExceeded), "the loop stopped: DownloadAll's error says so (wrapping the context's)")
			Expect(atReturn).To(HaveLen(len(urls)), "every URL has a Result, finished or not")
			for i, r := range atReturn {
				Expect(r.URL).To(Equal(urls[i]), "results[%d] must be the result of urls[%d], finished or not", i, i)
				if i%2 == 0 {
					Expect(r.Err).NotTo(HaveOccurred(), "results[%d]: the big pages were answered before the deadline", i)
					continue
				}
				Expect(r.Err).To(MatchError(context.DeadlineExceeded),
					"results[%d] was not finished when DownloadAll returned, and carried no error then: before returning,\n"+
						"put the loop's error in every unfinished Result (README, \"Stopping\")", i)
				Expect(r.Err).To(MatchError(ContainSubstring(urls[i])), "results[%d].Err must name its URL", i)
			}
		}, faultySmallPages(fakeserver.HangFault))
	}, SpecTimeout(harness.SpecTimeout))

	It("gives every URL its Result, URL set and error naming it, also when the loop stops before its task has run", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 3)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()

			var l loop.Loop
			var results []cooperative.Result
			var err error
			spawn(&l, "main", func(t *loop.Task) error {
				results, err = cooperative.DownloadAll(t, site.NewSession, urls)
				return nil
			})
			// Ready after main and before the download tasks main spawns: the
			// loop stops before any of them has run.
			spawn(&l, "cancel", func(*loop.Task) error { cancel(); return nil })
			Expect(l.Run(ctx)).To(MatchError(context.Canceled), "the loop was cancelled, and Run reports it")
			Expect(err).To(MatchError(context.Canceled), "the loop stopped: DownloadAll's error says so (wrapping the context's)")
			Expect(results).To(HaveLen(len(urls)), "every URL has a Result, whether its task ran or not")
			for i, r := range results {
				Expect(r.URL).To(Equal(urls[i]),
					"results[%d].URL must be urls[%d] although its task never ran (the loop stopped first): set each\n"+
						"Result's URL in DownloadAll, before spawning its task, not inside the task. See README, \"Stopping\"", i, i)
				Expect(r.Err).To(MatchError(ContainSubstring(urls[i])), "results[%d].Err must name its URL", i)
			}
			Expect(srv.Stats().Requests).To(BeZero(), "the loop stopped before any download task ran: no request")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with no request, and a nil session maker with an error", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			results, err, _ := downloadAll(site.NewSession, nil)
			Expect(err).NotTo(HaveOccurred(), "nothing to download is not an error")
			Expect(results).To(BeEmpty(), "no URL, no Result")
			_, err, _ = downloadAll(nil, fakeserver.SitesN(srv.URL, 2))
			Expect(err).To(MatchError(ContainSubstring("newSession")), "name the argument that is wrong")
			Expect(srv.Stats().Requests).To(BeZero(), "no URL, or no session maker: no request")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
