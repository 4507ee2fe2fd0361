// Package pool is kata 03: the download again, by a bounded pool of workers,
// each with its own Session. It is the Go form of Python's
// ThreadPoolExecutor(max_workers=5) with executor.map and one
// requests.Session per thread (threading.local).
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=3`.
package pool

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/web"
)

// A Page is what the download of one URL gave. DownloadAll returns one Page
// per URL, at the URL's index, whether or not it was downloaded:
//
//   - Done is true if the page was downloaded whole; Size is then the number
//     of bytes of its body.
//   - Done is false if the run stopped (an error, or the context ended)
//     before this page was downloaded; Size is then 0. URL is set either way.
type Page struct {
	URL  string
	Size int
	Done bool
}

// DownloadSite downloads url with session and returns the size of the body
// in bytes. It reads the body to the end and closes it, so the session can
// reuse its connection for the next request. Errors name the URL (the
// Session's errors already do). It is kata 01's DownloadSite: bring yours.
//
// Task 1.
func DownloadSite(ctx context.Context, session *web.Session, url string) (int, error) {
	panic("DownloadSite is not implemented yet: see README, task 1")
}

// DownloadAll downloads urls with a pool of at most workers goroutines and
// returns one Page per URL, in the order of urls (pages[i] is the page of
// urls[i]), whatever order the downloads finish in.
//
// The pool: min(workers, len(urls)) worker goroutines, started once; each
// takes the next URL not yet taken, downloads it, and takes another, until
// none is left. So at most workers requests are in flight at any moment.
//
// Sessions: each worker makes its own Session with newSession when it starts
// and closes it when it ends. A Session is not safe for concurrent use: no
// two workers ever share one. newSession itself is called from the workers,
// so it must be safe for concurrent use (web.Site.NewSession is).
//
// Errors: the first error to happen is returned (it names its URL), and the
// rest of the work is cancelled: requests in flight are cancelled, no new one
// starts. If ctx is cancelled or its deadline passes, the run stops the same
// way and the error satisfies errors.Is(err, ctx.Err()). Either way the
// pages are still returned, with Done set for those downloaded: the partial
// result.
//
// DownloadAll returns only after every worker it started has ended and every
// Session it made is closed. An empty urls makes no request and no Session,
// and returns an empty slice. Zero or negative workers, a nil ctx and a nil
// newSession are errors that name the argument ("workers", "ctx",
// "newSession"), returned before any request.
//
// Tasks 2 to 7.
func DownloadAll(ctx context.Context, newSession func() *web.Session, urls []string, workers int) ([]Page, error) {
	panic("DownloadAll is not implemented yet: see README, task 2")
}
