package web_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

var _ = Describe("Client", func() {
	It("serves many goroutines at once as one session, and Close ends its connections", func(SpecContext) {
		harness.Virtual(func() {
			const n = 200
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(100 * time.Millisecond))
			defer srv.Close()
			site := web.NewSite(srv)
			c := site.NewClient()
			urls := fakeserver.SitesN(srv.URL, n)
			before := len(harness.BubbleGoroutines())

			var wg sync.WaitGroup
			errs := make([]error, n)
			start := time.Now()
			for i, u := range urls {
				wg.Go(func() {
					body, err := read(context.Background(), c, u)
					if err == nil && len(body) != len(page(u[len(srv.URL):])) {
						err = errors.New("short body")
					}
					errs[i] = err
				})
			}
			wg.Wait()
			Expect(time.Since(start)).To(Equal(100*time.Millisecond), "every Get overlapped")
			for i, err := range errs {
				Expect(err).NotTo(HaveOccurred(), "Get of %s", urls[i])
			}
			st := srv.Stats()
			Expect(st.PeakInFlight).To(Equal(n))
			Expect(st.Sessions).To(Equal([]string{c.ID()}), "one session ID, stamped on every request")
			Expect(site.SessionsMade()).To(Equal(1))
			Expect(site.SessionsOpen()).To(Equal(1))

			Expect(c.Close()).To(Succeed())
			Expect(c.Close()).To(Succeed(), "Close may be called twice")
			Expect(site.SessionsOpen()).To(Equal(0), "a closed Client is no longer open")
			synctest.Wait()
			Expect(harness.BubbleGoroutines()).To(HaveLen(before), "Close closed every idle connection, and their goroutines ended")

			_, err := c.Get(context.Background(), urls[0])
			Expect(err).To(MatchError(web.ErrClientClosed))
			Expect(err).To(MatchError(ContainSubstring(urls[0])))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("counts the bodies it handed out that are not closed yet, each closed once however often Close is called", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(100*time.Millisecond),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 3}))
			defer srv.Close()
			c := web.NewSite(srv).NewClient()
			defer c.Close()
			urls := fakeserver.SitesN(srv.URL, 3)

			first, err := c.Get(context.Background(), urls[0])
			Expect(err).NotTo(HaveOccurred())
			second, err := c.Get(context.Background(), urls[1])
			Expect(err).NotTo(HaveOccurred())
			Expect(c.BodiesOpen()).To(Equal(2), "two bodies handed out, none closed")
			_, err = c.Get(context.Background(), urls[2])
			Expect(err).To(HaveOccurred(), "the third request is answered 500")
			Expect(c.BodiesOpen()).To(Equal(2), "a non-2xx answer's body is closed by Get itself and not counted")

			_, err = io.Copy(io.Discard, first.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.BodiesOpen()).To(Equal(2), "read to the end is not closed")
			Expect(first.Body.Close()).To(Succeed())
			Expect(first.Body.Close()).To(Succeed())
			Expect(c.BodiesOpen()).To(Equal(1), "a body closed twice counts once")
			Expect(second.Body.Close()).To(Succeed())
			Expect(c.BodiesOpen()).To(BeZero())
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("answers bad input and a 500 with errors that name the URL", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.New, fakeserver.WithLatency(0),
			fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 1}))
		c := site.NewClient()
		DeferCleanup(c.Close)
		url := srv.URL + fakeserver.BigPath

		_, err := c.Get(ctx, url)
		var httpErr *web.HTTPError
		Expect(errors.As(err, &httpErr)).To(BeTrue())
		Expect(httpErr.StatusCode).To(Equal(500))
		Expect(err).To(MatchError(ContainSubstring(url)))

		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = c.Get(nil, url) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("nil context")))
		_, err = c.Get(ctx, "::nope::")
		Expect(err).To(MatchError(ContainSubstring("malformed URL")))
		var nilClient *web.Client
		_, err = nilClient.Get(ctx, url)
		Expect(err).To(MatchError(ContainSubstring("nil *Client")))
		Expect(nilClient.Close()).To(Succeed())

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = c.Get(cancelled, url)
		Expect(err).To(MatchError(context.Canceled))
	}, SpecTimeout(harness.SpecTimeout))
})
