package fakeserver_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

var _ = Describe("Close", func() {
	// Ways a request can be in flight when the server closes.
	inFlight := []struct {
		name string
		opts []fakeserver.Option
	}{
		{"waiting for a long latency", []fakeserver.Option{fakeserver.WithLatency(time.Hour)}},
		{"hanging", []fakeserver.Option{fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault})}},
		{"sending a slow body", []fakeserver.Option{fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.SlowBodyFault, Delay: time.Hour})}},
	}

	for _, nw := range servertest.Networks {
		for _, tc := range inFlight {
			It("returns in under a second with 100 requests "+tc.name+", "+nw.Name+", and leaves no goroutine", func(ctx SpecContext) {
				srv := nw.Start(tc.opts...)
				DeferCleanup(srv.Close)
				client := srv.Client()
				DeferCleanup(client.CloseIdleConnections)

				const n = 100
				errs := make(chan error, n)
				for _, u := range fakeserver.SitesN(srv.URL, n) {
					go func() {
						_, _, err := get(ctx, client, u)
						errs <- err
					}()
				}
				Eventually(func() int { return srv.Stats().InFlight }).WithTimeout(10 * time.Second).Should(Equal(n))

				start := time.Now()
				srv.Close()
				Expect(time.Since(start)).To(BeNumerically("<", time.Second))

				st := srv.Stats()
				Expect(st.InFlight).To(BeZero(), "Close returns when every handler has")
				Expect(st.Spans).To(HaveLen(n))
				for _, sp := range st.Spans {
					Expect(sp.Canceled).To(BeTrue())
				}
				for range n {
					Eventually(errs).Should(Receive(HaveOccurred()), "every client sees its request fail")
				}
				// The leak check after the spec proves no goroutine is left.
			}, SpecTimeout(harness.SpecTimeout))
		}

		It("may be called twice, and afterwards requests fail, "+nw.Name, func(ctx SpecContext) {
			srv, client := serve(nw.Start, fakeserver.WithLatency(0))
			mustGet(ctx, client, srv.URL+fakeserver.BigPath)
			srv.Close()
			srv.Close()
			client.CloseIdleConnections()
			_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
			Expect(err).To(HaveOccurred())
			Expect(srv.Stats().Requests).To(Equal(1), "what was seen is still there after Close")
		}, SpecTimeout(harness.SpecTimeout))

		It("can be called from many goroutines at once, "+nw.Name, func(ctx SpecContext) {
			srv, client := serve(nw.Start, fakeserver.WithLatency(time.Hour))
			go func() { _, _, _ = get(ctx, client, srv.URL+fakeserver.BigPath) }()
			Eventually(func() int { return srv.Stats().InFlight }).Should(Equal(1))
			var wg sync.WaitGroup
			for range 5 {
				wg.Go(srv.Close)
			}
			wg.Wait()
			Expect(srv.Stats().InFlight).To(BeZero())
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("fails requests after Close with an error that says the server is closed, in memory", func(ctx SpecContext) {
		srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		srv.Close()
		_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
		Expect(err).To(MatchError(ContainSubstring("fakeserver: in-memory listener closed")))
	}, SpecTimeout(harness.SpecTimeout))

	It("ends every request at once on virtual time, and every goroutine ends", func(SpecContext) {
		harness.Virtual(func() {
			srv := fakeserver.NewInMemory(fakeserver.WithLatency(time.Hour))
			client := srv.Client()
			defer client.CloseIdleConnections()
			var wg sync.WaitGroup
			for _, u := range fakeserver.SitesN(srv.URL, 50) {
				wg.Go(func() {
					defer GinkgoRecover()
					_, _, err := get(context.Background(), client, u)
					Expect(err).To(HaveOccurred())
				})
			}
			time.Sleep(time.Minute)
			start := time.Now()
			srv.Close()
			wg.Wait()
			Expect(time.Since(start)).To(BeZero())
			st := srv.Stats()
			Expect(st.Spans).To(HaveLen(50))
			for _, sp := range st.Spans {
				Expect(sp.Duration()).To(Equal(time.Minute))
				Expect(sp.Canceled).To(BeTrue())
			}
			// Virtual returns only when every goroutine of the bubble has ended.
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Transport", func() {
	It("refuses any address but the server's, on loopback, with an error naming both", func(ctx SpecContext) {
		srv, client := serve(fakeserver.New, fakeserver.WithLatency(0))
		_, _, err := get(ctx, client, "http://127.0.0.1:1/www.jython.org")
		Expect(err).To(MatchError(ContainSubstring("fakeserver: refusing to dial 127.0.0.1:1: the katas only reach the fake server at " + srv.URL)))
		_, _, err = get(ctx, client, "http://example.com/")
		Expect(err).To(MatchError(ContainSubstring("refusing to dial example.com:80")))
		Expect(srv.Stats().Connections).To(BeZero())
		// The server's own address works.
		mustGet(ctx, client, srv.URL+fakeserver.SmallPath)
		Expect(strings.HasPrefix(srv.URL, "http://127.0.0.1:")).To(BeTrue())
	}, SpecTimeout(harness.SpecTimeout))

	It("refuses any address but the server's, in memory", func(ctx SpecContext) {
		srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		Expect(srv.URL).To(Equal("http://fakeserver.invalid"))
		_, _, err := get(ctx, client, "http://127.0.0.1:80/")
		Expect(err).To(MatchError(ContainSubstring("fakeserver: refusing to dial 127.0.0.1:80: the katas only reach the fake server at http://fakeserver.invalid")))
		_, _, err = get(ctx, client, "http://fakeserver.invalid:8080/")
		Expect(err).To(MatchError(ContainSubstring("refusing to dial fakeserver.invalid:8080")))
		mustGet(ctx, client, srv.URL+fakeserver.SmallPath)
	}, SpecTimeout(harness.SpecTimeout))

	It("is a new transport with its own pool each time, and never uses a proxy", func(ctx SpecContext) {
		srv := fakeserver.NewInMemory(fakeserver.WithLatency(0))
		DeferCleanup(srv.Close)
		a, b := srv.Transport(), srv.Transport()
		DeferCleanup(a.CloseIdleConnections)
		DeferCleanup(b.CloseIdleConnections)
		Expect(a).NotTo(BeIdenticalTo(b))
		Expect(a.Proxy).To(BeNil())
		for _, tr := range []*http.Transport{a, b} {
			mustGet(ctx, &http.Client{Transport: tr}, srv.URL+fakeserver.BigPath)
		}
		Expect(srv.Stats().Connections).To(Equal(2))
	}, SpecTimeout(harness.SpecTimeout))

	It("does not reach an in-memory server from an ordinary client", func(ctx SpecContext) {
		srv := fakeserver.NewInMemory(fakeserver.WithLatency(0))
		DeferCleanup(srv.Close)
		client := &http.Client{Transport: &http.Transport{}}
		DeferCleanup(client.CloseIdleConnections)
		_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
		Expect(err).To(HaveOccurred(), "the .invalid domain never resolves")
	}, SpecTimeout(harness.SpecTimeout))
})
