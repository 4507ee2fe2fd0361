package cooperative_test

import (
	"context"
	"testing/synctest"
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

var _ = Describe("Task 1: DownloadSite", func() {
	// The specs every kata's DownloadSite meets (the size of a page, errors
	// that name the URL, the context's deadline) are shared with the other
	// download katas (harness/sitespec); here each call runs in a task of a
	// loop of its own (downloadSite). This kata's own specs follow.
	sitespec.Specs(downloadSite, sitespec.Kata{
		Request: "session.Begin(t.Context(), url)", README: "Task 1: DownloadSite", ContextREADME: "Awaiting a request",
	})

	It("never blocks the loop while the request waits: a heartbeat keeps its beat", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			session := site.NewSession()
			defer session.Close()

			var l loop.Loop
			hb := &heartbeat{}
			spawn(&l, "heartbeat", hb.task)
			start := time.Now()
			var took time.Duration
			spawn(&l, "download", func(t *loop.Task) error {
				defer func() { hb.stop, took = true, time.Since(start) }()
				_, err := cooperative.DownloadSite(t, session, srv.URL+fakeserver.BigPath)
				return err
			})
			Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(hb.longest).To(Equal(beat), stalledMessage(hb, "one request waited for the server"))
			Expect(took).To(match.TakeExactly(latency), "one request takes one latency")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns an error that says so for a nil session", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			_, err := downloadSite(context.Background(), nil, srv.URL+fakeserver.SmallPath)
			Expect(err).To(MatchError(ContainSubstring("session")),
				"a nil session is an error whose text says \"session\", not a panic: check it before Begin (README, \"Task 1: DownloadSite\")")
			Expect(srv.Stats().Requests).To(BeZero(), "no session, no request")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("ends its request when the loop stops: the server sees it given up", func(SpecContext) {
		// The server never answers.
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			session := site.NewSession()
			defer session.Close()

			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := downloadSite(ctx, session, srv.URL+fakeserver.BigPath)
			Expect(err).To(MatchError(context.DeadlineExceeded), "the loop stopped at its deadline: DownloadSite returns its error")
			synctest.Wait() // a request whose context ended has been given up by now
			Expect(srv.Stats().InFlight).To(BeZero(),
				"the loop has stopped, and its request is still waiting for the server: it was begun with a context\n"+
					"that does not end with the loop. Begin it with t.Context() (README, \"Awaiting a request\")")
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
	}, SpecTimeout(harness.SpecTimeout))
})
