package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/sitespec"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/07-fan-out"
)

// latency is the fake server's latency on virtual time.
const latency = 100 * time.Millisecond

// manyTasks is the fan-out of the big spec: one goroutine per URL, all at
// once, as many as the issue asks for. The race detector has had no limit on
// live goroutines since Go 1.19 (it had one of 8128 before), but it makes
// every goroutine start and every synchronisation several times dearer:
// 10,000 downloads over the in-memory network take about 5 s of real time
// under -race on a quiet 2-core machine, and 10 to 25 s on a busy one. See
// README, "Ten thousand under the race detector".
const manyTasks = 10_000

// The big spec's cost is CPU work (net/http's client and server side of
// 10,000 in-memory connections, under -race): about 6 s of CPU time whatever
// the load, which a busy machine stretches in wall-clock time by its load
// (measured on 2 cores: 5 s quiet, 20 s at load 30, 88 and 128 s in runs
// that shared the machine with heavier jobs). So its budget is counted in
// CPU time, which the load does not stretch: manyTasksCPU, checked by a
// watchdog that says so in the spec's output. manyTasksTimeout is only the
// wall-clock backstop that ends the spec (Ginkgo can stop a spec on wall
// time only); a deadlock needs neither, virtual time reports it at once.
const (
	manyTasksCPU     = 60 * time.Second
	manyTasksTimeout = 3 * time.Minute
)

