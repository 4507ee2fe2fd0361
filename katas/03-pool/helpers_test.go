package pool_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/03-pool"
)

// latency is the fake server's latency on virtual time: as slow as a real
// site, and free, since virtual time costs no real time.
const latency = 100 * time.Millisecond

// workers is the pool size of the original program: ThreadPoolExecutor(max_workers=5).
const workers = 5

// everyPageDone is what a spec says when pages are missing from the result
// of a run that had no error.
const everyPageDone = "every page is downloaded before DownloadAll returns (pages missing here usually mean it returned\n" +
	"before its workers had ended: wait for them, wg.Wait)"

// newLoopbackSite starts a fake server on real loopback (fakeserver.New)
// with opts, and returns it with the Site on it that DownloadAll's workers
// make their Sessions from. The server is closed when the spec ends
// (DeferCleanup).
func newLoopbackSite(opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := fakeserver.New(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

// stallAfter bounds how long DownloadAll on real loopback may go on
// without the server seeing a new request (see downloadAll). A request takes
// 5 ms or less there; a run that starts none for this long, and has not
// returned, is stuck however busy the machine is.
const stallAfter = 5 * time.Second

// downloadAll calls pool.DownloadAll on real time and fails the spec if it
// has not returned while srv has seen no new request for stallAfter: a
// deadlocked pool (workers ranging over a jobs channel that is never closed)
// is reported with what usually causes it, instead of blocking until the
// spec's timeout. Progress, not a total time, decides: on a busy machine a
// correct run of 160 requests through one worker can take longer than any
// fixed bound, but it never stops making requests. The stuck goroutines stay
// behind; the leak check lists them.
//
// Inside harness.Virtual, call pool.DownloadAll directly: synctest reports a
// deadlock by itself.
func downloadAll(ctx context.Context, srv *fakeserver.Server, newSession func() *web.Session, urls []string, workers int) ([]pool.Page, error) {
	GinkgoHelper()
	var (
		pages    []pool.Page
		err      error
		panicked any
	)
	returned := make(chan struct{})
	go func() {
		defer func() {
			panicked = recover()
			close(returned)
		}()
		pages, err = pool.DownloadAll(ctx, newSession, urls, workers)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	seen, lastProgress := srv.Stats().Requests, time.Now()
wait:
	for {
		select {
		case <-returned:
			break wait
		case <-tick.C:
		}
		if n := srv.Stats().Requests; n != seen {
			seen, lastProgress = n, time.Now()
			continue
		}
		if time.Since(lastProgress) < stallAfter {
			continue
		}
		Fail(fmt.Sprintf("DownloadAll has not returned, and has started no request for %v (the server saw %d of %d): it is stuck, probably deadlocked.\n", stallAfter, seen, len(urls)) +
			"The usual causes: workers ranging over a jobs channel that is never closed (close it when\n" +
			"every job is handed out); wg.Wait() for a worker that never calls Done; a worker blocked\n" +
			"sending a result nobody reads. The leak check fails too and lists where each goroutine is\n" +
			"blocked (run ginkgo with -vv to see it, or go test -v).\n" +
			"See the README, \"Hints\".")
	}
	if panicked != nil {
		panic(panicked) // the stub's "not implemented yet", on the spec's goroutine
	}
	return pages, err
}

// onVirtualSite runs body on virtual time (harness.Virtual) with a fresh
// in-memory fake server at the kata's latency and the Site on it that
// DownloadAll's workers make their Sessions from. opts are added after the
// latency (jitter, faults): they follow the body, as an It's decorators
// follow its body. The server is closed when body returns, inside the
// bubble, where it was made.
func onVirtualSite(body func(srv *fakeserver.Server, site *web.Site), opts ...fakeserver.Option) {
	harness.Virtual(func() {
		srv := fakeserver.NewInMemory(append([]fakeserver.Option{fakeserver.WithLatency(latency)}, opts...)...)
		defer srv.Close()
		body(srv, web.NewSite(srv))
	})
}

// faultAt makes request n (counted from 1, in the order the server sees
// them) misbehave as kind says.
func faultAt(kind fakeserver.FaultKind, n int) fakeserver.Option {
	return fakeserver.WithFaults(fakeserver.Fault{Kind: kind, Request: n})
}

// serverWithFaultAt starts an in-memory server, with the kata's latency, on
// which request n misbehaves as kind says (see faultAt), for a spec that
// runs more than one server. Start it inside harness.Virtual and close it
// there.
func serverWithFaultAt(kind fakeserver.FaultKind, n int) *fakeserver.Server {
	return fakeserver.NewInMemory(fakeserver.WithLatency(latency), faultAt(kind, n))
}

// ceilDiv returns ⌈n/d⌉: the number of rounds d workers need for n requests
// of equal length.
func ceilDiv(n, d int) int { return (n + d - 1) / d }

// done returns the pages that were downloaded.
func done(pages []pool.Page) []pool.Page {
	return slices.DeleteFunc(slices.Clone(pages), func(p pool.Page) bool { return !p.Done })
}

// finishOrder returns the RequestURI of every finished request in the order
// the server finished them (Stats.Order gives the order they started).
func finishOrder(st fakeserver.Stats) []string {
	spans := slices.Clone(st.Spans)
	slices.SortStableFunc(spans, func(a, b fakeserver.Span) int { return a.End.Compare(b.End) })
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = sp.RequestURI
	}
	return out
}

// faultedURL returns the full URL of the request the server misbehaved on
// (see fakeserver.Fault), or "" if none.
func faultedURL(srv *fakeserver.Server) string {
	for _, sp := range srv.Stats().Spans {
		if sp.Fault != 0 {
			return srv.URL + sp.RequestURI
		}
	}
	return ""
}
