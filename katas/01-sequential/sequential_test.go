package sequential_test

import (
	"context"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/sitespec"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/01-sequential"
)

// latency is the fake server's latency on virtual time: long, as the real
// sites were, and free, since virtual time costs no real time.
const latency = 100 * time.Millisecond

// onVirtualSite runs body on virtual time (harness.Virtual) with a fresh
// in-memory fake server at the kata's latency and the Site on it that
// DownloadAll makes its Session from. opts are added after the latency
// (faults, say): they follow the body, as an It's decorators follow its
// body. The server is closed when body returns, inside the bubble, where it
// was made.
func onVirtualSite(body func(srv *fakeserver.Server, site *web.Site), opts ...fakeserver.Option) {
	harness.Virtual(func() {
		srv := fakeserver.NewInMemory(append([]fakeserver.Option{fakeserver.WithLatency(latency)}, opts...)...)
		defer srv.Close()
		body(srv, web.NewSite(srv))
	})
}

// newLoopbackSite starts a fake server on real loopback (fakeserver.New)
// with opts, and returns it with the Site on it that DownloadAll makes its
// Session from. The server is closed when the spec ends (DeferCleanup).
func newLoopbackSite(opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := fakeserver.New(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

var _ = Describe("Task 1: DownloadSite", func() {
	// The specs every kata's DownloadSite meets (the size of a page, errors
	// that name the URL, the context's deadline, every body finished) are
	// shared with the katas that bring it along: see harness/sitespec.
	sitespec.Specs(sequential.DownloadSite, sitespec.Kata{README: "Task 1", ContextREADME: "The context", TrackedBodies: true})

	It("leaves the session open: the caller owns it", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(0))
		session := site.NewSession()
		DeferCleanup(session.Close)

		_, err := sequential.DownloadSite(ctx, session, srv.URL+fakeserver.SmallPath)
		Expect(err).NotTo(HaveOccurred(), "a page the server answers 200 is no error")
		Expect(site.SessionsOpen()).To(Equal(1),
			"DownloadSite closed the session it was given: the caller made it and closes it (DownloadAll downloads 160 pages\n"+
				"through one session). Close the response body, not the session. See the README, \"Task 1\".")
		_, err = sequential.DownloadSite(ctx, session, srv.URL+fakeserver.BigPath)
		Expect(err).NotTo(HaveOccurred(), "the session must still work for the next page")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 2: DownloadAll", func() {
	It("downloads the 160 sites in input order", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			pages, err := sequential.DownloadAll(context.Background(), site.NewSession, urls, io.Discard)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			Expect(srv.Stats()).To(match.HaveRequestedInOrder(urls))
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL")
			for i, p := range pages {
				Expect(p).To(Equal(sequential.Page{URL: urls[i], Size: sitespec.PageSize(urls[i])}), "pages[%d] must be the page of urls[%d]", i, i)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("uses one session and one connection, one request at a time", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			_, err := sequential.DownloadAll(context.Background(), site.NewSession, fakeserver.Sites(srv.URL), io.Discard)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			stats := srv.Stats()
			Expect(stats).To(match.HaveUsedSessions(1))
			Expect(stats).To(match.HaveOpenedConnections(1))
			Expect(stats).To(match.HavePeakInFlight(1))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("takes exactly 160 × the latency on virtual time", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			start := time.Now()
			_, err := sequential.DownloadAll(context.Background(), site.NewSession, fakeserver.Sites(srv.URL), io.Discard)
			Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
			Expect(time.Since(start)).To(match.TakeExactly(160*latency), "one request after another: 160 × %v, nothing overlapped, nothing else waited for", latency)
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("writes a Read line per site over real loopback, and closes its session", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(time.Millisecond))
		urls := fakeserver.SitesN(srv.URL, 4)

		var out strings.Builder
		_, err := sequential.DownloadAll(ctx, site.NewSession, urls, &out)
		Expect(err).NotTo(HaveOccurred(), "every page is answered 200: no error")
		Expect(out.String()).To(Equal(
			"Read 10282 from "+urls[0]+"\n"+
				"Read 275 from "+urls[1]+"\n"+
				"Read 10282 from "+urls[2]+"\n"+
				"Read 275 from "+urls[3]+"\n"), "one line per page, as the original printed: Read <size> from <url>")
		Expect(site.SessionsMade()).To(Equal(1), "make one session for the whole run")
		Expect(site.SessionsOpen()).To(Equal(0), "close the session before returning (defer session.Close())")
	}, SpecTimeout(harness.SpecTimeout))

	It("stops at the first error, returns the pages read so far and names the URL", func(SpecContext) {
		// The server answers the fifth request 500.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			pages, err := sequential.DownloadAll(context.Background(), site.NewSession, urls, io.Discard)
			Expect(err).To(MatchError(ContainSubstring(urls[4])), "the error must name the URL that failed")
			Expect(pages).To(HaveLen(4), "the four pages read before the error are returned, not lost")
			Expect(srv.Stats().Requests).To(Equal(5), "no request may follow the one that failed")
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 5}))
	}, SpecTimeout(harness.SpecTimeout))

	It("writes a Read line only for the pages it read, not for the one that failed", func(SpecContext) {
		// The server answers the third request 500.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 6)

			var out strings.Builder
			_, err := sequential.DownloadAll(context.Background(), site.NewSession, urls, &out)
			Expect(err).To(MatchError(ContainSubstring(urls[2])), "the third request is answered 500: its error must come back")
			Expect(out.String()).To(Equal("Read 10282 from "+urls[0]+"\n"+"Read 275 from "+urls[1]+"\n"),
				"the third page failed: out must hold the lines of the two pages read, and no line for the one that failed.\n"+
					"Check DownloadSite's error before you write the Read line. See the README, \"Task 2\".")
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 3}))
	}, SpecTimeout(harness.SpecTimeout))

	It("stops when the context is cancelled mid-run", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*latency+latency/2)
			defer cancel()
			start := time.Now()
			pages, err := sequential.DownloadAll(ctx, site.NewSession, fakeserver.Sites(srv.URL), io.Discard)
			Expect(err).To(MatchError(context.DeadlineExceeded), "the context's error must come back (wrapped with %%w is fine)")
			Expect(pages).To(HaveLen(10), "ten pages were read before the deadline: return them")
			Expect(time.Since(start)).To(match.TakeExactly(10*latency+latency/2), "stop at the deadline, not at the end of the list")
			Expect(srv.Stats().Requests).To(Equal(11), "ten requests answered, the eleventh cut short by the deadline, no twelfth")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with no request and an empty result", func(ctx SpecContext) {
		srv, site := newLoopbackSite()

		pages, err := sequential.DownloadAll(ctx, site.NewSession, nil, io.Discard)
		Expect(err).NotTo(HaveOccurred(), "nothing to download is not an error")
		Expect(pages).To(BeEmpty(), "no URL, no page")
		Expect(srv.Stats().Requests).To(BeZero(), "no URL, no request")
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil context, a nil session maker and a nil writer with clear errors", func(ctx SpecContext) {
		srv, site := newLoopbackSite()
		urls := fakeserver.SitesN(srv.URL, 2)

		var noCtx context.Context
		_, err := sequential.DownloadAll(noCtx, site.NewSession, urls, io.Discard)
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil context: name the argument that is wrong")
		_, err = sequential.DownloadAll(ctx, nil, urls, io.Discard)
		Expect(err).To(MatchError(ContainSubstring("newSession")), "name the argument that is wrong")
		_, err = sequential.DownloadAll(ctx, site.NewSession, urls, nil)
		Expect(err).To(MatchError(ContainSubstring("out")), "name the argument that is wrong")
		Expect(srv.Stats().Requests).To(BeZero(), "check the arguments before any request")
		Expect(site.SessionsMade()).To(BeZero(), "check the arguments before making a session")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 3: Summary", func() {
	It("formats the closing line of the original program", func(SpecContext) {
		Expect(sequential.Summary(160, 3200*time.Millisecond)).To(Equal("Downloaded 160 sites in 3.20 seconds"),
			"the count, then the seconds with two decimals: fmt.Sprintf(\"Downloaded %%d sites in %%.2f seconds\", sites, elapsed.Seconds())")
		Expect(sequential.Summary(2, 14_312*time.Millisecond)).To(Equal("Downloaded 2 sites in 14.31 seconds"),
			"the count, then the seconds with two decimals (rounded, not cut)")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: CPUBound", func() {
	It("sums exactly, past what a uint64 holds", func(SpecContext) {
		Expect(sequential.CPUBound(5_000_000).String()).To(Equal("41666654166667500000"),
			"41,666,654,166,667,500,000 is larger than a uint64's 18,446,744,073,709,551,615: carry into U128.Hi (math/bits.Add64)")
	}, SpecTimeout(harness.SpecTimeout))

	It("agrees with the closed form n(n-1)(2n-1)/6, and is 0 for n <= 0", func(SpecContext) {
		for _, n := range []int{1, 2, 3, 10, 1000, 6_074_001} {
			Expect(sequential.CPUBound(n)).To(Equal(workload.ClosedForm(n)), "CPUBound(%d)", n)
		}
		Expect(sequential.CPUBound(0)).To(Equal(workload.U128{}), "the sum over no number is 0")
		Expect(sequential.CPUBound(-5)).To(Equal(workload.U128{}), "an empty range sums to 0")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 5: FindSums", func() {
	It("computes every sum of the workload, in order", func(ctx SpecContext) {
		numbers := workload.CPUNumbers()
		sums, err := sequential.FindSums(ctx, numbers)
		Expect(err).NotTo(HaveOccurred(), "nothing cancels this run: no error")
		Expect(sums).To(HaveLen(len(numbers)), "one sum per number")
		for i, n := range numbers {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n)), "sums[%d] is CPUBound(%d)", i, n)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("computes nothing on a context already cancelled, and answers an empty list or a nil context clearly", func(ctx SpecContext) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		sums, err := sequential.FindSums(cancelled, []int{10, 20})
		Expect(err).To(MatchError(context.Canceled), "check ctx.Err() before each number, the first one too, and return it")
		Expect(sums).To(BeEmpty(), "the context was cancelled before the first number: no sum")

		empty, err := sequential.FindSums(ctx, nil)
		Expect(err).NotTo(HaveOccurred(), "an empty list is not an error")
		Expect(empty).To(BeEmpty(), "no number, no sum")

		var noCtx context.Context
		_, err = sequential.FindSums(noCtx, []int{10})
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil context: name the argument that is wrong (ctx.Err() on a nil ctx would panic)")
	}, SpecTimeout(harness.SpecTimeout))

	It("stops between numbers when the context is cancelled mid-run, and returns the sums done so far", func(ctx SpecContext) {
		// The context cancels itself the 4th time it is asked whether it is
		// done (Err or Done): mid-run, at a point the spec sets, no clock.
		run := newCountdownContext(ctx, 4)
		numbers := []int{10, 20, 30, 40, 50, 60, 70, 80}
		sums, err := sequential.FindSums(run, numbers)
		Expect(err).To(MatchError(context.Canceled), "the context was cancelled mid-run: return its error (wrapped with %%w is fine)")
		Expect(len(sums)).To(BeNumerically("<", len(numbers)),
			"the context was cancelled after a few numbers, yet every sum was computed: check ctx.Err() before EACH number, not once before the loop")
		Expect(sums).NotTo(BeEmpty(), "the sums computed before the cancel are the partial result: return them with the error")
		for i, s := range sums {
			Expect(s).To(Equal(workload.ClosedForm(numbers[i])), "sums[%d] is CPUBound(%d): the partial result is a prefix, in order", i, numbers[i])
		}
	}, SpecTimeout(harness.SpecTimeout))
})
