package match

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/web"
)

// The matchers below check what the fake server saw (a fakeserver.Stats) or
// how long a run took. Each failure message says what was expected, what was
// seen, what that usually means and where to read more.

// teach builds a matcher whose failure message is explain(actual). A
// negated failure gets the same explanation under a "NOT" heading.
func teach[T any](match func(T) bool, explain func(T) string) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(actual T) (bool, error) { return match(actual), nil }).WithTemplate(
		"{{if .NegatedFailure}}Expected the opposite of this, but it held:\n{{end}}{{call .Data .Actual}}",
		func(actual T) string { return explain(actual) },
	)
}

// HavePeakInFlight succeeds if the server saw exactly n requests in flight
// at the same moment, at its peak.
func HavePeakInFlight(n int) types.GomegaMatcher {
	return teach(func(s fakeserver.Stats) bool { return s.PeakInFlight == n },
		func(s fakeserver.Stats) string {
			msg := fmt.Sprintf("Expected the server to see at most %d requests in flight at once, and that many at some moment.\nIt saw a peak of %d (out of %d requests).\n", n, s.PeakInFlight, s.Requests)
			switch {
			case s.PeakInFlight > n:
				msg += "More at once than asked for usually means one goroutine per URL instead of a bounded pool,\nor more workers started than the count given."
			case s.PeakInFlight <= 1 && n > 1:
				msg += "One at a time means the requests ran in sequence: the work is not spread over workers,\nor each result is waited for before the next request starts."
			default:
				msg += "Fewer at once than asked for usually means fewer workers were started, or workers wait\nfor each other (a lock held around the request, an unbuffered hand-off)."
			}
			return msg + "\nSee your kata's README, \"What the server sees\"."
		})
}

// HaveUsedSessions succeeds if the server saw exactly n distinct sessions.
func HaveUsedSessions(n int) types.GomegaMatcher {
	return teach(func(s fakeserver.Stats) bool { return len(s.Sessions) == n },
		func(s fakeserver.Stats) string {
			msg := fmt.Sprintf("Expected the requests to come from exactly %d session(s); the server saw %d: %s.\n", n, len(s.Sessions), listOrNone(s.Sessions))
			switch {
			case len(s.Sessions) > n:
				msg += "More sessions than expected usually means a new Session per request (or per task) instead of\none made once and reused: each new Session opens new connections."
			default:
				msg += "Fewer sessions than expected usually means one Session shared between workers, which is\nnot safe (a Session belongs to one goroutine at a time), or fewer workers than asked for."
			}
			return msg + "\nSee your kata's README, \"Sessions\"."
		})
}

// HaveOpenedConnections succeeds if the server saw exactly n connections.
func HaveOpenedConnections(n int) types.GomegaMatcher {
	return teach(func(s fakeserver.Stats) bool { return s.Connections == n },
		func(s fakeserver.Stats) string {
			msg := fmt.Sprintf("Expected %d connection(s) to the server; it saw %d for %d requests.\n", n, s.Connections, s.Requests)
			if s.Connections > n {
				msg += "Extra connections usually mean a response body that was not read and closed (its\nconnection cannot be reused, so the next request opens a new one), or a new Session per request."
			} else {
				msg += "Fewer connections than expected usually means fewer sessions or workers than asked for."
			}
			return msg + "\nSee your kata's README, \"Sessions\"."
		})
}

// UseEachSessionOneAtATime succeeds if no session ever had two requests in
// flight at once.
func UseEachSessionOneAtATime() types.GomegaMatcher {
	return teach(func(s fakeserver.Stats) bool { return len(sharedSessions(s)) == 0 },
		func(s fakeserver.Stats) string {
			return fmt.Sprintf("Expected each session to have at most one request in flight at a time.\n"+
				"These sessions had more at once: %s.\n"+
				"A Session, like Python's requests.Session, is not safe for concurrent use: two goroutines\n"+
				"used one. Give each worker its own Session, made once when the worker starts.\n"+
				"See kata 03's README, \"One session per worker\".", strings.Join(sharedSessions(s), ", "))
		})
}

func sharedSessions(s fakeserver.Stats) []string {
	peaks := s.PeakPerSession()
	var out []string
	for _, id := range slices.Sorted(maps.Keys(peaks)) { // a stable message, run after run
		if peaks[id] > 1 {
			out = append(out, fmt.Sprintf("%s (%d at once)", id, peaks[id]))
		}
	}
	return out
}

// HaveRequestedInOrder succeeds if the server received requests for exactly
// urls, in that order (compared by path and query).
func HaveRequestedInOrder(urls []string) types.GomegaMatcher {
	want := make([]string, len(urls))
	for i, u := range urls {
		want[i] = requestURI(u)
	}
	return teach(func(s fakeserver.Stats) bool { return slices.Equal(s.Order(), want) },
		func(s fakeserver.Stats) string {
			got := s.Order()
			msg := fmt.Sprintf("Expected %d requests in the order of the URL list; the server saw %d.\n", len(want), len(got))
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					return msg + fmt.Sprintf("The first difference is request #%d: expected %s, saw %s.\n", i+1, want[i], got[i]) +
						"A sequential download must request the URLs one after another, in the order given."
				}
			}
			if len(got) < len(want) {
				return msg + fmt.Sprintf("The first missing request is %s: the run stopped early, or skipped URLs.", want[len(got)])
			}
			return msg + fmt.Sprintf("The first extra request is %s: some URLs were requested twice.", got[len(want)])
		})
}

