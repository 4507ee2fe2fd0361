package web_test

import (
	"context"
	"errors"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

// isDone reports whether c has finished, without waiting.
func isDone(c *web.Call) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

var _ = Describe("Begin and Call", func() {
	It("has many Calls of one Session in flight at once, all begun from one goroutine", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(100 * time.Millisecond))
			defer closeBoth()

			const n = 12
			urls := fakeserver.SitesN(srv.URL, n)
			start := time.Now()
			calls := make([]*web.Call, n)
			for i, u := range urls {
				calls[i] = s.Begin(context.Background(), u)
			}
			Expect(time.Since(start)).To(BeZero(), "Begin returns at once")
			for i, c := range calls {
				Expect(c.URL()).To(Equal(urls[i]))
				body, err := c.Body()
				Expect(err).NotTo(HaveOccurred())
				Expect(body).To(Equal(page(urls[i][len(srv.URL):])))
			}
			Expect(time.Since(start)).To(Equal(100 * time.Millisecond))
			st := srv.Stats()
			Expect(st.PeakInFlight).To(Equal(n))
			Expect(st.Sessions).To(Equal([]string{"s1"}))
			Expect(st.PeakPerSession()).To(Equal(map[string]int{"s1": n}))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("closes Done when the call has finished, and Body then returns at once", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(time.Second))
			defer closeBoth()
			c := s.Begin(context.Background(), srv.URL+fakeserver.SmallPath)
			time.Sleep(999 * time.Millisecond)
			Expect(isDone(c)).To(BeFalse())
			start := time.Now()
			<-c.Done()
			Expect(time.Since(start)).To(Equal(time.Millisecond))
			Expect(isDone(c)).To(BeTrue())
			body, err := c.Body()
			Expect(err).NotTo(HaveOccurred())
			Expect(body).To(Equal(page(fakeserver.SmallPath)))
			body2, _ := c.Body()
			Expect(body2).To(Equal(body), "Body may be called again")
		})
	}, SpecTimeout(harness.SpecTimeout))

	Describe("errors, as for Get", func() {
		It("reports a nil context, a malformed URL and a closed Session through a Call already done", func(ctx SpecContext) {
			srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
			s := servertest.NewSession(site)
			url := srv.URL + fakeserver.BigPath

			var nilCtx context.Context
			c := s.Begin(nilCtx, url)
			Expect(isDone(c)).To(BeTrue())
			_, err := c.Body()
			Expect(err).To(MatchError(ContainSubstring("GET " + url + ": harness: nil context")))

			c = s.Begin(ctx, "ftp://x")
			Expect(isDone(c)).To(BeTrue())
			Expect(c.URL()).To(Equal("ftp://x"))
			_, err = c.Body()
			Expect(err).To(MatchError(ContainSubstring(`GET "ftp://x": harness: malformed URL`)))

			Expect(s.Close()).To(Succeed())
			c = s.Begin(ctx, url)
			Expect(isDone(c)).To(BeTrue())
			_, err = c.Body()
			Expect(errors.Is(err, web.ErrSessionClosed)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring(url)))
			Expect(srv.Stats().Requests).To(BeZero())
		}, SpecTimeout(harness.SpecTimeout))

		It("returns an *HTTPError for a non-2xx answer, and closes its body", func(ctx SpecContext) {
			srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 502, Request: 1}))
			s := servertest.NewSession(site)
			url := srv.URL + fakeserver.SmallPath
			body, err := s.Begin(ctx, url).Body()
			Expect(body).To(BeNil())
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(), "got %v", err)
			Expect(*httpErr).To(Equal(web.HTTPError{URL: url, StatusCode: 502}))
			var fresh servertest.FreshConns
			_, err = s.Begin(fresh.Trace(ctx), url).Body()
			Expect(err).NotTo(HaveOccurred())
			Expect(srv.Stats().Connections).To(Equal(1+fresh.Count()), "the second call reuses the first's connection, unless net/http gave up on it (see servertest.FreshConns)")
		}, SpecTimeout(harness.SpecTimeout))

		It("names the URL when the body cannot be read whole", func(ctx SpecContext) {
			srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.TruncateFault}))
			s := servertest.NewSession(site)
			url := srv.URL + fakeserver.BigPath
			_, err := s.Begin(ctx, url).Body()
			Expect(errors.Is(err, io.ErrUnexpectedEOF)).To(BeTrue(), "got %v", err)
			Expect(err.Error()).To(Equal("GET " + url + ": reading the body: unexpected EOF"))
		}, SpecTimeout(harness.SpecTimeout))

		It("ends when its context is cancelled: errors.Is(err, context.Canceled)", func(SpecContext) {
			harness.Virtual(func() {
				srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(time.Second))
				defer closeBoth()
				ctx, cancel := context.WithCancel(context.Background())
				url := srv.URL + fakeserver.BigPath
				a, b := s.Begin(ctx, url), s.Begin(context.Background(), url)
				time.Sleep(10 * time.Millisecond)
				cancel()
				_, err := a.Body()
				Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "got %v", err)
				Expect(err).To(MatchError(HavePrefix("GET " + url + ": ")))
				Expect(isDone(b)).To(BeFalse(), "cancelling one call leaves the others alone")
				_, err = b.Body()
				Expect(err).NotTo(HaveOccurred())
			})
		}, SpecTimeout(harness.SpecTimeout))
	})

	for _, nw := range servertest.Networks {
		It("lets Calls in flight at Close finish, and leaves no goroutine after them, "+nw.Name, func(ctx SpecContext) {
			srv, site := servertest.NewSite(nw.Start, fakeserver.WithLatency(50*time.Millisecond))
			before := goleak.IgnoreCurrent()
			s := site.NewSession()
			urls := fakeserver.SitesN(srv.URL, 8)
			var calls []*web.Call
			for _, u := range urls {
				calls = append(calls, s.Begin(ctx, u))
			}
			Expect(s.Close()).To(Succeed())
			Expect(site.SessionsOpen()).To(BeZero())
			for _, c := range calls {
				_, err := c.Body()
				Expect(err).NotTo(HaveOccurred(), "a call begun before Close finishes")
			}
			_, err := s.Begin(ctx, urls[0]).Body()
			Expect(errors.Is(err, web.ErrSessionClosed)).To(BeTrue())
			// The server still runs: only the session's goroutines (its
			// calls and its connections) must be gone.
			Expect(goleak.Find(before)).To(Succeed())
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("leaves no goroutine in a bubble once its Calls are done and the Session closed, server still open", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(100 * time.Millisecond))
			defer srv.Close()
			s := web.NewSite(srv).NewSession()
			var calls []*web.Call
			for _, u := range fakeserver.SitesN(srv.URL, 5) {
				calls = append(calls, s.Begin(context.Background(), u))
			}
			time.Sleep(50 * time.Millisecond)
			s.Close()
			for _, c := range calls {
				<-c.Done()
			}
			time.Sleep(time.Second) // let the server notice the closed connections
			// No connection of the client (persistConn loops), no server
			// connection (conn.serve) and no Call goroutine is left.
			for _, g := range harness.BubbleGoroutines() {
				Expect(g).NotTo(Or(ContainSubstring("persistConn"), ContainSubstring("(*conn).serve"), ContainSubstring("harness.(*Session)")))
			}
		})
	}, SpecTimeout(harness.SpecTimeout))
})
