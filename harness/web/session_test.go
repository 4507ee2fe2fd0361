package web_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

var _ = Describe("Session", func() {
	for _, nw := range servertest.Networks {
		Context(nw.Name, func() {
			It("keeps its connections alive for sequential Gets, as one session", func(ctx SpecContext) {
				srv, site := servertest.NewSite(nw.Start, fakeserver.WithLatency(0))
				s := servertest.NewSession(site)
				var fresh servertest.FreshConns
				for _, u := range fakeserver.SitesN(srv.URL, 10) {
					Expect(mustRead(fresh.Trace(ctx), s, u)).To(Equal(page(u[len(srv.URL):])))
				}
				st := srv.Stats()
				Expect(st.Requests).To(Equal(10))
				Expect(st.Connections).To(Equal(fresh.Count()), "the connections the client opened; exactly one on virtual time (below)")
				Expect(st.Sessions).To(Equal([]string{"s1"}))
				for _, sp := range st.Spans {
					Expect(sp.Session).To(Equal("s1"))
				}
			}, SpecTimeout(harness.SpecTimeout))

			It("closes the body of a non-2xx answer itself and returns an *HTTPError naming the URL and code", func(ctx SpecContext) {
				srv, site := servertest.NewSite(nw.Start, fakeserver.WithLatency(0),
					fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 503, Request: 1}))
				s := servertest.NewSession(site)
				url := srv.URL + fakeserver.SmallPath + "?n=1"
				resp, err := s.Get(ctx, url)
				Expect(resp).To(BeNil())
				var httpErr *web.HTTPError
				Expect(errors.As(err, &httpErr)).To(BeTrue(), "got %v", err)
				Expect(httpErr.URL).To(Equal(url))
				Expect(httpErr.StatusCode).To(Equal(503))
				Expect(err.Error()).To(Equal("GET " + url + ": server answered 503 Service Unavailable"))

				mustRead(ctx, s, url)
				_, err = s.Get(ctx, srv.URL+"/missing")
				Expect(errors.As(err, &httpErr)).To(BeTrue())
				Expect(httpErr.StatusCode).To(Equal(http.StatusNotFound))
				mustRead(ctx, s, url)
			}, SpecTimeout(harness.SpecTimeout))

			It("leaves no connection and no goroutine once closed, while the server goes on", func(ctx SpecContext) {
				srv, site := servertest.NewSite(nw.Start, fakeserver.WithLatency(0))
				before := goleak.IgnoreCurrent()
				s := site.NewSession()
				for _, u := range fakeserver.SitesN(srv.URL, 4) {
					mustRead(ctx, s, u)
				}
				Expect(s.Close()).To(Succeed())
				Expect(goleak.Find(before)).To(Succeed())
			}, SpecTimeout(harness.SpecTimeout))
		})
	}

	It("reuses exactly one connection for sequential Gets, an error's answer included (virtual time)", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 503, Request: 2}))
			defer closeBoth()
			for i, u := range fakeserver.SitesN(srv.URL, 10) {
				_, err := read(context.Background(), s, u)
				if i == 1 {
					Expect(err).To(HaveOccurred())
					continue
				}
				Expect(err).NotTo(HaveOccurred())
			}
			_, err := s.Get(context.Background(), srv.URL+"/missing")
			Expect(err).To(HaveOccurred())
			mustRead(context.Background(), s, srv.URL+fakeserver.SmallPath)
			st := srv.Stats()
			Expect(st.Requests).To(Equal(12))
			Expect(st.Connections).To(Equal(1), "an error's body is read and closed by Get, so its connection is reused")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("names sessions s1, s2… in the order made, and the Site counts them", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		Expect(site.Server()).To(BeIdenticalTo(srv))
		Expect(site.SessionsMade()).To(BeZero())
		Expect(site.SessionsOpen()).To(BeZero())
		a, b, c := site.NewSession(), site.NewSession(), site.NewSession()
		defer a.Close()
		defer b.Close()
		defer c.Close()
		Expect([]string{a.ID(), b.ID(), c.ID()}).To(Equal([]string{"s1", "s2", "s3"}))
		Expect(site.SessionsMade()).To(Equal(3))
		Expect(site.SessionsOpen()).To(Equal(3))

		mustRead(ctx, c, srv.URL+fakeserver.BigPath)
		mustRead(ctx, a, srv.URL+fakeserver.BigPath)
		mustRead(ctx, c, srv.URL+fakeserver.BigPath)
		st := srv.Stats()
		Expect(st.Sessions).To(Equal([]string{"s3", "s1"}))
		Expect(st.SessionsPerConn()).To(HaveEach(1), "each connection belongs to one session")

		Expect(b.Close()).To(Succeed())
		Expect(site.SessionsOpen()).To(Equal(2))
		Expect(b.Close()).To(Succeed())
		Expect(site.SessionsOpen()).To(Equal(2), "closing twice counts once")
		Expect(site.SessionsMade()).To(Equal(3))

		other := web.NewSite(srv).NewSession()
		defer other.Close()
		Expect(other.ID()).To(Equal("s1"), "each Site counts its own")
	}, SpecTimeout(harness.SpecTimeout))

	Describe("errors that need no network", func() {
		var (
			srv *fakeserver.Server
			s   *web.Session
		)
		BeforeEach(func() {
			var site *web.Site
			srv, site = servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
			s = servertest.NewSession(site)
		})

		It("refuses a nil context, naming the URL", func(SpecContext) {
			var nilCtx context.Context
			url := srv.URL + fakeserver.BigPath
			resp, err := s.Get(nilCtx, url)
			Expect(resp).To(BeNil())
			Expect(err).To(MatchError(ContainSubstring("GET " + url + ": harness: nil context")))
			Expect(srv.Stats().Requests).To(BeZero())
		}, SpecTimeout(harness.SpecTimeout))

		DescribeTable("refuses a malformed URL, naming it",
			func(ctx SpecContext, url string) {
				resp, err := s.Get(ctx, url)
				Expect(resp).To(BeNil())
				Expect(err).To(MatchError(ContainSubstring(`GET "` + url + `": harness: malformed URL: want an absolute http:// URL such as http://fakeserver.invalid/www.jython.org`)))
				Expect(srv.Stats().Requests).To(BeZero())
			},
			Entry("no scheme at all", "::", SpecTimeout(harness.SpecTimeout)),
			Entry("another scheme", "ftp://x", SpecTimeout(harness.SpecTimeout)),
			Entry("a relative URL", "/relative", SpecTimeout(harness.SpecTimeout)),
			Entry("no host", "http:///www.jython.org", SpecTimeout(harness.SpecTimeout)),
			Entry("empty", "", SpecTimeout(harness.SpecTimeout)),
		)

		It("refuses after Close with ErrSessionClosed, naming the URL and the session", func(ctx SpecContext) {
			Expect(s.Close()).To(Succeed())
			url := srv.URL + fakeserver.BigPath
			_, err := s.Get(ctx, url)
			Expect(errors.Is(err, web.ErrSessionClosed)).To(BeTrue())
			Expect(err.Error()).To(Equal("GET " + url + ": harness: Session used after Close (session s1)"))
			Expect(srv.Stats().Requests).To(BeZero())
		}, SpecTimeout(harness.SpecTimeout))

		It("says so for a nil *Session, and closing one is harmless", func(ctx SpecContext) {
			var nilSession *web.Session
			_, err := nilSession.Get(ctx, srv.URL)
			Expect(err).To(MatchError(ContainSubstring("GET " + srv.URL + ": harness: nil *Session (make one with site.NewSession())")))
			Expect(nilSession.Close()).To(Succeed())
		}, SpecTimeout(harness.SpecTimeout))
	})

	It("names the URL of a network failure, which is not an *HTTPError", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.New, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.ResetFault}))
		s := servertest.NewSession(site)
		url := srv.URL + fakeserver.BigPath
		_, err := s.Get(ctx, url)
		Expect(err).To(MatchError(HavePrefix("GET " + url + ": ")))
		var httpErr *web.HTTPError
		Expect(errors.As(err, &httpErr)).To(BeFalse())
	}, SpecTimeout(harness.SpecTimeout))

	It("ends a Get when its context is cancelled: errors.Is(err, context.Canceled), the URL named once", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(time.Second))
			defer closeBoth()
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(10*time.Millisecond, cancel)
			url := srv.URL + fakeserver.BigPath
			start := time.Now()
			_, err := s.Get(ctx, url)
			Expect(time.Since(start)).To(Equal(10 * time.Millisecond))
			Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "got %v", err)
			Expect(err.Error()).To(Equal("GET " + url + ": context canceled"))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("ends a Get at its context's deadline: errors.Is(err, context.DeadlineExceeded)", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
			defer closeBoth()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			start := time.Now()
			_, err := s.Get(ctx, srv.URL+fakeserver.BigPath)
			Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
			Expect(time.Since(start)).To(Equal(2 * time.Second))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("may be handed from goroutine to goroutine through a channel", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(100 * time.Millisecond))
			defer closeBoth()
			baton := make(chan *web.Session, 1)
			var wg sync.WaitGroup
			for _, u := range fakeserver.SitesN(srv.URL, 4) {
				wg.Go(func() {
					defer GinkgoRecover()
					mine := <-baton
					mustRead(context.Background(), mine, u)
					baton <- mine
				})
			}
			baton <- s
			wg.Wait()
			Expect(<-baton).To(BeIdenticalTo(s))
			st := srv.Stats()
			Expect(st.Connections).To(Equal(1))
			Expect(st.PeakInFlight).To(Equal(1))
			Expect(st.Elapsed()).To(Equal(400 * time.Millisecond))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns ErrConcurrentUse to a second goroutine calling Get while a Get is in flight", func(SpecContext) {
		harness.Virtual(func() {
			srv, s, closeBoth := sessionInBubble(fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault, Request: 1}))
			defer closeBoth()
			url := srv.URL + fakeserver.BigPath

			ctx, cancel := context.WithCancel(context.Background())
			first := make(chan error, 1)
			go func() {
				_, err := s.Get(ctx, url)
				first <- err
			}()
			// Wait until the first Get is blocked in the server. Reading the
			// server's stats (under its mutex, after the request crossed the
			// in-memory pipe's channels) orders the first Get's unsynchronised
			// write before the second's: the race detector sees a hand-off,
			// not a race, while the Get itself is still in flight.
			synctest.Wait()
			Expect(srv.Stats().InFlight).To(Equal(1))

			_, err := s.Get(context.Background(), url)
			Expect(errors.Is(err, web.ErrConcurrentUse)).To(BeTrue(), "got %v", err)
			Expect(err.Error()).To(HavePrefix("GET " + url + ": harness: Session used by two goroutines at once (session s1)"))
			Expect(err.Error()).To(ContainSubstring(`kata 03, README: "One session per worker"`))
			Expect(srv.Stats().Requests).To(Equal(1), "the refused Get sent nothing")

			cancel()
			Expect(errors.Is(<-first, context.Canceled)).To(BeTrue())
			// The Session is free again.
			Expect(mustRead(context.Background(), s, url)).To(HaveLen(fakeserver.BigSize))
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("CloseTakes", func() {
	It("holds the first Close of a Session and of a Client for its time before SessionsOpen counts it, refusing requests at once", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory()
			defer srv.Close()
			site := web.NewSite(srv, web.CloseTakes(time.Second))
			s, c := site.NewSession(), site.NewClient()
			start := time.Now()
			var wg sync.WaitGroup
			wg.Go(func() { s.Close() })
			wg.Go(func() { c.Close() })
			synctest.Wait() // both Closes are asleep in their second
			Expect(site.SessionsOpen()).To(Equal(2), "a Close that has not taken its time yet is not counted")
			_, err := s.Get(context.Background(), srv.URL+fakeserver.BigPath)
			Expect(err).To(MatchError(web.ErrSessionClosed), "the session refuses requests from the start of its Close")
			wg.Wait()
			Expect(time.Since(start)).To(Equal(time.Second), "the two Closes take their second side by side")
			Expect(site.SessionsOpen()).To(BeZero())
			start = time.Now()
			Expect(s.Close()).To(Succeed())
			Expect(time.Since(start)).To(BeZero(), "a second Close takes no time")
		})
	}, SpecTimeout(harness.SpecTimeout))
})