// requestURI returns the path and query of a URL ("/a?n=1" of "http://h/a?n=1")
// as the client sends it, and so as the server's Span.RequestURI records it
// ("/?n=1" of "http://h?n=1"; no fragment). A string that is not an absolute
// URL is returned as it is.
func requestURI(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme == "" || parsed.Host == "" {
		return u
	}
	return parsed.RequestURI()
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none (no request carried a session header)"
	}
	if len(xs) > 12 {
		return strings.Join(xs[:12], ", ") + fmt.Sprintf(" … and %d more", len(xs)-12)
	}
	return strings.Join(xs, ", ")
}

// TakeExactly succeeds if a duration measured on virtual time (see Virtual)
// is exactly want. Virtual time makes this exact: no tolerance is needed.
func TakeExactly(want time.Duration) types.GomegaMatcher {
	return teach(func(got time.Duration) bool { return got == want },
		func(got time.Duration) string {
			msg := fmt.Sprintf("Expected the run to take exactly %v of virtual time; it took %v", want, got)
			if want > 0 {
				msg += fmt.Sprintf(" (%.2f× the expected)", float64(got)/float64(want))
			}
			msg += ".\n"
			if got > want {
				msg += "Longer than expected usually means less overlap than asked for: requests waited for\neach other, or fewer workers ran at once."
			} else {
				msg += "Shorter than expected usually means more requests at once than allowed (an unbounded\npool), or some requests were never made."
			}
			return msg + "\nSee your kata's README, \"Virtual time\"."
		})
}

// BeFasterThan succeeds if a measured duration is at least ratio times
// shorter than baseline, both measured in the same run (wall-clock time
// compared only as a ratio, so a busy machine slows both alike).
func BeFasterThan(baseline time.Duration, ratio float64) types.GomegaMatcher {
	return teach(func(got time.Duration) bool { return got > 0 && float64(baseline)/float64(got) >= ratio },
		func(got time.Duration) string {
			speedup := 0.0
			if got > 0 {
				speedup = float64(baseline) / float64(got)
			}
			return fmt.Sprintf("Expected a speed-up of at least %.2f× over the baseline of %v (so at most %v);\n"+
				"it took %v: a speed-up of %.2f×.\n"+
				"No speed-up usually means the work did not run in parallel: one worker did it all, or\n"+
				"the workers took turns (a lock held around the work, results collected one by one\n"+
				"before the next task was handed out). See your kata's README, \"Measuring\".",
				ratio, baseline.Round(time.Millisecond), time.Duration(float64(baseline)/ratio).Round(time.Millisecond),
				got.Round(time.Millisecond), speedup)
		})
}

// HaveFinishedEveryBody succeeds if a *web.Site's Sessions handed out at
// least one body and every one of them was read to the end and closed before
// its session's next request or Close (see web.Site.UnfinishedBodies). It is
// how a spec proves keep-alive reuse on real loopback, where the number of
// connections is not exact (net/http may dial a new one on a busy machine),
// so that number is only shown.
func HaveFinishedEveryBody() types.GomegaMatcher { return finishedBodies{} }

// finishedBodies is not built with teach: gcustom formats the actual value
// whole, and a Site holds a live server.
type finishedBodies struct{}

func (finishedBodies) Match(actual any) (bool, error) {
	s, ok := actual.(*web.Site)
	if !ok || s == nil {
		return false, fmt.Errorf("HaveFinishedEveryBody expects a non-nil *web.Site, got %T", actual)
	}
	return s.Bodies() > 0 && len(s.UnfinishedBodies()) == 0, nil
}

func (finishedBodies) FailureMessage(actual any) string { return explainBodies(actual.(*web.Site)) }

func (finishedBodies) NegatedFailureMessage(actual any) string {
	return "Expected the opposite of this, but it held:\n" + explainBodies(actual.(*web.Site))
}

func explainBodies(s *web.Site) string {
	st := s.Server().Stats()
	if s.Bodies() == 0 {
		return "Expected the site's Sessions to hand out response bodies; Session.Get returned none\n" +
			fmt.Sprintf("(the server saw %d requests): nothing was downloaded with Session.Get.\n", st.Requests) +
			"See your kata's README, \"Sessions\"."
	}
	bad := s.UnfinishedBodies()
	var b strings.Builder
	if len(bad) == 0 {
		fmt.Fprintf(&b, "Every one of the %d response bodies was read to the end and closed before the session's next\nrequest (or its Close).\n", s.Bodies())
	} else {
		fmt.Fprintf(&b, "Expected every response body to be read to the end and closed before the session's next\n"+
			"request (or its Close); %d of %d were not:\n", len(bad), s.Bodies())
	}
	const shown = 5
	for _, u := range bad[:min(len(bad), shown)] {
		fmt.Fprintf(&b, "  session %s, GET %s: %s\n", u.Session, requestURI(u.URL), u.Why())
	}
	if len(bad) > shown {
		fmt.Fprintf(&b, "  … and %d more\n", len(bad)-shown)
	}
	fmt.Fprintf(&b, "A body that is not read to the end and closed keeps its connection from being reused: the\n"+
		"session's next request has to open a new one (the server saw %d connections for %d requests).\n"+
		"Read each body whole (io.ReadAll, or io.Copy to io.Discard) and close it (defer resp.Body.Close()).\n"+
		"See your kata's README, \"Sessions\".", st.Connections, st.Requests)
	return b.String()
}
