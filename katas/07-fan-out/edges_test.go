package fanout_test

import (
	"context"
	"errors"
	"slices"
	"testing/synctest"
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

// The specs of this file hold DownloadAll to the edges of its contract: the
// instant of return on every path, the same URL many times, and two calls
// that must not share anything.

var _ = Describe("Task 2: DownloadAll", func() {
	It("has written every page at the instant it returns, and writes nothing after: done, after an error, at a deadline", func(SpecContext) {
		for _, c := range []struct {
			name     string
			deadline time.Duration
			faults   []fakeserver.Fault
		}{
			{"done", 0, nil},
			{"after an error", 0, []fakeserver.Fault{{Kind: fakeserver.StatusFault, Request: 20}, {Kind: fakeserver.SlowBodyFault}}},
			{"at a deadline", latency + latency/2, nil},
		} {
			onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
				urls := fakeserver.SitesN(srv.URL, 100)
				ctx := context.Background()
				if c.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, c.deadline)
					defer cancel()
				}

				pages, _ := fanout.DownloadAll(ctx, client, urls)
				atReturn := slices.Clone(pages) // at the instant of return, before the spec waits for anything
				Expect(atReturn).To(HaveLen(len(urls)), "%s: one Page per URL", c.name)
				for i, p := range atReturn {
					Expect(p.URL).To(Equal(urls[i]),
						"%s: at the instant DownloadAll returned, pages[%d] had not been written yet: DownloadAll returned\n"+
							"before its goroutines ended. Call wg.Add(1) before each go statement (not inside the goroutine,\n"+
							"where Wait may run first), and return only after wg.Wait(), on every path: also when ctx is done.\n"+
							"See README, \"No goroutine left behind\"", c.name, i)
					if p.Err == nil {
						Expect(p.Size).To(Equal(sitespec.PageSize(p.URL)), "%s: pages[%d] has no error, so it was downloaded whole", c.name, i)
					}
				}
				synctest.Wait()
				Expect(pages).To(Equal(atReturn), "%s: pages changed after DownloadAll returned: one of its goroutines was still running", c.name)
			}, fakeserver.WithJitter(latency, 9), fakeserver.WithFaults(c.faults...))
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps each page at its index when the list holds the same URL many times", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			distinct := fakeserver.SitesN(srv.URL, 4)
			var urls []string
			for i := range 60 {
				urls = append(urls, distinct[(i*7)%len(distinct)])
			}

			pages, err := fanout.DownloadAll(context.Background(), client, urls)
			Expect(err).NotTo(HaveOccurred())
			Expect(pages).To(HaveLen(len(urls)), "one Page per URL, repeated ones too")
			for i, url := range urls {
				Expect(pages[i]).To(Equal(fanout.Page{URL: url, Size: sitespec.PageSize(url)}),
					"pages[%d] must be the page of urls[%d], whatever order the downloads finish in; the list holds each\n"+
						"URL several times, so finding a result's place by its URL (slices.Index) fills the first copy only:\n"+
						"give each goroutine its index and write pages[i].\n"+
						"See README, \"Results by index\"", i, i)
			}
			Expect(srv.Stats().Requests).To(Equal(len(urls)), "a goroutine per entry of the list, repeated ones too")
		}, fakeserver.WithJitter(latency, 5))
	}, SpecTimeout(harness.SpecTimeout))

	It("leaves the caller's client open: a second DownloadAll on the same client succeeds", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 3)
			for call := 1; call <= 2; call++ {
				pages, err := fanout.DownloadAll(context.Background(), client, urls)
				Expect(err).NotTo(HaveOccurred(),
					"call %d of DownloadAll on one client: expected no error, its server answers every request.\n"+
						"An error that wraps web.ErrClientClosed means the first call closed the client: the client is\n"+
						"the caller's, who closes it when every call is done with it; DownloadAll only borrows it.\n"+
						"See README, \"The shared client\"", call)
				expectPagesByIndex(pages, urls)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("cancels the context it derives from ctx before it returns, also when every download succeeds", func(SpecContext) {
		onVirtualClient(func(srv *fakeserver.Server, client *web.Client) {
			urls := fakeserver.SitesN(srv.URL, 3)
			baseline := len(settledGoroutines())
			// A ctx of a type the context package does not know: a context
			// derived from it is watched by a goroutine of the context package
			// until the derived one is cancelled. With a context.Background or
			// a WithCancel parent the same missing cancel leaves no goroutine
			// but keeps the derived context in its parent's list of children
			// until the parent ends; this ctx makes that visible to the count.
			parent := foreignContext{Context: context.Background(), done: make(chan struct{})}
			defer close(parent.done)

			pages, err := fanout.DownloadAll(parent, client, urls)
			Expect(err).NotTo(HaveOccurred())
			expectPagesByIndex(pages, urls)
			client.Close()
			left := settledGoroutines()
			Expect(left).To(HaveLen(baseline),
				"Expected DownloadAll to leave nothing behind once every download succeeded: the bubble had %d\n"+
					"goroutines before the run and %d after it. The one left is the context package's, watching the\n"+
					"context DownloadAll derived from ctx, which nobody cancelled: call cancel on every path, not only\n"+
					"on a failure (ctx, cancel := context.WithCancelCause(ctx); defer cancel(nil)).\n"+
					"See README, \"First error cancels the rest\"", baseline, len(left))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps nothing between calls: two calls at once each end on their own, and a call after a failed one succeeds", func(SpecContext) {
		harness.Virtual(func() {
			// One call fails after one latency; the other's pages trickle in
			// over 16 latencies and must all arrive.
			fails := slowServerFailingAt(4)
			defer fails.Close()
			slow := fakeserver.NewInMemory(fakeserver.WithLatency(latency), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.SlowBodyFault}))
			defer slow.Close()
			failsClient := web.NewSite(fails).NewClient()
			defer failsClient.Close()
			slowClient := web.NewSite(slow).NewClient()
			defer slowClient.Close()

			var (
				failErr     error
				failElapsed time.Duration
			)
			beside := make(chan struct{})
			go func() {
				defer close(beside)
				defer GinkgoRecover()
				start := time.Now()
				_, failErr = fanout.DownloadAll(context.Background(), failsClient, fakeserver.SitesN(fails.URL, 10))
				failElapsed = time.Since(start)
			}()
			pages, err := fanout.DownloadAll(context.Background(), slowClient, fakeserver.SitesN(slow.URL, 10))
			<-beside

			Expect(failElapsed).To(match.TakeExactly(latency),
				"the failing call must end at its own first error (one latency), not when the other call's slow pages\n"+
					"are in: a WaitGroup, a context or an error kept in a package variable is shared by every call.\n"+
					"Keep them in variables of the call")
			var httpErr *web.HTTPError
			Expect(errors.As(failErr, &httpErr)).To(BeTrue(), "the failing call returns its own 500; got %v", failErr)
			Expect(err).NotTo(HaveOccurred(), "the other call's server answered every request: no error, whatever the call beside it did")
			for i, p := range pages {
				Expect(p.Err).NotTo(HaveOccurred(), "pages[%d] of the other call", i)
			}

			again := fakeserver.NewInMemory(fakeserver.WithLatency(latency))
			defer again.Close()
			againClient := web.NewSite(again).NewClient()
			defer againClient.Close()
			_, err = fanout.DownloadAll(context.Background(), againClient, fakeserver.SitesN(again.URL, 10))
			Expect(err).NotTo(HaveOccurred(), "a call after a failed one starts afresh: its server answered every request")
		})
	}, SpecTimeout(harness.SpecTimeout))
})

// foreignContext is a context of a type the context package does not know,
// with a Done channel of its own (a context from another library, say).
type foreignContext struct {
	context.Context
	done chan struct{}
}

func (c foreignContext) Done() <-chan struct{} { return c.done }

func (c foreignContext) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}
