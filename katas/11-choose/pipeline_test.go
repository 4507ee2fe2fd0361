package choose_test

import (
	"context"
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

var _ = Describe("Task 2: Run", func() {
	It("downloads and digests every page, in the order of the URLs, whatever order they arrive in", func(SpecContext) {
		// Jitter makes requests finish out of the order they started in.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)

			pages, err := choose.Run(context.Background(), site.NewSession, urls, choose.Plan{Downloaders: 8, Digesters: 2}, cheap)
			Expect(err).NotTo(HaveOccurred())
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL")
			for i, p := range pages {
				body := bodyOf(urls[i])
				Expect(p).To(Equal(choose.Page{URL: urls[i], Size: len(body), Digest: cheap(body), Done: true}),
					"pages[%d] must be the page of urls[%d]: put each result at its URL's index (README, \"Order\")", i, i)
			}
		}, fakeserver.WithJitter(latency, 7))
	}, SpecTimeout(harness.SpecTimeout))

	It("works over real loopback, with no more sessions than downloaders, all closed", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(time.Millisecond))
		urls := fakeserver.SitesN(srv.URL, 40)

		pages, err := choose.Run(ctx, site.NewSession, urls, choose.Plan{Downloaders: 4, Digesters: 2}, cheap)
		Expect(err).NotTo(HaveOccurred())
		Expect(done(pages)).To(HaveLen(len(urls)), "every page is Done")
		Expect(site.SessionsMade()).To(And(BeNumerically(">=", 1), BeNumerically("<=", 4)),
			"one Session per downloader (or one Session with Begin): never one per request (README, \"Sessions\")")
		Expect(site.SessionsOpen()).To(BeZero(), "close every Session before Run returns")
	}, SpecTimeout(loopbackTimeout))
})

