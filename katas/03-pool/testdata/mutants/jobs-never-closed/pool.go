// mutant: never closes the jobs channel: the workers wait for more jobs for ever, and so does wg.Wait
// killed-by: takes exactly ⌈160/5⌉ = 32 × the latency on virtual time
//
// Killed on virtual time: inside harness.Virtual every goroutine ends up blocked with no timer
// pending, synctest reports the deadlock at once, and the spec fails with the stacks. The specs
// on real loopback cannot see a deadlock by themselves: their helper downloadAll waits until
// the server has seen no new request for 5 s (stallAfter), then fails the spec with
// "DownloadAll has not returned, and has started no request for 5s" and the leak check lists
// the blocked goroutines. They
// are not named here because each costs that wait. (Ginkgo's own SpecTimeout report is not used
// for this: under an overlay its source excerpt reads the stub file and panics on line numbers
// past its end, ending the whole run.)

package pool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

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
func DownloadSite(ctx context.Context, session *web.Session, url string) (int, error) {
	resp, err := session.Get(ctx, url)
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
// newSession are errors that name the argument, returned before any request.
func DownloadAll(ctx context.Context, newSession func() *web.Session, urls []string, workers int) ([]Page, error) {
	switch {
	case ctx == nil:
		return nil, errors.New("pool.DownloadAll: ctx is nil: pass the caller's context (context.Background() only at the top of a program)")
	case newSession == nil:
		return nil, errors.New("pool.DownloadAll: newSession is nil: pass a function that makes a Session, such as site.NewSession")
	case workers < 1:
		return nil, fmt.Errorf("pool.DownloadAll: workers is %d: a pool needs at least 1 worker", workers)
	}
	pages := make([]Page, len(urls))
	for i, url := range urls {
		pages[i].URL = url
	}
	if len(urls) == 0 {
		return pages, nil
	}
	if err := ctx.Err(); err != nil {
		return pages, fmt.Errorf("pool.DownloadAll: no page downloaded: %w", err)
	}

	// run is cancelled by the first error, or when ctx is.
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}

	// The jobs are indexes into urls: a worker writes the page of urls[i]
	// to pages[i], so the pages come out in input order whatever order they
	// finish in, and no two workers write the same element.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(urls)) {
		wg.Go(func() {
			session := newSession() // this worker's own: never shared
			defer session.Close()
			for i := range jobs {
				size, err := DownloadSite(run, session, urls[i])
				if err != nil {
					fail(err)
					return
				}
				pages[i] = Page{URL: urls[i], Size: size, Done: true}
			}
		})
	}

feed:
	for i := range urls {
		select {
		case jobs <- i:
		case <-run.Done():
			break feed
		}
	}
	// (jobs is never closed)
	wg.Wait() // every worker has ended, every session is closed

	if err := ctx.Err(); err != nil {
		return pages, fmt.Errorf("pool.DownloadAll: stopped with %d of %d pages downloaded: %w", countDone(pages), len(pages), err)
	}
	if firstErr != nil {
		return pages, firstErr
	}
	return pages, nil
}

// countDone returns how many pages were downloaded.
func countDone(pages []Page) int {
	n := 0
	for _, p := range pages {
		if p.Done {
			n++
		}
	}
	return n
}
