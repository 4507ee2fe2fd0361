package fakeserver_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

const (
	sess   = fakeserver.SessionHeader
	worker = fakeserver.WorkerHeader
)

// spanT0 is the instant the spans made by spanAt count from.
var spanT0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// spanAt is a span from the from-th to the to-th millisecond after spanT0.
func spanAt(from, to int) fakeserver.Span {
	return fakeserver.Span{Start: spanT0.Add(time.Duration(from) * time.Millisecond), End: spanT0.Add(time.Duration(to) * time.Millisecond)}
}

var _ = Describe("Stats", func() {
	It("counts requests and paths, and an exact peak in flight of 7 for 7 concurrent clients", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(time.Second))
			defer closeBoth()

			getAll(context.Background(), client, fakeserver.SitesN(srv.URL, 7))
			st := srv.Stats()
			Expect(st.Requests).To(Equal(7))
			Expect(st.PeakInFlight).To(Equal(7))
			Expect(st.InFlight).To(BeZero())
			Expect(st.Connections).To(Equal(7), "7 requests at once need 7 connections")
			Expect(st.ByPath).To(Equal(map[string]int{fakeserver.BigPath: 4, fakeserver.SmallPath: 3}))
			Expect(st.Elapsed()).To(Equal(time.Second))

			// Then one at a time: the peak stays 7, the new requests reuse
			// the idle connections.
			for _, u := range fakeserver.SitesN(srv.URL, 3) {
				mustGet(context.Background(), client, u)
			}
			st = srv.Stats()
			Expect(st.Requests).To(Equal(10))
			Expect(st.PeakInFlight).To(Equal(7))
			Expect(st.Connections).To(Equal(7))
		})
	}, SpecTimeout(harness.SpecTimeout))

	for _, nw := range servertest.Networks {
		It("has recorded a request's span by the time its client has the whole answer, "+nw.Name, func(ctx SpecContext) {
			srv, client := serve(nw.Start, fakeserver.WithLatency(0), fakeserver.WithFaults(
				fakeserver.Fault{Kind: fakeserver.SlowBodyFault, Delay: time.Microsecond, Every: 3},
				fakeserver.Fault{Kind: fakeserver.StatusFault, Every: 5},
			))
			for i := range 60 {
				mustGet(ctx, client, srv.URL+fakeserver.BigPath)
				st := srv.Stats()
				Expect(st.Spans).To(HaveLen(i+1), "request #%d", i+1)
				Expect(st.InFlight).To(BeZero())
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() { mustGet(ctx, client, srv.URL+fakeserver.BigPath) })
			}
			wg.Wait()
			Expect(srv.Stats().Spans).To(HaveLen(68))
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("sees InFlight while requests wait", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(time.Second))
			defer closeBoth()
			var wg sync.WaitGroup
			for _, u := range fakeserver.SitesN(srv.URL, 3) {
				wg.Go(func() { mustGet(context.Background(), client, u) })
			}
			time.Sleep(500 * time.Millisecond)
			st := srv.Stats()
			Expect(st.InFlight).To(Equal(3))
			Expect(st.Requests).To(Equal(3))
			Expect(st.Spans).To(BeEmpty(), "spans are recorded when requests finish")
			wg.Wait()
			Expect(srv.Stats().Spans).To(HaveLen(3))
		})
	}, SpecTimeout(harness.SpecTimeout))

	for _, nw := range servertest.Networks {
		Context(nw.Name, func() {
			It("counts the connections of many sequential requests of one keep-alive client as the client opened them", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0))
				var fresh servertest.FreshConns
				for _, u := range fakeserver.SitesN(srv.URL, 20) {
					mustGet(fresh.Trace(ctx), client, u)
				}
				st := srv.Stats()
				Expect(st.Requests).To(Equal(20))
				Expect(st.Connections).To(Equal(fresh.Count()), "one, unless net/http gave up on reusing one (see servertest.FreshConns)")
				Expect(st.PeakInFlight).To(Equal(1))
				Expect(st.SessionsPerConn()).To(HaveLen(fresh.Count()), "every connection opened carried requests")
				for i, sp := range st.Spans {
					Expect(sp.Conn).To(BeNumerically(">=", 1), "span %d", i)
					if i > 0 {
						Expect(sp.Conn).To(BeNumerically(">=", st.Spans[i-1].Conn), "one at a time: a request never goes back to an older connection")
					}
				}
			}, SpecTimeout(harness.SpecTimeout))

			It("sees a new connection per client", func(ctx SpecContext) {
				srv := nw.Start(fakeserver.WithLatency(0))
				DeferCleanup(srv.Close)
				var fresh servertest.FreshConns
				for range 3 {
					client := srv.Client()
					DeferCleanup(client.CloseIdleConnections)
					before := fresh.Count()
					mustGet(fresh.Trace(ctx), client, srv.URL+fakeserver.BigPath)
					Expect(fresh.Count()).To(Equal(before+1), "a new client has no connection to reuse")
					mustGet(fresh.Trace(ctx), client, srv.URL+fakeserver.SmallPath)
					Expect(srv.Stats().Connections).To(Equal(fresh.Count()))
				}
				Expect(srv.Stats().SessionsPerConn()).To(HaveLen(fresh.Count()))
				for conn, n := range srv.Stats().SessionsPerConn() {
					Expect(n).To(Equal(1), "no header: the one session \"\" on connection %d", conn)
				}
			}, SpecTimeout(harness.SpecTimeout))
		})
	}

	It("records sessions in the order first seen, and one span per request with its details", func(ctx SpecContext) {
		srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		urls := fakeserver.SitesN(srv.URL, 6)
		mustGet(ctx, client, urls[0], sess, "b", worker, "w1")
		mustGet(ctx, client, urls[1], sess, "a", worker, "w2")
		mustGet(ctx, client, urls[2], sess, "b")
		mustGet(ctx, client, urls[3])
		mustGet(ctx, client, urls[4], sess, "c")
		mustGet(ctx, client, srv.URL+"/missing", sess, "a")

		st := srv.Stats()
		Expect(st.Sessions).To(Equal([]string{"b", "a", "c"}))
		Expect(st.Spans).To(HaveLen(6))
		for i, sp := range st.Spans {
			Expect(sp.Seq).To(Equal(i + 1))
			Expect(sp.Conn).To(Equal(1))
			Expect(sp.Fault).To(BeZero())
			Expect(sp.Canceled).To(BeFalse())
			Expect(sp.Latency).To(BeZero())
			Expect(sp.End).NotTo(BeTemporally("<", sp.Start))
		}
		sp := st.Spans[0]
		Expect(sp.Path).To(Equal(fakeserver.BigPath))
		Expect(sp.RequestURI).To(Equal(fakeserver.BigPath + "?n=0"))
		Expect(sp.Session).To(Equal("b"))
		Expect(sp.Worker).To(Equal("w1"))
		Expect(sp.Status).To(Equal(http.StatusOK))
		Expect(sp.Bytes).To(Equal(fakeserver.BigSize))

		Expect(st.Spans[1].Worker).To(Equal("w2"))
		Expect(st.Spans[1].Bytes).To(Equal(fakeserver.SmallSize))
		Expect(st.Spans[3].Session).To(BeEmpty())
		Expect(st.Spans[3].Worker).To(BeEmpty())
		Expect(st.Spans[5].Status).To(Equal(http.StatusNotFound))

		Expect(st.Order()).To(Equal([]string{
			fakeserver.BigPath + "?n=0", fakeserver.SmallPath + "?n=1", fakeserver.BigPath + "?n=2",
			fakeserver.SmallPath + "?n=3", fakeserver.BigPath + "?n=4", "/missing",
		}))
		Expect(st.SessionsPerConn()).To(Equal(map[int]int{1: 4}), `b, a, "" and c on connection 1`)
	}, SpecTimeout(harness.SpecTimeout))

	It("orders spans by start (Seq), not by end", func(SpecContext) {
		harness.Virtual(func() {
			// Jitter makes later requests finish first; Spans and Order stay
			// in the order the requests arrived.
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(0), fakeserver.WithJitter(time.Second, 3))
			defer closeBoth()
			urls := fakeserver.SitesN(srv.URL, 6)
			for i, u := range urls {
				go mustGet(context.Background(), client, u)
				// Arrivals one virtual millisecond apart fix the order.
				time.Sleep(time.Millisecond)
				Expect(srv.Stats().Requests).To(Equal(i + 1))
			}
			time.Sleep(2 * time.Second)
			st := srv.Stats()
			Expect(st.Spans).To(HaveLen(6))
			var ends []time.Time
			for i, sp := range st.Spans {
				Expect(sp.Seq).To(Equal(i + 1))
				Expect(sp.RequestURI).To(Equal(fmt.Sprintf("%s?n=%d", sp.Path, i)))
				ends = append(ends, sp.End)
			}
			sortedByEnd := true
			for i := 1; i < len(ends); i++ {
				sortedByEnd = sortedByEnd && !ends[i].Before(ends[i-1])
			}
			Expect(sortedByEnd).To(BeFalse(), "with seed 3 the requests finish out of order, which this spec needs")
			Expect(st.Order()).To(Equal([]string{
				fakeserver.BigPath + "?n=0", fakeserver.SmallPath + "?n=1", fakeserver.BigPath + "?n=2",
				fakeserver.SmallPath + "?n=3", fakeserver.BigPath + "?n=4", fakeserver.SmallPath + "?n=5",
			}))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("gives the peak per session: 1 for a session used in turn, 3 for one used 3 at a time", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(100 * time.Millisecond))
			defer closeBoth()
			url := srv.URL + fakeserver.SmallPath
			var wg sync.WaitGroup
			wg.Go(func() {
				for range 3 {
					mustGet(context.Background(), client, url, sess, "alone")
				}
			})
			for range 3 {
				wg.Go(func() { mustGet(context.Background(), client, url, sess, "shared") })
			}
			wg.Go(func() { mustGet(context.Background(), client, url) })
			wg.Wait()
			st := srv.Stats()
			Expect(st.PeakPerSession()).To(Equal(map[string]int{"alone": 1, "shared": 3}), `"" is not a session`)
			Expect(st.PeakInFlight).To(Equal(5))
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("counts the sessions per connection", func(ctx SpecContext) {
		srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		url := srv.URL + fakeserver.SmallPath
		mustGet(ctx, client, url, sess, "s1")
		mustGet(ctx, client, url, sess, "s2")
		mustGet(ctx, client, url, sess, "s1")
		other := srv.Client()
		defer other.CloseIdleConnections()
		mustGet(ctx, other, url, sess, "s3")
		Expect(srv.Stats().SessionsPerConn()).To(Equal(map[int]int{1: 2, 2: 1}))
	}, SpecTimeout(harness.SpecTimeout))

	It("computes Elapsed from the first start to the last end, and 0 with no span", func(SpecContext) {
		Expect(fakeserver.Stats{}.Elapsed()).To(BeZero())
		t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		st := fakeserver.Stats{Spans: []fakeserver.Span{
			{Seq: 1, Start: t0.Add(2 * time.Second), End: t0.Add(3 * time.Second)},
			{Seq: 2, Start: t0, End: t0.Add(5 * time.Second)},
			{Seq: 3, Start: t0.Add(time.Second), End: t0.Add(9 * time.Second)},
		}}
		Expect(st.Elapsed()).To(Equal(9 * time.Second))
		Expect(st.Spans[0].Duration()).To(Equal(time.Second))
	}, SpecTimeout(harness.SpecTimeout))

	It("gives PeakInFlight of any spans: 0 for none, 1 back to back, the most open at one instant, in any order", func(SpecContext) {
		Expect(fakeserver.PeakInFlight(nil)).To(BeZero())
		Expect(fakeserver.PeakInFlight([]fakeserver.Span{spanAt(0, 10), spanAt(10, 20), spanAt(20, 30)})).To(Equal(1), "back to back")
		// Three open together at 6-7 ms, though never all four; listed out of order.
		spans := []fakeserver.Span{spanAt(5, 7), spanAt(0, 10), spanAt(8, 12), spanAt(6, 9)}
		Expect(fakeserver.PeakInFlight(spans)).To(Equal(3))
		Expect(spans[0]).To(Equal(spanAt(5, 7)), "the caller's slice is left as it was")
		Expect(fakeserver.PeakInFlight([]fakeserver.Span{spanAt(3, 3), spanAt(3, 3), spanAt(0, 1)})).To(Equal(1), "a span that lasts no time is never open")
	}, SpecTimeout(harness.SpecTimeout))

	It("gives FlightSteps of any spans: a step where the count changes, none back to back or for a span that lasts no time", func(SpecContext) {
		Expect(fakeserver.FlightSteps(nil)).To(BeEmpty())
		step := func(ms, n int) fakeserver.FlightStep {
			return fakeserver.FlightStep{At: spanT0.Add(time.Duration(ms) * time.Millisecond), N: n}
		}
		Expect(fakeserver.FlightSteps([]fakeserver.Span{spanAt(10, 20), spanAt(0, 10), spanAt(20, 30)})).To(Equal([]fakeserver.FlightStep{step(0, 1), step(30, 0)}), "back to back")
		Expect(fakeserver.FlightSteps([]fakeserver.Span{spanAt(5, 7), spanAt(0, 10), spanAt(8, 12), spanAt(6, 9), spanAt(3, 3)})).To(Equal([]fakeserver.FlightStep{
			step(0, 1), step(5, 2), step(6, 3), step(7, 2), step(8, 3), step(9, 2), step(10, 1), step(12, 0),
		}))
	}, SpecTimeout(harness.SpecTimeout))

	It("does not count spans that touch end to start as overlapping", func(SpecContext) {
		t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		st := fakeserver.Stats{Spans: []fakeserver.Span{
			{Session: "x", Start: t0, End: t0.Add(time.Second)},
			{Session: "x", Start: t0.Add(time.Second), End: t0.Add(2 * time.Second)},
			{Session: "y", Start: t0, End: t0.Add(time.Second)},
			{Session: "y", Start: t0.Add(time.Second - 1), End: t0.Add(2 * time.Second)},
		}}
		Expect(st.PeakPerSession()).To(Equal(map[string]int{"x": 1, "y": 2}))
		Expect(fakeserver.Stats{}.PeakPerSession()).To(BeEmpty())
		Expect(fakeserver.Stats{}.Order()).To(BeEmpty())
		Expect(fakeserver.Stats{}.SessionsPerConn()).To(BeEmpty())
	}, SpecTimeout(harness.SpecTimeout))

	It("returns copies: changing a snapshot changes nothing", func(ctx SpecContext) {
		srv, client := serve(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		mustGet(ctx, client, srv.URL+fakeserver.BigPath, sess, "s1")
		st := srv.Stats()
		st.ByPath[fakeserver.BigPath] = 99
		st.Sessions[0] = "changed"
		st.Spans[0].Seq = 99
		again := srv.Stats()
		Expect(again.ByPath).To(Equal(map[string]int{fakeserver.BigPath: 1}))
		Expect(again.Sessions).To(Equal([]string{"s1"}))
		Expect(again.Spans[0].Seq).To(Equal(1))
	}, SpecTimeout(harness.SpecTimeout))

	It("forgets everything on ResetStats, and counts requests from 1 again", func(SpecContext) {
		harness.Virtual(func() {
			srv, client, closeBoth := serveInBubble(fakeserver.WithLatency(time.Second),
				fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Status: http.StatusTeapot, Request: 2}))
			defer closeBoth()
			url := srv.URL + fakeserver.SmallPath
			mustGet(context.Background(), client, url, sess, "a")
			status, _ := mustGet(context.Background(), client, url, sess, "b")
			Expect(status).To(Equal(http.StatusTeapot))

			// One request in flight across the reset: it still finishes
			// and is recorded; a new one then counts from 1.
			done := make(chan struct{})
			go func() {
				defer close(done)
				mustGet(context.Background(), client, url, sess, "c")
			}()
			time.Sleep(500 * time.Millisecond)
			srv.ResetStats()
			st := srv.Stats()
			Expect(st.Requests).To(BeZero())
			Expect(st.ByPath).To(BeEmpty())
			Expect(st.ByPath).NotTo(BeNil())
			Expect(st.Sessions).To(BeEmpty())
			Expect(st.Spans).To(BeEmpty())
			Expect(st.Connections).To(BeZero())
			Expect(st.PeakInFlight).To(BeZero())
			Expect(st.InFlight).To(Equal(1), "the request in flight is still in flight")
			<-done
			Expect(srv.Stats().Spans).To(HaveLen(1), "the request in flight is recorded when it finishes")
			Expect(srv.Stats().InFlight).To(BeZero())

			mustGet(context.Background(), client, url, sess, "d")
			status, _ = mustGet(context.Background(), client, url, sess, "d")
			Expect(status).To(Equal(http.StatusTeapot), "Fault.Request counts from 1 after the reset")
			st = srv.Stats()
			Expect(st.Requests).To(Equal(2))
			Expect(st.Sessions).To(Equal([]string{"d"}))
			Expect(st.PeakInFlight).To(Equal(1))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
