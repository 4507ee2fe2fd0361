package match_test

import (
	"fmt"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

// failure returns the message with which Expect(actual).To(m) fails, or ""
// if it passes.
func failure(actual any, m types.GomegaMatcher) string {
	err := InterceptGomegaFailure(func() { Expect(actual).To(m) })
	if err == nil {
		return ""
	}
	return err.Error()
}

// negatedFailure is failure for Expect(actual).NotTo(m).
func negatedFailure(actual any, m types.GomegaMatcher) string {
	err := InterceptGomegaFailure(func() { Expect(actual).NotTo(m) })
	if err == nil {
		return ""
	}
	return err.Error()
}

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// span is a finished request of session from start to end (in seconds).
func span(session string, start, end float64, uri string) fakeserver.Span {
	return fakeserver.Span{
		Session: session, RequestURI: uri,
		Start: t0.Add(time.Duration(start * float64(time.Second))),
		End:   t0.Add(time.Duration(end * float64(time.Second))),
	}
}

var _ = Describe("Matchers", func() {
	Describe("HavePeakInFlight", func() {
		It("passes on the exact peak", func(SpecContext) {
			Expect(fakeserver.Stats{PeakInFlight: 5, Requests: 160}).To(match.HavePeakInFlight(5))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains a peak above the number: an unbounded pool", func(SpecContext) {
			msg := failure(fakeserver.Stats{PeakInFlight: 160, Requests: 160}, match.HavePeakInFlight(5))
			Expect(msg).To(HavePrefix("Expected the server to see at most 5 requests in flight at once, and that many at some moment.\n" +
				"It saw a peak of 160 (out of 160 requests).\n"))
			Expect(msg).To(ContainSubstring("More at once than asked for usually means one goroutine per URL instead of a bounded pool"))
			Expect(msg).To(HaveSuffix(`See your kata's README, "What the server sees".`))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains a peak of 1: the requests ran in sequence", func(SpecContext) {
			msg := failure(fakeserver.Stats{PeakInFlight: 1, Requests: 160}, match.HavePeakInFlight(5))
			Expect(msg).To(ContainSubstring("It saw a peak of 1 (out of 160 requests).\nOne at a time means the requests ran in sequence"))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains a peak below the number: fewer workers, or workers waiting for each other", func(SpecContext) {
			msg := failure(fakeserver.Stats{PeakInFlight: 3, Requests: 160}, match.HavePeakInFlight(5))
			Expect(msg).To(ContainSubstring("It saw a peak of 3 (out of 160 requests).\nFewer at once than asked for usually means fewer workers were started"))
		}, SpecTimeout(harness.SpecTimeout))

		It("says when a negated match held", func(SpecContext) {
			msg := negatedFailure(fakeserver.Stats{PeakInFlight: 5}, match.HavePeakInFlight(5))
			Expect(msg).To(HavePrefix("Expected the opposite of this, but it held:\nExpected the server to see at most 5"))
			Expect(negatedFailure(fakeserver.Stats{PeakInFlight: 4}, match.HavePeakInFlight(5))).To(BeEmpty())
		}, SpecTimeout(harness.SpecTimeout))

		It("fails clearly on something that is not a fakeserver.Stats", func(SpecContext) {
			Expect(failure(42, match.HavePeakInFlight(5))).To(ContainSubstring("fakeserver.Stats"))
			Expect(failure(&fakeserver.Stats{PeakInFlight: 5}, match.HavePeakInFlight(5))).To(ContainSubstring("fakeserver.Stats"))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("HaveUsedSessions", func() {
		It("passes on the exact number of sessions", func(SpecContext) {
			Expect(fakeserver.Stats{Sessions: []string{"s1", "s2"}}).To(match.HaveUsedSessions(2))
			Expect(fakeserver.Stats{}).To(match.HaveUsedSessions(0))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains more sessions than expected: a Session per request", func(SpecContext) {
			msg := failure(fakeserver.Stats{Sessions: []string{"s1", "s2", "s3"}}, match.HaveUsedSessions(2))
			Expect(msg).To(HavePrefix("Expected the requests to come from exactly 2 session(s); the server saw 3: s1, s2, s3.\n" +
				"More sessions than expected usually means a new Session per request"))
			Expect(msg).To(HaveSuffix(`See your kata's README, "Sessions".`))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains fewer sessions than expected: one Session shared between workers", func(SpecContext) {
			msg := failure(fakeserver.Stats{Sessions: []string{"s1"}}, match.HaveUsedSessions(5))
			Expect(msg).To(HavePrefix("Expected the requests to come from exactly 5 session(s); the server saw 1: s1.\n" +
				"Fewer sessions than expected usually means one Session shared between workers"))
		}, SpecTimeout(harness.SpecTimeout))

		It("says when no request carried a session, and shortens a long list", func(SpecContext) {
			Expect(failure(fakeserver.Stats{}, match.HaveUsedSessions(1))).
				To(ContainSubstring("the server saw 0: none (no request carried a session header).\n"))
			var many []string
			for i := range 15 {
				many = append(many, fmt.Sprintf("s%d", i+1))
			}
			Expect(failure(fakeserver.Stats{Sessions: many}, match.HaveUsedSessions(1))).
				To(ContainSubstring("the server saw 15: s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12 … and 3 more.\n"))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("HaveOpenedConnections", func() {
		It("passes on the exact number of connections", func(SpecContext) {
			Expect(fakeserver.Stats{Connections: 1, Requests: 160}).To(match.HaveOpenedConnections(1))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains extra connections: a body not read and closed", func(SpecContext) {
			msg := failure(fakeserver.Stats{Connections: 160, Requests: 160}, match.HaveOpenedConnections(1))
			Expect(msg).To(HavePrefix("Expected 1 connection(s) to the server; it saw 160 for 160 requests.\n" +
				"Extra connections usually mean a response body that was not read and closed"))
			Expect(msg).To(HaveSuffix(`See your kata's README, "Sessions".`))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains fewer connections than expected", func(SpecContext) {
			msg := failure(fakeserver.Stats{Connections: 2, Requests: 160}, match.HaveOpenedConnections(5))
			Expect(msg).To(HavePrefix("Expected 5 connection(s) to the server; it saw 2 for 160 requests.\n" +
				"Fewer connections than expected usually means fewer sessions or workers than asked for."))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("UseEachSessionOneAtATime", func() {
		It("passes when each session's requests follow one another (touching ends do not overlap)", func(SpecContext) {
			st := fakeserver.Stats{Spans: []fakeserver.Span{
				span("s1", 0, 1, "/a"), span("s1", 1, 2, "/b"),
				span("s2", 0, 2, "/c"), span("s2", 2, 3, "/d"),
				span("", 0, 3, "/e"), span("", 0, 3, "/f"),
			}}
			Expect(st).To(match.UseEachSessionOneAtATime())
		}, SpecTimeout(harness.SpecTimeout))

		It("names every shared session, in order, with its peak", func(SpecContext) {
			st := fakeserver.Stats{Spans: []fakeserver.Span{
				span("s2", 0, 2, "/a"), span("s2", 1, 3, "/b"),
				span("s1", 0, 5, "/c"), span("s1", 1, 5, "/d"), span("s1", 2, 5, "/e"),
				span("s3", 0, 1, "/f"),
			}}
			msg := failure(st, match.UseEachSessionOneAtATime())
			Expect(msg).To(HavePrefix("Expected each session to have at most one request in flight at a time.\n" +
				"These sessions had more at once: s1 (3 at once), s2 (2 at once).\n"))
			Expect(msg).To(ContainSubstring("Give each worker its own Session, made once when the worker starts."))
			Expect(msg).To(HaveSuffix(`See kata 03's README, "One session per worker".`))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("HaveRequestedInOrder", func() {
		urls := []string{"http://h/a?n=0", "http://h/b?n=1", "http://h/c?n=2"}
		stats := func(uris ...string) fakeserver.Stats {
			var st fakeserver.Stats
			for i, u := range uris {
				st.Spans = append(st.Spans, fakeserver.Span{Seq: i + 1, RequestURI: u})
			}
			return st
		}

		It("passes on the same paths and queries in the same order, whatever the host", func(SpecContext) {
			Expect(stats("/a?n=0", "/b?n=1", "/c?n=2")).To(match.HaveRequestedInOrder(urls))
			Expect(stats("/?n=0", "/")).To(match.HaveRequestedInOrder([]string{"http://h?n=0", "http://other:8080"}),
				"a URL with no path is requested as /")
			Expect(stats()).To(match.HaveRequestedInOrder(nil))
		}, SpecTimeout(harness.SpecTimeout))

		It("names the first difference", func(SpecContext) {
			msg := failure(stats("/a?n=0", "/c?n=2", "/b?n=1"), match.HaveRequestedInOrder(urls))
			Expect(msg).To(Equal("Expected 3 requests in the order of the URL list; the server saw 3.\n" +
				"The first difference is request #2: expected /b?n=1, saw /c?n=2.\n" +
				"A sequential download must request the URLs one after another, in the order given."))
		}, SpecTimeout(harness.SpecTimeout))

		It("names the first missing request", func(SpecContext) {
			msg := failure(stats("/a?n=0"), match.HaveRequestedInOrder(urls))
			Expect(msg).To(Equal("Expected 3 requests in the order of the URL list; the server saw 1.\n" +
				"The first missing request is /b?n=1: the run stopped early, or skipped URLs."))
		}, SpecTimeout(harness.SpecTimeout))

		It("names the first extra request", func(SpecContext) {
			msg := failure(stats("/a?n=0", "/b?n=1", "/c?n=2", "/a?n=0"), match.HaveRequestedInOrder(urls))
			Expect(msg).To(Equal("Expected 3 requests in the order of the URL list; the server saw 4.\n" +
				"The first extra request is /a?n=0: some URLs were requested twice."))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("TakeExactly", func() {
		It("passes on the exact duration", func(SpecContext) {
			Expect(3 * time.Second).To(match.TakeExactly(3 * time.Second))
			Expect(3*time.Second + 1).NotTo(match.TakeExactly(3 * time.Second))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains a longer run: less overlap", func(SpecContext) {
			msg := failure(6*time.Second, match.TakeExactly(3*time.Second))
			Expect(msg).To(HavePrefix("Expected the run to take exactly 3s of virtual time; it took 6s (2.00× the expected).\n" +
				"Longer than expected usually means less overlap than asked for"))
			Expect(msg).To(HaveSuffix(`See your kata's README, "Virtual time".`))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains a shorter run: an unbounded pool, or requests never made", func(SpecContext) {
			msg := failure(100*time.Millisecond, match.TakeExactly(3200*time.Millisecond))
			Expect(msg).To(HavePrefix("Expected the run to take exactly 3.2s of virtual time; it took 100ms (0.03× the expected).\n" +
				"Shorter than expected usually means more requests at once than allowed"))
		}, SpecTimeout(harness.SpecTimeout))

		It("gives no ratio when zero time was expected", func(SpecContext) {
			Expect(failure(time.Second, match.TakeExactly(0))).To(HavePrefix("Expected the run to take exactly 0s of virtual time; it took 1s.\n"))
		}, SpecTimeout(harness.SpecTimeout))
	})

	Describe("BeFasterThan", func() {
		It("passes on a speed-up of at least the ratio", func(SpecContext) {
			Expect(2 * time.Second).To(match.BeFasterThan(4*time.Second, 2))
			Expect(time.Second).To(match.BeFasterThan(4*time.Second, 2))
		}, SpecTimeout(harness.SpecTimeout))

		It("explains too small a speed-up, with the numbers", func(SpecContext) {
			msg := failure(3*time.Second, match.BeFasterThan(4*time.Second, 2))
			Expect(msg).To(HavePrefix("Expected a speed-up of at least 2.00× over the baseline of 4s (so at most 2s);\n" +
				"it took 3s: a speed-up of 1.33×.\n" +
				"No speed-up usually means the work did not run in parallel"))
			Expect(msg).To(HaveSuffix(`See your kata's README, "Measuring".`))
		}, SpecTimeout(harness.SpecTimeout))

		It("fails on a zero duration, which is no measurement", func(SpecContext) {
			Expect(failure(time.Duration(0), match.BeFasterThan(4*time.Second, 2))).To(ContainSubstring("it took 0s: a speed-up of 0.00×."))
		}, SpecTimeout(harness.SpecTimeout))
	})

	It("work on real stats", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		s := servertest.NewSession(site)
		urls := fakeserver.SitesN(srv.URL, 6)
		for _, u := range urls {
			resp, err := s.Get(ctx, u)
			Expect(err).NotTo(HaveOccurred())
			_, err = io.Copy(io.Discard, resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
		}
		st := srv.Stats()
		Expect(st).To(SatisfyAll(
			match.HavePeakInFlight(1), match.HaveUsedSessions(1), match.HaveOpenedConnections(1),
			match.UseEachSessionOneAtATime(), match.HaveRequestedInOrder(urls),
		))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("HaveFinishedEveryBody", func() {
	// site returns a Site of an in-memory server whose one Session made n
	// requests, finishing the bodies for which finish(i) holds (closing the
	// others before their end), and was then closed.
	site := func(ctx SpecContext, n int, finish func(i int) bool) *web.Site {
		srv := fakeserver.NewInMemory(fakeserver.WithLatency(0))
		DeferCleanup(srv.Close)
		site := web.NewSite(srv)
		s := site.NewSession()
		DeferCleanup(s.Close)
		for i, u := range fakeserver.SitesN(srv.URL, n) {
			resp, err := s.Get(ctx, u)
			Expect(err).NotTo(HaveOccurred())
			if finish(i) {
				_, _ = io.Copy(io.Discard, resp.Body)
			}
			resp.Body.Close()
		}
		Expect(s.Close()).To(Succeed())
		return site
	}

	It("passes when every body was read to the end and closed", func(ctx SpecContext) {
		Expect(site(ctx, 4, func(int) bool { return true })).To(match.HaveFinishedEveryBody())
	}, SpecTimeout(harness.SpecTimeout))

	It("names the unfinished bodies, five at most, and says what that costs", func(ctx SpecContext) {
		msg := failure(site(ctx, 8, func(i int) bool { return i == 0 }), match.HaveFinishedEveryBody())
		Expect(msg).To(HavePrefix("Expected every response body to be read to the end and closed before the session's next\n" +
			"request (or its Close); 7 of 8 were not:\n" +
			"  session s1, GET /olympus.realpython.org/dice?n=1: closed before it was read to the end\n"))
		Expect(msg).To(ContainSubstring("  session s1, GET /olympus.realpython.org/dice?n=5: closed before it was read to the end\n  … and 2 more\n"))
		Expect(msg).To(MatchRegexp(`the server saw \d+ connections for 8 requests\)`))
		Expect(msg).To(ContainSubstring("Read each body whole (io.ReadAll, or io.Copy to io.Discard) and close it (defer resp.Body.Close())."))
		Expect(msg).To(HaveSuffix(`See your kata's README, "Sessions".`))
	}, SpecTimeout(harness.SpecTimeout))

	It("fails when no body was handed out: nothing to prove", func(ctx SpecContext) {
		msg := failure(site(ctx, 0, nil), match.HaveFinishedEveryBody())
		Expect(msg).To(HavePrefix("Expected the site's Sessions to hand out response bodies; Session.Get returned none\n(the server saw 0 requests)"))
	}, SpecTimeout(harness.SpecTimeout))
})
