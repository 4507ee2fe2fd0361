// Package sequential is kata 01: the synchronous baseline. Every other kata
// is measured against what you write here.
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=1`.
package sequential

import (
	"context"
	"io"
	"time"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// A Page is what one download gave: the URL and how many bytes its body had.
type Page struct {
	URL  string
	Size int
}

// DownloadSite downloads url with session and returns the size of the body
// in bytes. It reads the body to the end and closes it, so the session can
// reuse its connection for the next request. Errors name the URL: the
// Session's errors already do (a 500 is a *web.HTTPError, a reset or a
// malformed URL an error that says so); an error while reading the body must
// be wrapped with the URL. The caller owns session: DownloadSite uses it and
// does not close it. If ctx ends during the request, its error comes back.
//
// Task 1.
func DownloadSite(ctx context.Context, session *web.Session, url string) (int, error) {
	panic("DownloadSite is not implemented yet: see README, task 1")
}

// DownloadAll downloads urls one after another, in order, with ONE session
// made by newSession and closed before returning. For each page read it
// writes a line "Read <size> from <url>" to out (none for a page that
// failed), and it returns the pages in the order of urls.
//
// On the first error it stops, and returns the pages read so far with the
// error. If ctx is cancelled it stops the same way. An empty urls makes no
// request and returns an empty slice. A nil ctx, newSession or out is an
// error that names it, returned before any session is made.
//
// DownloadAll is not meant to be called by several goroutines at once on
// the same out (it writes to out without a lock); newSession is called once.
//
// Task 2.
func DownloadAll(ctx context.Context, newSession func() *web.Session, urls []string, out io.Writer) ([]Page, error) {
	panic("DownloadAll is not implemented yet: see README, task 2")
}

// Summary returns the line the original program printed at the end of a
// run, such as "Downloaded 160 sites in 3.20 seconds" (seconds with two
// decimals).
//
// Task 3.
func Summary(sites int, elapsed time.Duration) string {
	panic("Summary is not implemented yet: see README, task 3")
}

// CPUBound returns the sum of i*i for 0 <= i < n, exactly: for n =
// 5_000_000 that is 41,666,654,166,667,500,000, too large for a uint64. For
// n <= 0 the sum is 0 (as Python's sum over an empty range).
//
// Task 4.
func CPUBound(n int) workload.U128 {
	panic("CPUBound is not implemented yet: see README, task 4")
}

// FindSums returns CPUBound(n) for each of numbers, in order, computed one
// after another. It checks ctx before each number and, if ctx is done,
// returns the sums computed so far with ctx's error: a sum already started
// is finished, not interrupted. An empty numbers gives an empty result; a
// nil ctx is an error that names it.
//
// Task 5.
func FindSums(ctx context.Context, numbers []int) ([]workload.U128, error) {
	panic("FindSums is not implemented yet: see README, task 5")
}
