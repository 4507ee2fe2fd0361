package cooperative_test

import (
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
	cooperative "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

var _ = Describe("Task 3: Download", func() {
	It("runs the whole download on a loop of its own, over real loopback", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(5 * time.Millisecond))
		urls := fakeserver.SitesN(srv.URL, 20)

		results, err := cooperative.Download(ctx, site.NewSession, urls)
		Expect(err).NotTo(HaveOccurred(), "every page is answered 200 and ctx does not end: no error")
		Expect(results).To(HaveLen(20), "one Result per URL")
		for i, r := range results {
			Expect(r.Err).NotTo(HaveOccurred(), "results[%d]: every page is answered 200", i)
			Expect(r.URL).To(Equal(urls[i]), "results[%d] must be the result of urls[%d]", i, i)
			Expect(r.Size).To(BeNumerically(">", 0), "results[%d] has the size of its page", i)
		}
		Expect(site.SessionsMade()).To(Equal(1), "one session for the whole run")
		Expect(site.SessionsOpen()).To(Equal(0), "closed before Download returns")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs side by side with another Download: each its own session, its own requests, its session closed", func(SpecContext) {
		harness.Virtual(func() {
			var (
				sites   [2]*web.Site
				urls    [2][]string
				results [2][]cooperative.Result
				errs    [2]error
			)
			for k := range sites {
				srv := fakeserver.NewInMemory(fakeserver.WithLatency(latency))
				defer srv.Close()
				sites[k], urls[k] = web.NewSite(srv), fakeserver.SitesN(srv.URL, 10)
			}
			var wg sync.WaitGroup
			for k := range sites {
				wg.Go(func() {
					defer GinkgoRecover()
					results[k], errs[k] = cooperative.Download(context.Background(), sites[k].NewSession, urls[k])
				})
			}
			wg.Wait()

			for k, site := range sites {
				Expect(errs[k]).NotTo(HaveOccurred(), "Download %d: its server answers every request", k)
				Expect(results[k]).To(HaveLen(10), "Download %d: one Result per URL", k)
				for i, r := range results[k] {
					Expect(r.Err).NotTo(HaveOccurred(), "Download %d: results[%d]", k, i)
				}
				Expect(site.Server().Stats().Requests).To(Equal(10),
					"Download %d's server must see its 10 requests, no more, no fewer: a request of one Download went\n"+
						"through the other's session. The session belongs to the call: keep it in a variable of\n"+
						"DownloadAll, not of the package, which every Download running at once shares", k)
				Expect(site.SessionsMade()).To(Equal(1), "Download %d: one session for its run", k)
				Expect(site.SessionsOpen()).To(Equal(0),
					"Download %d's session was still open when both had returned: the other Download closed a session\n"+
						"that was not its own (one kept in a package variable), and this one was never closed. See README,\n"+
						"\"Task 2: DownloadAll\"", k)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("stops when the context is cancelled mid-run, and reports the partial results as such", func(SpecContext) {
		// Every small page hangs; the big ones answer after one latency.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 10)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()

			start := time.Now()
			results, err := cooperative.Download(ctx, site.NewSession, urls)
			Expect(err).To(MatchError(context.DeadlineExceeded), "the context's error comes back (wrapped is fine)")
			Expect(time.Since(start)).To(match.TakeExactly(time.Second), "stop at the deadline")
			Expect(results).To(HaveLen(10), "every URL has a Result, finished or not")
			for i, r := range results {
				Expect(r.URL).To(Equal(urls[i]), "results[%d] must be the result of urls[%d], finished or not", i, i)
				if i%2 == 0 {
					Expect(r.Err).NotTo(HaveOccurred(), "the big pages were answered before the deadline")
					Expect(r.Size).To(Equal(fakeserver.BigSize), "results[%d] is a big page, downloaded whole", i)
				} else {
					Expect(r.Err).To(MatchError(context.DeadlineExceeded),
						"an unfinished URL's Result says why it has no page: the deadline (README, \"Stopping\")")
				}
			}
		}, faultySmallPages(fakeserver.HangFault))
	}, SpecTimeout(harness.SpecTimeout))

	It("returns the context's error, and makes no request, when the context is done before it starts", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()

			_, err := cooperative.Download(ctx, site.NewSession, fakeserver.SitesN(srv.URL, 4))
			Expect(err).To(MatchError(context.Canceled),
				"ctx was done before the loop ran a task: Run said so, and DownloadAll never ran. Return Run's error\n"+
					"when it fails, not only DownloadAll's (README, \"Task 3: Download\")")
			Expect(srv.Stats().Requests).To(BeZero(), "a context already done: no request")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil context and a nil session maker before any request", func(ctx SpecContext) {
		srv, site := newLoopbackSite()
		urls := fakeserver.SitesN(srv.URL, 2)

		_, err := cooperative.Download(nil, site.NewSession, urls) //nolint:staticcheck // the bad input under test
		Expect(err).To(MatchError(ContainSubstring("ctx")), "name the argument that is wrong")
		_, err = cooperative.Download(ctx, nil, urls)
		Expect(err).To(MatchError(ContainSubstring("newSession")), "name the argument that is wrong")
		Expect(srv.Stats().Requests).To(BeZero(), "check the arguments before any request")
	}, SpecTimeout(harness.SpecTimeout))
})
