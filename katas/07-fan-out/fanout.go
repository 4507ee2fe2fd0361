// Package fanout is kata 07: a goroutine per URL, ten thousand at once, and
// the gathering of their results with first-error cancellation, written by
// hand.
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=7`.
package fanout

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/web"
)

// A Page is the outcome of one URL of DownloadAll.
//
// URL is always set. Err is nil if the page was downloaded, and Size is then
// the size of its body in bytes. Otherwise Err says why not: the request's
// own error, or, for a page stopped because another one failed or ctx was
// done, the error of its cancelled request. That error wraps the context's
// cause: context.Canceled (or context.DeadlineExceeded), or, if you cancel
// with context.WithCancelCause, the cause you gave (net/http reports
// context.Cause).
type Page struct {
	URL  string
	Size int
	Err  error
}

// DownloadSite downloads url with client and returns the size of the body in
// bytes. It reads the body to the end and closes it: a body cut short is an
// error, not a smaller page. Errors name the URL (the Client's errors already
// do). A nil ctx or client is an error, not a panic: a nil client is an
// error that says "client"; client.Get already rejects a nil ctx, with an
// error that says "context".
//
// Task 1.
func DownloadSite(ctx context.Context, client *web.Client, url string) (int, error) {
	panic("DownloadSite is not implemented yet: see README, task 1")
}

// DownloadAll downloads every URL at once, one goroutine per URL, all of them
// sharing client (which is safe for concurrent use). It returns one Page per
// URL, by index: pages[i] is the outcome of urls[i], whatever the order in
// which the downloads finished. The client is the caller's: DownloadAll does
// not close it, and the caller may use it again after DownloadAll returns.
//
// The first download to fail cancels all the others at once, and DownloadAll
// returns that first error (not one of the cancellations it caused). If ctx
// is cancelled or its deadline passes, every download stops and ctx's error
// is returned. Either way the pages already downloaded are kept (Err nil) and
// the others say why they were not (see Page).
//
// DownloadAll returns only after every goroutine it started has ended: none
// is left behind, whether it succeeds, fails or is cancelled, and the context
// it derives from ctx is cancelled before it returns. An empty urls
// makes no request and returns an empty, non-nil slice. A nil ctx or client is
// an error that names it ("ctx", "client"), reported before any request.
//
// Task 2.
func DownloadAll(ctx context.Context, client *web.Client, urls []string) ([]Page, error) {
	panic("DownloadAll is not implemented yet: see README, task 2")
}
