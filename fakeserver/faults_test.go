package fakeserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

// statuses requests each URL in turn and returns the statuses.
func statuses(ctx context.Context, client *http.Client, urls []string) []int {
	GinkgoHelper()
	out := make([]int, len(urls))
	for i, u := range urls {
		out[i], _ = mustGet(ctx, client, u)
	}
	return out
}

var _ = Describe("Faults", func() {
	for _, nw := range servertest.Networks {
		Context(nw.Name, func() {
			It("StatusFault answers 500 by default, with a body that says it is on purpose", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault}))
				var fresh servertest.FreshConns
				status, body := mustGet(fresh.Trace(ctx), client, srv.URL+fakeserver.BigPath)
				Expect(status).To(Equal(http.StatusInternalServerError))
				Expect(string(body)).To(ContainSubstring("Internal Server Error (a fault set on purpose)"))
				sp := srv.Stats().Spans[0]
				Expect(sp.Fault).To(Equal(fakeserver.StatusFault))
				Expect(sp.Status).To(Equal(500))
				// Reuse is exact on virtual time (below); here, the count.
				mustGet(fresh.Trace(ctx), client, srv.URL+fakeserver.BigPath)
				Expect(srv.Stats().Connections).To(Equal(fresh.Count()), "the server counts the connections the client opened")
			}, SpecTimeout(harness.SpecTimeout))

			It("StatusFault answers the code it is given", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 503}))
				status, body := mustGet(ctx, client, srv.URL+fakeserver.SmallPath)
				Expect(status).To(Equal(http.StatusServiceUnavailable))
				Expect(string(body)).To(ContainSubstring("Service Unavailable"))
				Expect(srv.Stats().Spans[0].Status).To(Equal(503))
			}, SpecTimeout(harness.SpecTimeout))

			It("ResetFault closes the connection without an answer: the client gets an error", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.ResetFault}))
				_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
				Expect(err).To(HaveOccurred())
				Expect(srv.Stats().Spans).To(HaveLen(1), "the span is recorded before the connection is closed")
				sp := srv.Stats().Spans[0]
				Expect(sp.Fault).To(Equal(fakeserver.ResetFault))
				Expect(sp.Status).To(BeZero())
				Expect(sp.Canceled).To(BeTrue())
			}, SpecTimeout(harness.SpecTimeout))

			It("TruncateFault sends half the body: reading it fails with an unexpected EOF", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.TruncateFault}))
				resp, err := client.Get(srv.URL + fakeserver.BigPath)
				Expect(err).NotTo(HaveOccurred())
				defer resp.Body.Close()
				Expect(resp.StatusCode).To(Equal(http.StatusOK))
				Expect(resp.ContentLength).To(BeEquivalentTo(fakeserver.BigSize))
				body, err := io.ReadAll(resp.Body)
				Expect(err).To(MatchError(io.ErrUnexpectedEOF))
				Expect(body).To(HaveLen(fakeserver.BigSize / 2))
				want, _ := fakeserver.Body(fakeserver.BigPath)
				Expect(body).To(Equal(want[:fakeserver.BigSize/2]))
				Expect(srv.Stats().Spans).To(HaveLen(1), "the span is recorded before the connection is closed")
				sp := srv.Stats().Spans[0]
				Expect(sp.Fault).To(Equal(fakeserver.TruncateFault))
				Expect(sp.Bytes).To(Equal(fakeserver.BigSize / 2))
				Expect(sp.Canceled).To(BeTrue())
			}, SpecTimeout(harness.SpecTimeout))

			It("HangFault never answers: the request ends at the client's deadline", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
				reqCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
				deadline, _ := reqCtx.Deadline()
				_, _, err := get(reqCtx, client, srv.URL+fakeserver.BigPath)
				// Measured against the context's own deadline, not a clock started
				// after it was set: on a busy machine that gap alone is milliseconds.
				ended := time.Now()
				Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
				Expect(ended).NotTo(BeTemporally("<", deadline), "the request ended %v before the deadline", deadline.Sub(ended))
				Eventually(func() []fakeserver.Span { return srv.Stats().Spans }).Should(HaveLen(1))
				sp := srv.Stats().Spans[0]
				Expect(sp.Fault).To(Equal(fakeserver.HangFault))
				Expect(sp.Canceled).To(BeTrue())
				Expect(sp.Status).To(BeZero())
			}, SpecTimeout(harness.SpecTimeout))
		})
	}

	Describe("on virtual time", func() {
		It("StatusFault keeps the connection open: the next request reuses it", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault}))
				defer closeBoth()
				status, _ := mustGet(context.Background(), client, srv.URL+fakeserver.BigPath)
				Expect(status).To(Equal(http.StatusInternalServerError))
				mustGet(context.Background(), client, srv.URL+fakeserver.BigPath)
				Expect(srv.Stats().Connections).To(Equal(1))
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("SlowBodyFault sends the body in 16 chunks, the latency apart by default: latency + 15 × latency", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(100*time.Millisecond), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.SlowBodyFault}))
				defer closeBoth()
				start := time.Now()
				status, body := mustGet(context.Background(), client, srv.URL+fakeserver.BigPath)
				Expect(time.Since(start)).To(Equal(100*time.Millisecond + 15*100*time.Millisecond))
				Expect(status).To(Equal(http.StatusOK))
				want, _ := fakeserver.Body(fakeserver.BigPath)
				Expect(body).To(Equal(want))
				sp := srv.Stats().Spans[0]
				Expect(sp.Duration()).To(Equal(1600 * time.Millisecond))
				Expect(sp.Fault).To(Equal(fakeserver.SlowBodyFault))
				Expect(sp.Bytes).To(Equal(fakeserver.BigSize))
				Expect(sp.Status).To(Equal(http.StatusOK))
				Expect(sp.Canceled).To(BeFalse())
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("SlowBodyFault uses its own Delay: 15 × delay after the latency, the first chunk at once", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(100*time.Millisecond),
					fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.SlowBodyFault, Delay: 10 * time.Millisecond}))
				defer closeBoth()
				start := time.Now()
				resp, err := client.Get(srv.URL + fakeserver.SmallPath)
				Expect(err).NotTo(HaveOccurred())
				defer resp.Body.Close()
				Expect(time.Since(start)).To(Equal(100*time.Millisecond), "the headers and first chunk come after the latency")
				body, err := io.ReadAll(resp.Body)
				Expect(err).NotTo(HaveOccurred())
				Expect(body).To(HaveLen(fakeserver.SmallSize))
				Expect(time.Since(start)).To(Equal(100*time.Millisecond + 15*10*time.Millisecond))
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("SlowBodyFault stops when the client gives up mid-body", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0),
					fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.SlowBodyFault, Delay: 100 * time.Millisecond}))
				defer closeBoth()
				ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
				defer cancel()
				_, body, err := get(ctx, client, srv.URL+fakeserver.BigPath)
				Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
				Expect(len(body)).To(BeNumerically("<", fakeserver.BigSize))
				srv.Close() // waits for the handler
				sp := srv.Stats().Spans[0]
				Expect(sp.Canceled).To(BeTrue())
				Expect(sp.Duration()).To(Equal(250 * time.Millisecond))
				Expect(sp.Bytes).To(BeNumerically("<", fakeserver.BigSize))
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("HangFault ends exactly at the client's deadline", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(50*time.Millisecond), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
				defer closeBoth()
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				defer cancel()
				start := time.Now()
				_, _, err := get(ctx, client, srv.URL+fakeserver.BigPath)
				Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "got %v", err)
				Expect(time.Since(start)).To(Equal(3 * time.Second))
				srv.Close() // waits for the handler
				sp := srv.Stats().Spans[0]
				Expect(sp.Duration()).To(Equal(3 * time.Second))
				Expect(sp.Canceled).To(BeTrue())
				Expect(sp.Fault).To(Equal(fakeserver.HangFault))
			})
		}, SpecTimeout(harness.SpecTimeout))

		It("HangFault ends exactly at an http.Client's Timeout too", func(SpecContext) {
			harness.Virtual(func() {
				srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.HangFault}))
				defer closeBoth()
				client.Timeout = 2 * time.Second
				start := time.Now()
				_, _, err := get(context.Background(), client, srv.URL+fakeserver.BigPath)
				Expect(err).To(HaveOccurred())
				Expect(time.Since(start)).To(Equal(2 * time.Second))
			})
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("filters", func() {
		It("limits a fault to a Path (the query ignored)", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Path: fakeserver.SmallPath}))
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 4))).To(Equal([]int{200, 500, 200, 500}))
		}, SpecTimeout(harness.SpecTimeout))

		It("limits a fault to the Request-th request, counted across paths", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 3}))
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 5))).To(Equal([]int{200, 200, 500, 200, 200}))
		}, SpecTimeout(harness.SpecTimeout))

		It("limits a fault to every Every-th request", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Every: 3}))
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 7))).To(Equal([]int{200, 200, 500, 200, 200, 500, 200}))
		}, SpecTimeout(harness.SpecTimeout))

		It("needs every filter given to match", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0), fakeserver.WithFaults(
				fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 501, Every: 2, Request: 4},
				fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 502, Every: 3, Path: fakeserver.BigPath},
			))
			// Requests 1…6 alternate big, small: #3 is big and a multiple of 3; #6 is small.
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 6))).To(Equal([]int{200, 200, 502, 501, 200, 200}))
		}, SpecTimeout(harness.SpecTimeout))

		It("applies the first matching fault: a specific fault listed first overrides a general one", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0), fakeserver.WithFaults(
				fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 503, Path: fakeserver.SmallPath},
				fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 500},
			), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 418}))
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 4))).To(Equal([]int{500, 503, 500, 503}))
		}, SpecTimeout(harness.SpecTimeout))

		It("takes faults added at run time for the requests that come after, behind those already set", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 503, Request: 4}))
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 2))).To(Equal([]int{200, 200}))
			srv.AddFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: 502})
			Expect(statuses(ctx, client, fakeserver.SitesN(srv.URL, 3))).To(Equal([]int{502, 503, 502}))
			Expect(srv.Stats().Spans[0].Fault).To(BeZero())
			Expect(srv.Stats().Spans[2].Fault).To(Equal(fakeserver.StatusFault))
		}, SpecTimeout(harness.SpecTimeout))

		It("answers 404 for an unknown path even when a fault matches", func(ctx SpecContext) {
			srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault}))
			status, _ := mustGet(ctx, client, srv.URL+"/nope")
			Expect(status).To(Equal(http.StatusNotFound))
		}, SpecTimeout(harness.SpecTimeout))
	})

	It("describes itself", func(SpecContext) {
		Expect(fakeserver.Fault{Kind: fakeserver.StatusFault}.String()).To(Equal("status fault on every request"))
		Expect(fakeserver.Fault{Kind: fakeserver.ResetFault, Path: fakeserver.SmallPath}.String()).
			To(Equal("reset fault on path /olympus.realpython.org/dice"))
		Expect(fakeserver.Fault{Kind: fakeserver.TruncateFault, Request: 3}.String()).To(Equal("truncate fault on request #3"))
		Expect(fakeserver.Fault{Kind: fakeserver.SlowBodyFault, Every: 5}.String()).To(Equal("slow body fault on every 5 requests"))
		Expect(fakeserver.Fault{Kind: fakeserver.HangFault, Path: "/x", Request: 2, Every: 4}.String()).
			To(Equal("hang fault on path /x, request #2, every 4 requests"))
		Expect(fakeserver.FaultKind(0).String()).To(Equal("FaultKind(0)"))
		Expect(fakeserver.FaultKind(42).String()).To(Equal("FaultKind(42)"))
		for k, name := range map[fakeserver.FaultKind]string{
			fakeserver.StatusFault: "status", fakeserver.ResetFault: "reset", fakeserver.TruncateFault: "truncate",
			fakeserver.SlowBodyFault: "slow body", fakeserver.HangFault: "hang",
		} {
			Expect(k.String()).To(Equal(name))
			Expect(strings.HasPrefix(fakeserver.Fault{Kind: k}.String(), name+" fault")).To(BeTrue())
		}
	}, SpecTimeout(harness.SpecTimeout))
})
