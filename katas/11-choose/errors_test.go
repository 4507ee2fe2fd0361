package choose_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

var _ = Describe("Task 5: bad input, errors and cancellation", func() {
	It("rejects a nil argument and a plan below 1 with errors that name them, before any request", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(0))
		urls := fakeserver.SitesN(srv.URL, 4)
		good := choose.Plan{Downloaders: 2, Digesters: 2}

		//lint:ignore SA1012 a nil context is the bad input under test
		_, err := choose.Run(nil, site.NewSession, urls, good, cheap) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "name the argument that is wrong")
		_, err = choose.Run(ctx, nil, urls, good, cheap)
		Expect(err).To(MatchError(ContainSubstring("newSession")), "name the argument that is wrong")
		_, err = choose.Run(ctx, site.NewSession, urls, good, nil)
		Expect(err).To(MatchError(ContainSubstring("digest")), "name the argument that is wrong")
		// A Run that accepts a plan with no goroutine in a stage may wait for
		// ever: end it after a while, and say what was wrong, not at the
		// spec's timeout.
		bounded, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		for _, n := range []int{0, -1} {
			_, err = choose.Run(bounded, site.NewSession, urls, choose.Plan{Downloaders: n, Digesters: 2}, cheap)
			Expect(err).To(MatchError(ContainSubstring("Downloaders")), "Downloaders = %d: name the number that is wrong", n)
			_, err = choose.Run(bounded, site.NewSession, urls, choose.Plan{Downloaders: 2, Digesters: n}, cheap)
			Expect(err).To(MatchError(ContainSubstring("Digesters")), "Digesters = %d: name the number that is wrong", n)
		}
		Expect(srv.Stats().Requests).To(BeZero(), "check the arguments before any request")
		Expect(site.SessionsMade()).To(BeZero(), "check the arguments before making a Session")
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with no request, no session and an empty result", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(0))

		pages, err := choose.Run(ctx, site.NewSession, nil, choose.Plan{Downloaders: 2, Digesters: 2}, cheap)
		Expect(err).NotTo(HaveOccurred())
		Expect(pages).To(BeEmpty())
		Expect(srv.Stats().Requests).To(BeZero())
		Expect(site.SessionsMade()).To(BeZero(), "no URL, no Session")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns the error of a malformed URL, naming it", func(ctx SpecContext) {
		srv, site := newLoopbackSite(fakeserver.WithLatency(0))
		urls := fakeserver.SitesN(srv.URL, 4)
		urls[2] = "::not a url::"

		pages, err := choose.Run(ctx, site.NewSession, urls, choose.Plan{Downloaders: 2, Digesters: 2}, cheap)
		Expect(err).To(MatchError(ContainSubstring("::not a url::")), "return the Session's error: it names the URL")
		Expect(pages).To(HaveLen(len(urls)), "one Page per URL, finished or not: the partial result")
		Expect(pages[2].Done).To(BeFalse())
		Expect(site.SessionsOpen()).To(BeZero(), "close every Session, even after an error")
	}, SpecTimeout(loopbackTimeout))

	DescribeTable("stops at the first error from the server and returns it, naming its URL",
		func(ctx SpecContext, fault fakeserver.Fault, check func(error)) {
			// The fault is on request fault.Request, in round ⌈Request ÷ 8⌉ of 8
			// requests: the run must stop at the end of that round.
			round := ceilDiv(fault.Request, 8)
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				urls := fakeserver.Sites(srv.URL)
				plan := choose.Plan{Downloaders: 8, Digesters: 2}

				pages, elapsed, err := runTimed(context.Background(), site, urls, plan, cheap)

				var bad string
				for _, sp := range srv.Stats().Spans {
					if sp.Fault != 0 {
						bad = srv.URL + sp.RequestURI
					}
				}
				Expect(bad).NotTo(BeEmpty(), "the server applied no fault (a harness problem, not yours)")
				Expect(err).To(MatchError(ContainSubstring(bad)), "return the first error: the one that names the URL the server misbehaved on")
				check(err)
				Expect(site.SessionsOpen()).To(BeZero(), "every downloader ends and closes its Session before Run returns, even after an error")
				Expect(pages).To(HaveLen(len(urls)), "one Page per URL, finished or not: the partial result")
				for i, p := range pages {
					Expect(p.URL).To(Equal(urls[i]), "pages[%d].URL is urls[%d], finished or not", i, i)
					if p.Done {
						Expect(p.Digest).To(Equal(cheap(bodyOf(p.URL))), "a Done page has its digest")
					} else {
						Expect(p).To(Equal(choose.Page{URL: urls[i]}), "a page not finished has Size 0, Digest 0 and Done false")
					}
				}
				Expect(len(done(pages))).To(BeNumerically(">=", (round-1)*plan.Downloaders), "%d rounds were finished before the error (request %d is in round %d): report them as Done.\n"+
					"A pipeline digests each page as soon as it arrives, so those pages are Done by then; digests that\n"+
					"start only after every download leave none Done (README, \"Pipelines\")", round-1, fault.Request, round)
				Expect(srv.Stats().Requests).To(BeNumerically("<=", (round+1)*plan.Downloaders),
					"after the error no new request may start: at most the round in flight and one request per downloader that raced\n"+
						"with the cancel, %d in all with Downloaders = %d. More means requests started after the error (check\n"+
						"ctx before each request), or more than plan.Downloaders requests at once (README, Tasks 3 and 5)", (round+1)*plan.Downloaders, plan.Downloaders)
				Expect(elapsed).To(match.TakeExactly(time.Duration(round)*latency), "the run stops when the error happens, at the end of round %d: the requests in flight are cancelled, not waited for", round)
			}, fakeserver.WithFaults(fault))
		},
		Entry("a 500", fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 37}, func(err error) {
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(), "the first error is the 500 (*web.HTTPError), not a cancellation it caused in another downloader")
			Expect(httpErr.StatusCode).To(Equal(500))
		}, SpecTimeout(harness.SpecTimeout)),
		// A reset on a reused connection, before any answer, is retried by
		// net/http (a GET is idempotent), so the reset is in the first round,
		// where every request has a new connection.
		Entry("a reset connection", fakeserver.Fault{Kind: fakeserver.ResetFault, Request: 5}, func(err error) {
			Expect(errors.Is(err, context.Canceled)).To(BeFalse(), "the first error is the reset, not a cancellation it caused in another downloader")
		}, SpecTimeout(harness.SpecTimeout)),
		Entry("a truncated body", fakeserver.Fault{Kind: fakeserver.TruncateFault, Request: 37}, func(err error) {
			Expect(err).To(MatchError(ContainSubstring("unexpected EOF")), "read the body whole: a short body is an error, not a smaller page")
		}, SpecTimeout(harness.SpecTimeout)),
	)

	It("gives up at the context's deadline when the server never answers", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			pages, err := choose.Run(ctx, site.NewSession, fakeserver.Sites(srv.URL), choose.Plan{Downloaders: 8, Digesters: 2}, cheap)
			Expect(err).To(MatchError(context.DeadlineExceeded), "pass ctx to every request, and return its error (wrapped with %%w is fine)")
			Expect(time.Since(start)).To(match.TakeExactly(3*time.Second), "stop at the deadline")
			Expect(done(pages)).To(BeEmpty())
			Expect(site.SessionsOpen()).To(BeZero(), "close every Session before Run returns")
		}, fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
	}, SpecTimeout(harness.SpecTimeout))

	It("stops both stages when the context's deadline passes mid-run, and reports the pages finished", func(SpecContext) {
		onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
			urls := fakeserver.Sites(srv.URL)
			plan := choose.Plan{Downloaders: 8, Digesters: 2}
			rec := &recorder{}

			deadline := 5*latency + latency/2
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			pages, err := choose.Run(ctx, site.NewSession, urls, plan, rec.digest)

			Expect(err).To(MatchError(context.DeadlineExceeded), "the context's error must come back (wrapped with %%w is fine)")
			Expect(time.Since(start)).To(match.TakeExactly(deadline), "stop at the deadline: the requests in flight are cancelled, not finished")
			Expect(done(pages)).To(HaveLen(5*plan.Downloaders), "five rounds of %d pages were downloaded and digested before the deadline: report them as Done", plan.Downloaders)
			Expect(srv.Stats().Requests).To(Equal(6*plan.Downloaders), "six rounds were started; the sixth was cancelled; no more may start")
			Expect(rec.calls()).To(Equal(5*plan.Downloaders), "one digest per page that arrived, and none after the deadline")
			Expect(site.SessionsOpen()).To(BeZero(), "close every Session before Run returns")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("stops the CPU stage too when the context is cancelled during the digests", func(SpecContext) {
		for _, c := range []struct {
			name      string
			plan      func(urls int) choose.Plan
			cost      time.Duration // each digest's virtual time
			cancelAt  int
			situation string
		}{
			{"every page waiting", func(urls int) choose.Plan { return choose.Plan{Downloaders: urls, Digesters: 2} }, 0, 10,
				"every page arrived at once and waits for the CPU stage"},
			// The digests are far slower than the downloads: by the cancel,
			// the bodies waiting between the stages fill any channel of a
			// few rounds, and downloaders wait to hand theirs over.
			{"downloaders waiting to hand over", func(int) choose.Plan { return choose.Plan{Downloaders: 16, Digesters: 1} }, time.Second, 3,
				"the digests are slow, so downloaders were waiting to hand their bodies over"},
		} {
			onVirtualSite(func(srv *fakeserver.Server, site *web.Site) {
				urls := fakeserver.Sites(srv.URL)
				plan := c.plan(len(urls))
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				rec := &recorder{onCall: func(n int) {
					if n == c.cancelAt {
						cancel()
					}
				}}
				digest := func(body []byte) uint64 {
					sum := rec.digest(body)
					time.Sleep(c.cost)
					return sum
				}

				var o runOutcome
				select {
				case o = <-goRun(ctx, site.NewSession, urls, plan, digest):
				case <-time.After(time.Hour):
					Fail(fmt.Sprintf("%s: Run had not returned an hour of virtual time after the context was cancelled.\n"+
						"A downloader blocked for ever sending its body to digesters that had stopped: send in a select\n"+
						"with a case <-ctx.Done() (or let the digesters drain the channel). See the README, \"Pipelines\".", c.name))
				}
				Expect(o.err).To(MatchError(context.Canceled), "%s: the context's error must come back (wrapped with %%w is fine)", c.name)
				Expect(rec.calls()).To(BeNumerically("<=", c.cancelAt+plan.Digesters-1),
					"%s: %s; the context was cancelled in digest #%d, so at most %d more may have started alongside it.\n"+
						"More means the digesters go on after the cancel: check ctx.Err() before each digest (README, \"Pipelines\")",
					c.name, c.situation, c.cancelAt, plan.Digesters-1)
				Expect(len(done(o.pages))).To(BeNumerically("<=", rec.calls()))
			})
		}
	}, SpecTimeout(harness.SpecTimeout))
})
