package cooperative_test

import (
	"context"
	"errors"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
	cooperative "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

var _ = Describe("Task 1: DownloadSite", func() {
	It("downloads a page from inside a task: 10282 bytes, then 275", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(latency))
			defer srv.Close()
			session := web.NewSite(srv).NewSession()
			defer session.Close()

			var l loop.Loop
			var sizes []int
			spawn(&l, "main", func(t *loop.Task) error {
				for _, path := range []string{fakeserver.BigPath, fakeserver.SmallPath} {
					size, err := cooperative.DownloadSite(t, session, srv.URL+path)
					if err != nil {
						return err
					}
					sizes = append(sizes, size)
				}
				return nil
			})
			Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(sizes).To(Equal([]int{fakeserver.BigSize, fakeserver.SmallSize}), "the size is the number of bytes of the body")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("never blocks the loop while the request waits: a heartbeat keeps its beat", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(latency))
			defer srv.Close()
			session := web.NewSite(srv).NewSession()
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

	It("returns errors that name the URL: a 500, a reset, a malformed URL, a nil session", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(latency), fakeserver.WithFaults(
				fakeserver.Fault{Kind: fakeserver.StatusFault, Path: fakeserver.SmallPath},
				fakeserver.Fault{Kind: fakeserver.ResetFault, Path: fakeserver.BigPath}))
			defer srv.Close()
			session := web.NewSite(srv).NewSession()
			defer session.Close()

			small, big, bad := srv.URL+fakeserver.SmallPath, srv.URL+fakeserver.BigPath, "not a url"
			errs := map[string]error{}
			var l loop.Loop
			spawn(&l, "main", func(t *loop.Task) error {
				for _, url := range []string{small, big, bad} {
					_, errs[url] = cooperative.DownloadSite(t, session, url)
				}
				_, errs["nil session"] = cooperative.DownloadSite(t, nil, small)
				return nil
			})
			Expect(l.Run(context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			var httpErr *web.HTTPError
			Expect(errors.As(errs[small], &httpErr)).To(BeTrue(), "return (or wrap with %%w) the Call's error, so callers can inspect it; got %v", errs[small])
			Expect(httpErr.StatusCode).To(Equal(500), "the status the server answered")
			for _, url := range []string{small, big, bad} {
				Expect(errs[url]).To(MatchError(ContainSubstring(url)), "the error must say which URL failed")
			}
			Expect(errs["nil session"]).To(MatchError(ContainSubstring("session")), "name the argument that is wrong")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("gives up when the loop's context ends, even if the server never answers", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
			defer srv.Close()
			session := web.NewSite(srv).NewSession()
			defer session.Close()

			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var l loop.Loop
			var downloadErr error
			spawn(&l, "main", func(t *loop.Task) error {
				_, downloadErr = cooperative.DownloadSite(t, session, srv.URL+fakeserver.BigPath)
				return downloadErr
			})
			start := time.Now()
			Expect(l.Run(ctx)).To(MatchError(context.DeadlineExceeded), "the task returned the deadline's error, and Run reports it")
			Expect(downloadErr).To(MatchError(context.DeadlineExceeded),
				"when the loop stops, Await returns an error (wrapping the context's): return it")
			Expect(downloadErr).To(MatchError(ContainSubstring(srv.URL+fakeserver.BigPath)),
				"the loop's error names no URL: wrap it with the URL (fmt.Errorf(\"GET %%s: %%w\", url, err)), so that the\n"+
					"caller knows which download stopped (README, \"Task 1: DownloadSite\")")
			Expect(time.Since(start)).To(match.TakeExactly(3*time.Second), "give up at the deadline, not later")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("ends its request when the loop stops: the server sees it given up", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
			defer srv.Close()
			session := web.NewSite(srv).NewSession()
			defer session.Close()

			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var l loop.Loop
			spawn(&l, "main", func(t *loop.Task) error {
				_, err := cooperative.DownloadSite(t, session, srv.URL+fakeserver.BigPath)
				return err
			})
			Expect(l.Run(ctx)).To(MatchError(context.DeadlineExceeded), "the task returned the deadline's error, and Run reports it")
			synctest.Wait() // a request whose context ended has been given up by now
			Expect(srv.Stats().InFlight).To(BeZero(),
				"the loop has stopped, and its request is still waiting for the server: it was begun with a context\n"+
					"that does not end with the loop. Begin it with t.Context() (README, \"Awaiting a request\")")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