var _ = Describe("Task 3: the I/O stage", func() {
	It("keeps exactly Downloaders requests in flight and takes ⌈160 ÷ Downloaders⌉ latencies on virtual time", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)
			plan := choose.Plan{Downloaders: 8, Digesters: 2}

			_, elapsed, err := runTimed(context.Background(), site, urls, plan, cheap)
			Expect(err).NotTo(HaveOccurred())
			st := srv.Stats()
			Expect(st).To(match.HavePeakInFlight(plan.Downloaders))
			Expect(len(st.Sessions)).To(And(BeNumerically(">=", 1), BeNumerically("<=", plan.Downloaders)),
				"the server saw %d sessions for %d downloaders: one Session per downloader (or one with Begin), never one per request (README, \"Sessions\")", len(st.Sessions), plan.Downloaders)
			Expect(site.SessionsOpen()).To(BeZero(), "close every Session before Run returns")
			Expect(elapsed).To(match.TakeExactly(time.Duration(ceilDiv(len(urls), plan.Downloaders))*latency),
				"the digests take no virtual time: the run is as long as its downloads, 20 rounds of 8 requests")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps Downloaders requests in flight until the last URL is taken, when the requests take uneven times", func(SpecContext) {
		// Each request takes the latency plus up to 4 latencies more, so the
		// requests of one round end at different times: a downloader that
		// waits for the others (or for anything but its own request) leaves
		// a gap the server sees. 100 downloaders: more than any cap by the
		// number of cores or processors.
		for _, plan := range []choose.Plan{{Downloaders: 16, Digesters: 2}, {Downloaders: 100, Digesters: 2}} {
			onVirtualSite(func(srv *fakeserver.Server, _ *web.Site) {
				// Each session's Close takes 1 ms: a downloader still closing
				// its session when Run returns leaves it open at the return.
				site := web.NewSite(srv, web.CloseTakes(time.Millisecond))
				_, _, err := runTimed(context.Background(), site, fakeserver.Sites(srv.URL), plan, cheap)
				Expect(err).NotTo(HaveOccurred())
				Expect(site.SessionsOpen()).To(BeZero(),
					"at the instant Run returned, %d Session(s) were still open. Each Close takes 1 ms here: a downloader\n"+
						"that calls Done before its deferred session.Close() is still closing when Wait returns (defer\n"+
						"Done first, so that it runs last, or use wg.Go). See the README, \"Sessions\".", site.SessionsOpen())
				fewest, at := fewestInFlight(srv.Stats().Spans)
				Expect(fewest).To(Equal(plan.Downloaders),
					"Downloaders = %d: %v after the first request, with URLs still to take, the server had only %d request(s) in flight.\n"+
						"A downloader whose request has ended hands the body over and takes the next URL at once. Fewer\n"+
						"in flight means downloaders waited: for one another (a round at a time, a WaitGroup per batch),\n"+
						"for the digests, or for a limit of your own below Downloaders. See the README, \"Pipelines\".",
					plan.Downloaders, at, fewest)
			}, fakeserver.WithJitter(4*latency, 11))
		}
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: the CPU stage and the pipeline", func() {
	It("runs exactly Digesters digests at once", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 16)
			plan := choose.Plan{Downloaders: 16, Digesters: 3}
			atOnce, res := runHeld(site, urls, plan)

			Expect(res.err).NotTo(HaveOccurred())
			Expect(done(res.pages)).To(HaveLen(len(urls)))
			Expect(atOnce).To(Equal(plan.Digesters), fmt.Sprintf(
				"with 16 pages waiting and Digesters = %d, the CPU stage ran %d digests at once.\n"+
					"Fewer means fewer digester goroutines than asked for (one does all the work: no use of the\n"+
					"other cores); more means a goroutine per page, or digests done by the downloaders: more\n"+
					"goroutines than cores only take turns. Start exactly plan.Digesters goroutines that\n"+
					"receive bodies from one channel (README, \"Which tool for which stage\").", plan.Digesters, atOnce))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("computes its digests in parallel: Go's execution tracer sees min(Digesters, GOMAXPROCS) running at the same moment", func(ctx SpecContext) {
		// Two processors at least, whatever GOMAXPROCS the run was given: with
		// one, a single digester and three look the same to the tracer.
		harness.AtLeastTwoProcs()
		srv, site := newLoopbackSite(fakeserver.WithLatency(time.Millisecond))
		urls := fakeserver.SitesN(srv.URL, 40) // 20 big pages
		plan := choose.Plan{Downloaders: 8, Digesters: 3}
		// About 1 ms of CPU per big page (4 under -race): long enough for
		// digests to overlap, short enough for a very busy machine.
		digest := func(body []byte) uint64 { return workload.Digest(body, workload.DigestRounds/5) }
		var pages []choose.Page
		var err error
		rec, traceErr := cputrace.Record(func() { pages, err = choose.Run(ctx, site.NewSession, urls, plan, digest) })
		Expect(traceErr).NotTo(HaveOccurred(), "this spec records your run with Go's execution tracer, which records one trace at a time:\n"+
			"run it without go test -trace")
		Expect(err).NotTo(HaveOccurred())
		Expect(done(pages)).To(HaveLen(len(urls)), "every page is Done")
		want := min(plan.Digesters, runtime.GOMAXPROCS(0))
		digests := rec.Tasks(workload.DigestRegion)
		goroutines := map[int64]bool{}
		for _, d := range digests {
			goroutines[d.Goroutine] = true
		}
		peak := rec.PeakRunning(workload.DigestRegion)
		Expect(len(digests) == len(urls) && peak == want && len(goroutines) == plan.Digesters).To(BeTrue(), fmt.Sprintf(
			"Expected %d digests (one per page) on exactly %d goroutines (Digesters), with %d running at the same moment:\n"+
				"min(Digesters %d, GOMAXPROCS %d). Go's execution tracer saw %d call(s) of the digest on %d goroutine(s), at most %d\n"+
				"running at once, on %d processor(s). Fewer at once means the digests took turns: one digester, a lock held\n"+
				"around the digest, or digests done one after another after the downloads; a count other than one per page\n"+
				"means pages digested twice or not at all; more goroutines than Digesters means a goroutine per page (even\n"+
				"one that waits for a semaphore, or errgroup's SetLimit): the CPU stage is plan.Digesters long-lived\n"+
				"goroutines that receive bodies from one channel and call digest on each, with nothing shared held\n"+
				"meanwhile (README, \"Which tool for which stage\").",
			len(urls), plan.Digesters, want, plan.Digesters, runtime.GOMAXPROCS(0), len(digests), len(goroutines), peak, len(rec.ProcsUsed(workload.DigestRegion))))
	}, SpecTimeout(harness.SpecTimeout)) // well under 1 s under -race; many seconds on a very busy machine

	It("starts the first digest when the first page arrives, while the other requests are still in flight", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)
			rec := &recorder{}

			start := time.Now()
			_, err := choose.Run(context.Background(), site.NewSession, urls, choose.Plan{Downloaders: 8, Digesters: 2}, rec.digest)
			Expect(err).NotTo(HaveOccurred())
			first, last := rec.first().Sub(start), lastEnd(srv.Stats()).Sub(start)
			Expect(first).To(Equal(latency), fmt.Sprintf(
				"The first page arrived at %v (one latency), the last request ended at %v, and the first\n"+
					"digest started at %v. A pipeline hands each body to the CPU stage as soon as it arrives, so the\n"+
					"digests overlap the downloads; starting them only when every download is over adds the\n"+
					"CPU time to the I/O time instead of hiding one under the other. Connect the stages with a\n"+
					"channel, and start the digesters before (or while) the downloads run (README, \"Pipelines\").",
				latency, last, first))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