var _ = Describe("Task 1: DownloadSite", func() {
	// Kata 01's DownloadSite with a shared client meets kata 01's specs:
	// they are shared with every kata that brings it (harness/sitespec).
	sitespec.Specs(fanout.DownloadSite, sitespec.Kata{README: "Task 1", ContextREADME: "Task 1"})

	It("closes every body it was handed, read whole or cut short: none left open on the client", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 4)
			for i, url := range urls {
				_, err := fanout.DownloadSite(context.Background(), client, url)
				what := "read whole"
				if i == 3 {
					what = "cut short by the server"
					Expect(err).To(HaveOccurred(), "the server cuts the fourth body short")
				} else {
					Expect(err).NotTo(HaveOccurred())
				}
				Expect(client.BodiesOpen()).To(BeZero(),
					"DownloadSite(%s) returned and left its response body open (the body was %s). Read to the end\n"+
						"is not enough: net/http reuses a connection only once its body is closed too, and that on every\n"+
						"path: defer resp.Body.Close() right after client.Get succeeds. See README, \"Task 1: DownloadSite\"",
					url, what)
			}
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.TruncateFault, Request: 4}))
	}, SpecTimeout(harness.SpecTimeout))

	It("returns an error, not a panic, for a nil ctx and for a nil client", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			url := srv.URL + fakeserver.SmallPath
			_, err := fanout.DownloadSite(context.Background(), nil, url)
			Expect(err).To(MatchError(ContainSubstring("client")), "a nil client is an error that names the argument, not a panic")
			//lint:ignore SA1012 a nil context is the bad input under test
			_, err = fanout.DownloadSite(nil, client, url) //nolint:staticcheck
			Expect(err).To(MatchError(ContainSubstring("context")), "a nil ctx is an error, not a panic: pass it to client.Get, which says so")
			Expect(srv.Stats().Requests).To(BeZero(), "a nil client or ctx: no request")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 2: DownloadAll", func() {
	It("runs a goroutine per URL, 10,000 of them: all in flight, one latency, no goroutine left", func(SpecContext) {
		cpuStart, wallStart := cpuTime(), time.Now()
		cpuWatchdog(cpuStart, manyTasksCPU)
		defer func() {
			AddReportEntry("fan-out cost", fmt.Sprintf("%v of CPU time (budget %v) in %v of wall-clock time",
				(cpuTime()-cpuStart).Round(time.Millisecond), manyTasksCPU, time.Since(wallStart).Round(time.Millisecond)))
		}()
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, manyTasks)
			baseline := len(settledGoroutines())
			numBefore := runtime.NumGoroutine()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			start := time.Now()
			pages, err := fanout.DownloadAll(context.Background(), client, urls)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			client.Close()

			Expect(err).NotTo(HaveOccurred())
			stats := srv.Stats()
			Expect(stats).To(match.HavePeakInFlight(manyTasks), "one goroutine per URL, all started before any waits: the server sees every request at once")
			Expect(elapsed).To(match.TakeExactly(latency), "requests that all overlap take one latency, however many they are")
			Expect(stats).To(match.HaveUsedSessions(1), "one Client, shared by every goroutine")
			expectPagesByIndex(pages, urls)
			expectNoGoroutineLeft(baseline)
			numAfter := runtime.NumGoroutine()

			perTask := float64(after.TotalAlloc-before.TotalAlloc) / float64(manyTasks)
			AddReportEntry("fan-out", fmt.Sprintf(
				"%d tasks (race detector on: %v): peak in flight %d, %v of virtual time; allocated %.1f KiB per task (client, in-memory connection and server side together; runtime.MemStats.TotalAlloc / %d); goroutines before %d, after %d (whole process), bubble back to %d",
				manyTasks, harness.RaceEnabled, stats.PeakInFlight, elapsed, perTask/1024, manyTasks, numBefore, numAfter, baseline))
		})
	}, SpecTimeout(manyTasksTimeout))

	It("keeps pages in the order of the URLs when they finish in another order", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 200)

			pages, err := fanout.DownloadAll(context.Background(), client, urls)
			Expect(err).NotTo(HaveOccurred())
			spans := srv.Stats().Spans
			slices.SortStableFunc(spans, func(a, b fakeserver.Span) int { return a.End.Compare(b.End) })
			finished := make([]string, len(spans))
			for i, sp := range spans {
				finished[i] = srv.URL + sp.RequestURI
			}
			Expect(finished).NotTo(Equal(urls), "with jitter, downloads that run at the same time finish out of order; these finished in the order of the URLs,\n"+
				"so they ran one after another: start a goroutine per URL before waiting for any (the first spec of task 2)")
			expectPagesByIndex(pages, urls)
		}, fakeserver.WithJitter(latency, 7))
	}, SpecTimeout(harness.SpecTimeout))

	It("cancels the others at once on the first error, returns that error and leaves no goroutine behind", func(SpecContext) {
		// Request 50 fails after one latency; every other page trickles in
		// over 16 latencies (a slow body), so only cancellation ends the run early.
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 100)
			baseline := len(settledGoroutines())

			start := time.Now()
			pages, err := fanout.DownloadAll(context.Background(), client, urls)
			elapsed := time.Since(start)
			client.Close()

			var failed fakeserver.Span
			for _, sp := range srv.Stats().Spans {
				if sp.Fault == fakeserver.StatusFault {
					failed = sp
				}
			}
			failedURL := srv.URL + failed.RequestURI
			Expect(elapsed).To(match.TakeExactly(latency),
				"the run must end when the first download fails (after one latency), not when the slow others would have finished (16 latencies): cancel the context derived from ctx on the first error, and pass that derived context\n"+
					"(not ctx itself) to every DownloadSite, so that cancelling it ends the requests in flight. See README, \"First error cancels the rest\"")
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(), "DownloadAll returns the first error itself (the 500: return it, or wrap it with %%w, not %%v, so that\nerrors.As finds the *web.HTTPError), not a cancellation it caused; got %v", err)
			Expect(err).To(MatchError(ContainSubstring(failedURL)), "the error names the URL that failed")
			for _, u := range urls {
				Expect(u != failedURL && strings.Contains(err.Error(), "GET "+u+":")).To(BeFalse(),
					"DownloadAll returned the error of a request it cancelled (%s), which only wraps the first error:\n"+
						"return the first error, the one of the page that failed (%s): keep the first (context.Cause, or a\n"+
						"sync.Once), not the last; got %v", u, failedURL, err)
			}
			expectNoGoroutineLeft(baseline)
			for _, sp := range srv.Stats().Spans {
				if sp.Seq != failed.Seq {
					Expect(sp.Canceled).To(BeTrue(), "the server saw request %s run to its end: the others must be cancelled, not waited for", sp.RequestURI)
				}
			}
			Expect(pages).To(HaveLen(len(urls)))
			for i, p := range pages {
				Expect(p.URL).To(Equal(urls[i]), "pages[%d] is the outcome of urls[%d], downloaded or not", i, i)
				if p.URL == failedURL {
					Expect(errors.As(p.Err, &httpErr)).To(BeTrue(), "the failed page carries its own error")
				} else {
					Expect(p.Err).To(Or(MatchError(context.Canceled), MatchError(err)),
						"pages[%d] was stopped by the first error: its Err is its cancelled request's error, which wraps\ncontext.Canceled (context.WithCancel) or the first error (context.WithCancelCause)", i)
				}
			}
		}, slowBodiesFailingAt(50))
	}, SpecTimeout(harness.SpecTimeout))

	It("stops at the context's deadline and keeps the pages already downloaded", func(SpecContext) {
		// Latencies spread over [100 ms, 200 ms); the deadline falls at 150 ms.
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 100)
			deadline := latency + latency/2
			baseline := len(settledGoroutines())

			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			pages, err := fanout.DownloadAll(ctx, client, urls)
			Expect(time.Since(start)).To(match.TakeExactly(deadline), "stop at the deadline, not when the slowest download ends")
			Expect(err).To(MatchError(context.DeadlineExceeded), "the context's error comes back")
			client.Close()
			expectNoGoroutineLeft(baseline)

			finished := map[string]bool{}
			for _, sp := range srv.Stats().Spans {
				if !sp.Canceled {
					finished[srv.URL+sp.RequestURI] = true
				}
			}
			Expect(len(finished)).To(And(BeNumerically(">", 0), BeNumerically("<", len(urls))), "the latencies are spread over [100 ms, 200 ms) and the deadline is at 150 ms, so about half the pages finish\n"+
				"before it if the downloads run at the same time; if none did, they ran one after another (the first spec of task 2)")
			Expect(pages).To(HaveLen(len(urls)))
			for i, p := range pages {
				Expect(p.URL).To(Equal(urls[i]))
				if finished[p.URL] {
					Expect(p.Err).NotTo(HaveOccurred(), "pages[%d] was downloaded before the deadline: keep it (partial results are results)", i)
					Expect(p.Size).To(Equal(sitespec.PageSize(p.URL)))
				} else {
					Expect(p.Err).To(MatchError(context.DeadlineExceeded), "pages[%d] was not downloaded in time: its Err says so", i)
				}
			}
		}, fakeserver.WithJitter(latency, 3))
	}, SpecTimeout(harness.SpecTimeout))

	It("gives up on a server that never answers when the deadline passes", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			_, err := fanout.DownloadAll(ctx, client, fakeserver.SitesN(srv.URL, 20))
			Expect(err).To(MatchError(context.DeadlineExceeded), "pass ctx (or a context derived from it) to every request")
			Expect(time.Since(start)).To(match.TakeExactly(3 * time.Second))
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a malformed URL at once, naming it, and cancels the others", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 10)
			urls[6] = "::not a url::"

			start := time.Now()
			pages, err := fanout.DownloadAll(context.Background(), client, urls)
			Expect(err).To(MatchError(ContainSubstring("::not a url::")), "the error names the bad URL")
			Expect(time.Since(start)).To(match.TakeExactly(0), "a malformed URL fails before any network wait, and cancels the others at once")
			Expect(pages).To(HaveLen(len(urls)))
			Expect(pages[6].Err).To(HaveOccurred())
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with no request, and a nil ctx or client with an error", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 2)

			pages, err := fanout.DownloadAll(context.Background(), client, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(pages).NotTo(BeNil(), "an empty, non-nil slice")
			Expect(pages).To(BeEmpty())

			Expect(func() {
				//lint:ignore SA1012 a nil context is the bad input under test
				_, err = fanout.DownloadAll(nil, client, urls) //nolint:staticcheck
			}).NotTo(Panic(), "DownloadAll(nil, client, urls) panicked: the context package panics when asked to derive a\n"+
				"context from a nil parent. Check ctx == nil first and return an error that names it (\"ctx\").\n"+
				"See README, \"Task 2: DownloadAll\" (7)")
			Expect(err).To(MatchError(ContainSubstring("ctx")), "name the argument that is wrong")
			_, err = fanout.DownloadAll(context.Background(), nil, urls)
			Expect(err).To(MatchError(ContainSubstring("client")), "name the argument that is wrong")
			Expect(srv.Stats().Requests).To(BeZero(), "check the arguments before any request")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
