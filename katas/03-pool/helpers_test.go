package pool_test

import (
	"context"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/03-pool"
)

// latency is the fake server's latency on virtual time: as slow as a real
// site, and free, since virtual time costs no real time.
const latency = 100 * time.Millisecond

// workers is the pool size of the original program: ThreadPoolExecutor(max_workers=5).
const workers = 5

// returnWithin bounds one call of DownloadAll on real loopback (see
// downloadAll). The longest, 160 URLs through one worker at 5 ms each, takes
// about a second under -race; a run still going after this is stuck.
const returnWithin = 5 * time.Second

// downloadAll calls pool.DownloadAll on real time and fails the spec if it
// has not returned within returnWithin: a deadlocked pool (workers ranging
// over a jobs channel that is never closed) is reported at once with what
// usually causes it, instead of blocking until the spec's timeout. The stuck
// goroutines stay behind; the leak check lists them.
//
// Inside harness.Virtual, call pool.DownloadAll directly: synctest reports a
// deadlock by itself, and virtual runs may take longer than returnWithin.
func downloadAll(ctx context.Context, newSession func() *web.Session, urls []string, workers int) ([]pool.Page, error) {
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
	timer := time.NewTimer(returnWithin)
	defer timer.Stop()
	select {
	case <-returned:
	case <-timer.C:
		Fail("DownloadAll has not returned after " + returnWithin.String() + ": it is stuck, probably deadlocked.\n" +
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
