package choose_test

import (
	"context"
	"fmt"
	"runtime"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

// runOutcome is what a call of Run gave; a panic of Run becomes its error.
type runOutcome struct {
	pages []choose.Page
	err   error
}

// goRun calls Run on a goroutine of its own and delivers its outcome.
func goRun(ctx context.Context, newSession func() *web.Session, urls []string, plan choose.Plan, digest func([]byte) uint64) <-chan runOutcome {
	out := make(chan runOutcome, 1)
	go func() {
		var o runOutcome
		defer func() {
			if r := recover(); r != nil {
				o.err = fmt.Errorf("Run panicked: %v", r)
			}
			out <- o
		}()
		o.pages, o.err = choose.Run(ctx, newSession, urls, plan, digest)
	}()
	return out
}

// runHeld runs Run on site (in a bubble) with a digest that holds until
// released, waits until every page has arrived and every goroutine is
// blocked, then releases the digests and returns how many had started by
// then (the number running at once) and what Run gave.
func runHeld(site *web.Site, urls []string, plan choose.Plan) (atOnce int, res runOutcome) {
	hold := make(chan struct{})
	rec := &recorder{hold: hold}
	out := goRun(context.Background(), site.NewSession, urls, plan, rec.digest)
	// Every page has arrived long before this; each digest holds until
	// released, so those started now are those running at once.
	time.Sleep(10 * latency)
	synctest.Wait()
	atOnce = rec.calls()
	close(hold)
	return atOnce, <-out
}

var _ = Describe("Task 4: the CPU stage, on schedules the spec steers", func() {
	It("hands the bodies over through a bounded buffer: with the CPU stage held, the downloads run ahead by one body per downloader, and stop", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 40)
			plan := choose.Plan{Downloaders: 4, Digesters: 1}
			hold := make(chan struct{})
			rec := &recorder{hold: hold}
			out := goRun(context.Background(), site.NewSession, urls, plan, rec.digest)
			// The one digester holds its first body; everything else runs
			// until it blocks: the downloads stop where the buffer is full.
			time.Sleep(20 * latency)
			synctest.Wait()
			ahead := len(srv.Stats().Spans) // requests finished, bodies read
			close(hold)
			res := <-out
			Expect(res.err).NotTo(HaveOccurred())
			least, most := plan.Digesters+2*plan.Downloaders, plan.Digesters+5*plan.Downloaders
			Expect(ahead).To(And(BeNumerically(">=", least), BeNumerically("<=", most)),
				"Plan{Downloaders: %d, Digesters: %d}, 40 pages, the one digester held on its first body: the downloads ran %d pages\n"+
					"ahead. Expected %d to %d: the held body, a buffer of at least one body per downloader (at most 4 per\n"+
					"downloader), and one more in each downloader's hands, waiting to be handed over. Fewer means no buffer\n"+
					"(an unbuffered channel makes every downloader wait for a digester before its next request); more\n"+
					"means no bound (a buffer as long as the URLs, or a goroutine per page): the I/O stage runs ahead of\n"+
					"the CPU stage without limit, every body held in memory. make(chan ..., plan.Downloaders) is the\n"+
					"buffer (README, \"Pipelines\").", plan.Downloaders, plan.Digesters, ahead, least, most)
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps as many digests running as plan.Digesters says, where that differs from GOMAXPROCS and the cores: 1, and more than both", func(SpecContext) {
		harness.SetGOMAXPROCS(3)
		for _, digesters := range []int{1, runtime.NumCPU() + 3 + 2} {
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				urls := fakeserver.SitesN(srv.URL, 2*digesters+2)
				atOnce, res := runHeld(site, urls, choose.Plan{Downloaders: len(urls), Digesters: digesters})
				Expect(res.err).NotTo(HaveOccurred())
				Expect(done(res.pages)).To(HaveLen(len(urls)), "every page is Done")
				Expect(atOnce).To(Equal(digesters),
					"with %d pages waiting, Digesters = %d, GOMAXPROCS = %d and %d cores, the CPU stage ran %d digests at once.\n"+
						"The plan is the caller's choice (ChoosePlan makes one, a caller may make another): start exactly\n"+
						"plan.Digesters goroutines, neither capped at nor raised to the number of cores\n"+
						"(README, \"Which tool for which stage\").", len(urls), digesters, runtime.GOMAXPROCS(0), runtime.NumCPU(), atOnce)
			})
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("hands each digest a body of its own, which a later download does not overwrite", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 3) // big, small, big
			// The first digest holds; meanwhile the one downloader fetches the
			// two other pages, until the CPU stage takes no more.
			_, res := runHeld(site, urls, choose.Plan{Downloaders: 1, Digesters: 1})
			Expect(res.err).NotTo(HaveOccurred())
			for i, p := range res.pages {
				body := bodyOf(urls[i])
				Expect(p).To(Equal(choose.Page{URL: urls[i], Size: len(body), Digest: cheap(body), Done: true}),
					"pages[%d] has the wrong digest: its body was changed between its download and its digest.\n"+
						"A body read into a buffer the downloader reuses for its next page is overwritten while it waits\n"+
						"for the CPU stage: give each page its own slice (io.ReadAll makes a new one each time), and\n"+
						"never touch it again once it is sent (README, \"Pipelines\").", i)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 5: bad input, at once", func() {
	It("rejects a plan with no digester or no downloader before starting a stage that would wait for ever", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.SitesN(srv.URL, 4)
			for _, c := range []struct {
				plan choose.Plan
				name string
			}{
				{choose.Plan{Downloaders: 2, Digesters: 0}, "Digesters"},
				{choose.Plan{Downloaders: 0, Digesters: 2}, "Downloaders"},
			} {
				res := <-goRun(context.Background(), site.NewSession, urls, c.plan, cheap)
				Expect(res.err).To(MatchError(ContainSubstring(c.name)),
					"%+v: %s = 0 is an error that names it: a stage with no goroutine never takes what the other\n"+
						"stage hands it, and the run waits for ever. Check the plan before any request.", c.plan, c.name)
			}
			Expect(srv.Stats().Requests).To(BeZero(), "check the plan before any request")
			Expect(site.SessionsMade()).To(BeZero(), "check the plan before making a Session")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
