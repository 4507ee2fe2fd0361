package choose_test

import (
	"context"
	"net/url"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

// latency is the fake server's latency on virtual time: as slow as a real
// site, and free, since virtual time costs no real time.
const latency = 100 * time.Millisecond

// loopbackTimeout bounds the specs that run on real loopback with a short
// latency: each takes well under a second even under -race on a loaded
// 2-core machine, so a deadlock is reported sooner than harness.SpecTimeout.
const loopbackTimeout = 10 * time.Second

// newLoopbackSite starts a fake server on real loopback (fakeserver.New)
// with opts, and returns it with the Site on it that Run's downloaders make
// their Sessions from. The server is closed when the spec ends
// (DeferCleanup).
func newLoopbackSite(opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := fakeserver.New(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

// ceilDiv returns ⌈n/d⌉.
func ceilDiv(n, d int) int { return (n + d - 1) / d }

// bodyOf returns the body the fake server sends for rawURL.
func bodyOf(rawURL string) []byte {
	GinkgoHelper()
	u, err := url.Parse(rawURL)
	if err != nil {
		Fail("bad URL in a spec: " + rawURL)
	}
	body, ok := fakeserver.Body(u.Path)
	if !ok {
		Fail("no page at " + rawURL)
	}
	return body
}

// onVirtualSite runs body on virtual time (harness.Virtual) with a fresh
// in-memory fake server at the kata's latency and the Site on it that Run's
// downloaders make their Sessions from. opts are added after the latency
// (jitter, faults): they follow the body, as an It's decorators follow its
// body. The server is closed when body returns, inside the bubble, where it
// was made.
func onVirtualSite(body func(srv *fakeserver.Server, site *web.Site), opts ...fakeserver.Option) {
	harness.Virtual(func() {
		srv := fakeserver.NewInMemory(append([]fakeserver.Option{fakeserver.WithLatency(latency)}, opts...)...)
		defer srv.Close()
		body(srv, web.NewSite(srv))
	})
}

// cheap is the digest of the virtual-time specs: one round. CPU work takes
// no virtual time, so they need none to speak of.
func cheap(body []byte) uint64 { return workload.Digest(body, 1) }

// done returns the pages that were finished.
func done(pages []choose.Page) []choose.Page {
	return slices.DeleteFunc(slices.Clone(pages), func(p choose.Page) bool { return !p.Done })
}

// A recorder is a digest function that notes when each call started (on
// the clock of the goroutine that calls it: virtual time inside a bubble)
// and how many calls ran at once. Its zero value is ready; it is safe for
// concurrent use, as Run's digest must be.
type recorder struct {
	// hold, if not nil, makes every call wait until it is closed, so a
	// spec can count how many digests the CPU stage runs at once.
	hold <-chan struct{}
	// onCall, if not nil, is called with the call's number (1 for the
	// first) as each call starts, under the recorder's lock: it must not
	// call the recorder's methods.
	onCall func(n int)

	mu     sync.Mutex
	starts []time.Time
	inside int
	peak   int
}

// digest is the recorder's digest function: cheap, after the bookkeeping.
func (r *recorder) digest(body []byte) uint64 {
	r.mu.Lock()
	r.starts = append(r.starts, time.Now())
	n := len(r.starts)
	r.inside++
	r.peak = max(r.peak, r.inside)
	// onCall runs under the lock: no other call starts until it returns, so
	// a cancel it makes happens before every later call (on a busy machine
	// another digester could otherwise start many while this one waits for
	// a processor between the count and the cancel).
	if r.onCall != nil {
		r.onCall(n)
	}
	r.mu.Unlock()
	if r.hold != nil {
		<-r.hold
	}
	defer func() {
		r.mu.Lock()
		r.inside--
		r.mu.Unlock()
	}()
	return cheap(body)
}

// calls returns how many digests were started.
func (r *recorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.starts)
}

// first returns when the first digest started (the zero time if none did).
func (r *recorder) first() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.starts) == 0 {
		return time.Time{}
	}
	return slices.MinFunc(r.starts, time.Time.Compare)
}

// lastEnd returns when the last request the server saw ended.
func lastEnd(st fakeserver.Stats) time.Time {
	var last time.Time
	for _, sp := range st.Spans {
		if sp.End.After(last) {
			last = sp.End
		}
	}
	return last
}

// fewestInFlight returns the fewest requests in flight at any instant from
// the first request's start up to the last one's, and how long after the
// first start that was. Ends and starts at the same instant are taken
// together (fakeserver.FlightSteps): a downloader that ends a request and
// starts its next one at that instant leaves no gap.
func fewestInFlight(spans []fakeserver.Span) (int, time.Duration) {
	if len(spans) == 0 {
		return 0, 0
	}
	first, last := spans[0].Start, spans[0].Start
	for _, sp := range spans {
		if sp.Start.Before(first) {
			first = sp.Start
		}
		if sp.Start.After(last) {
			last = sp.Start
		}
	}
	fewest, at := len(spans), time.Duration(0)
	for _, step := range fakeserver.FlightSteps(spans) {
		if step.At.Before(last) && step.N < fewest {
			fewest, at = step.N, step.At.Sub(first)
		}
	}
	return fewest, at
}

// runTimed calls Run and returns what it gave and how long it took (on
// virtual time inside a bubble).
func runTimed(ctx context.Context, site *web.Site, urls []string, plan choose.Plan, digest func([]byte) uint64) ([]choose.Page, time.Duration, error) {
	start := time.Now()
	pages, err := choose.Run(ctx, site.NewSession, urls, plan, digest)
	return pages, time.Since(start), err
}
