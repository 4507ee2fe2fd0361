package fakeserver_test

import (
	"context"
	"errors"
	"net/http"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
)

// latencies returns the Latency of each span, in order of Seq.
func latencies(st fakeserver.Stats) []time.Duration {
	out := make([]time.Duration, len(st.Spans))
	for i, sp := range st.Spans {
		out[i] = sp.Latency
	}
	return out
}

var _ = Describe("Latency", func() {
	It("makes a request over loopback take at least the latency", func(ctx SpecContext) {
		const latency = 30 * time.Millisecond
		srv, client := serve(fakeserver.New, fakeserver.WithLatency(latency))
		Expect(srv.Latency()).To(Equal(latency))
		start := time.Now()
		status, _ := mustGet(ctx, client, srv.URL+fakeserver.SmallPath)
		Expect(status).To(Equal(http.StatusOK))
		Expect(time.Since(start)).To(BeNumerically(">=", latency))
		sp := srv.Stats().Spans[0]
		Expect(sp.Latency).To(Equal(latency))
		Expect(sp.Duration()).To(BeNumerically(">=", latency))
	}, SpecTimeout(harness.SpecTimeout))

	It("uses DefaultLatency (20ms) unless told, and treats a negative latency as zero", func(SpecContext) {
		srv := fakeserver.NewInMemory()
		defer srv.Close()
		Expect(srv.Latency()).To(Equal(fakeserver.DefaultLatency))
		Expect(fakeserver.DefaultLatency).To(Equal(20 * time.Millisecond))
		neg := fakeserver.NewInMemory(fakeserver.WithLatency(-time.Second))
		defer neg.Close()
		Expect(neg.Latency()).To(BeZero())
	}, SpecTimeout(harness.SpecTimeout))

	It("takes exactly the latency per request on virtual time", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(100 * time.Millisecond))
			defer closeBoth()

			start := time.Now()
			mustGet(context.Background(), client, srv.URL+fakeserver.BigPath)
			Expect(time.Since(start)).To(Equal(100 * time.Millisecond))
			for range 3 {
				mustGet(context.Background(), client, srv.URL+fakeserver.SmallPath)
			}
			Expect(time.Since(start)).To(Equal(400 * time.Millisecond))
			st := srv.Stats()
			Expect(st.Elapsed()).To(Equal(400 * time.Millisecond))
			for _, sp := range st.Spans {
				Expect(sp.Duration()).To(Equal(100 * time.Millisecond))
				Expect(sp.Latency).To(Equal(100 * time.Millisecond))
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("answers at once with zero latency, on virtual time", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0))
			defer closeBoth()
			start := time.Now()
			mustGet(context.Background(), client, srv.URL+fakeserver.BigPath)
			Expect(time.Since(start)).To(BeZero())
		})
	}, SpecTimeout(harness.SpecTimeout))

	Describe("jitter", func() {
		// run makes n sequential requests to a server with the options and
		// returns its spans' latencies, checking each span took exactly its
		// latency.
		run := func(n int, opts ...fakeserver.Option) []time.Duration {
			var lats []time.Duration
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(opts...)
				defer closeBoth()
				for _, u := range fakeserver.SitesN(srv.URL, n) {
					mustGet(context.Background(), client, u)
				}
				st := srv.Stats()
				for _, sp := range st.Spans {
					Expect(sp.Duration()).To(Equal(sp.Latency), "span %d lasts its own latency, jitter included", sp.Seq)
				}
				lats = latencies(st)
			})
			return lats
		}

		It("adds a deterministic extra in [0, spread) per request: same seed, same latencies", func(SpecContext) {
			const base, spread = 10 * time.Millisecond, 50 * time.Millisecond
			a := run(20, fakeserver.WithLatency(base), fakeserver.WithJitter(spread, 42))
			b := run(20, fakeserver.WithLatency(base), fakeserver.WithJitter(spread, 42))
			c := run(20, fakeserver.WithLatency(base), fakeserver.WithJitter(spread, 43))
			Expect(a).To(HaveLen(20))
			Expect(a).To(Equal(b), "the same seed gives the same latency to the same Seq")
			Expect(a).NotTo(Equal(c), "another seed gives other latencies")
			distinct := map[time.Duration]bool{}
			for _, l := range a {
				Expect(l).To(BeNumerically(">=", base))
				Expect(l).To(BeNumerically("<", base+spread))
				distinct[l] = true
			}
			Expect(len(distinct)).To(BeNumerically(">", 10), "jitter spreads the latencies")
		}, SpecTimeout(harness.SpecTimeout))

		It("gives the same latency per Seq even when requests arrive concurrently", func(SpecContext) {
			seq := run(8, fakeserver.WithLatency(0), fakeserver.WithJitter(time.Second, 7))
			var conc []time.Duration
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0), fakeserver.WithJitter(time.Second, 7))
				defer closeBoth()
				getAll(context.Background(), client, fakeserver.SitesN(srv.URL, 8))
				st := srv.Stats()
				Expect(st.PeakInFlight).To(Equal(8))
				conc = latencies(st)
			})
			Expect(conc).To(Equal(seq))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("cancellation", func() {
		It("ends the wait when the client cancels, at that very moment on virtual time", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(time.Second))
				defer closeBoth()

				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				time.AfterFunc(10*time.Millisecond, cancel)
				start := time.Now()
				_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
				Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "got %v", err)
				Expect(time.Since(start)).To(Equal(10 * time.Millisecond))

				synctest.Wait() // the handler has noticed and returned
				st := srv.Stats()
				Expect(st.InFlight).To(BeZero())
				Expect(st.Spans).To(HaveLen(1))
				sp := st.Spans[0]
				Expect(sp.Canceled).To(BeTrue())
				Expect(sp.Status).To(BeZero())
				Expect(sp.Bytes).To(BeZero())
				Expect(sp.Duration()).To(Equal(10 * time.Millisecond))
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("ends the wait promptly over loopback too", func(ctx SpecContext) {
			srv, client := serve(fakeserver.New, fakeserver.WithLatency(time.Minute))
			reqCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, _, err := get(reqCtx, client, srv.URL+fakeserver.BigPath)
				done <- err
			}()
			Eventually(func() int { return srv.Stats().InFlight }).Should(Equal(1))
			cancel()
			Eventually(done).Should(Receive(MatchError(context.Canceled)))
			Eventually(func() []fakeserver.Span { return srv.Stats().Spans }).WithTimeout(time.Second).Should(HaveLen(1))
			sp := srv.Stats().Spans[0]
			Expect(sp.Canceled).To(BeTrue())
			Expect(sp.Duration()).To(BeNumerically("<", time.Second))
		}, SpecTimeout(harness.SpecTimeout))
	})
})
