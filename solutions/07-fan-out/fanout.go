// Package fanout is kata 07: a goroutine per URL, ten thousand at once, and
// the gathering of their results with first-error cancellation, written by
// hand.
//
// This is the reference solution.
package fanout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

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
// do). A nil ctx or client is an error, not a panic (client.Get already
// rejects a nil ctx).
//
// Task 1.
func DownloadSite(ctx context.Context, client *web.Client, url string) (int, error) {
	if client == nil {
		return 0, fmt.Errorf("GET %s: DownloadSite: client is nil: pass the *web.Client made by site.NewClient()", url)
	}
	resp, err := client.Get(ctx, url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return int(n), fmt.Errorf("GET %s: reading the body: %w", url, err)
	}
	return int(n), nil
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
// an error, reported before any request.
//
// Task 2.
func DownloadAll(ctx context.Context, client *web.Client, urls []string) ([]Page, error) {
	if ctx == nil {
		return nil, errors.New("DownloadAll: ctx is nil: pass the context your caller gave you (context.Background() only at the very top)")
	}
	if client == nil {
		return nil, errors.New("DownloadAll: client is nil: pass the *web.Client made by site.NewClient()")
	}
	pages := make([]Page, len(urls))
	if len(urls) == 0 {
		return pages, nil
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			size, err := DownloadSite(ctx, client, url)
			pages[i] = Page{URL: url, Size: size, Err: err}
			if err != nil {
				cancel(err) // only the first cause is kept; later calls do nothing
			}
		}()
	}
	wg.Wait()

	if err := context.Cause(ctx); err != nil {
		return pages, err
	}
	return pages, nil
}
