package pool_test

import (
	"slices"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/katas/03-pool"
)

// latency is the fake server's latency on virtual time: as slow as a real
// site, and free, since virtual time costs no real time.
const latency = 100 * time.Millisecond

// workers is the pool size of the original program: ThreadPoolExecutor(max_workers=5).
const workers = 5

// loopbackTimeout bounds the specs that run on real loopback. Each takes well
// under a second, even under -race on a loaded 2-core machine; a pool that
// deadlocks (a jobs channel never closed) is reported [TIMEDOUT] after this
// instead of harness.SpecTimeout, so a deadlocked run costs less waiting.
const loopbackTimeout = 10 * time.Second

// ceilDiv returns ⌈n/d⌉: the number of rounds d workers need for n requests
// of equal length.
func ceilDiv(n, d int) int { return (n + d - 1) / d }

// sizeOf returns the size of the page a URL of fakeserver.Sites names.
func sizeOf(url string) int {
	if strings.Contains(url, fakeserver.SmallPath) {
		return fakeserver.SmallSize
	}
	return fakeserver.BigSize
}

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
