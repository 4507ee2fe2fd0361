// mutant: the CPU stage is one goroutine, whatever plan.Digesters says
// killed-by: runs exactly Digesters digests at once
// killed-by: computes its digests in parallel

// Package choose is kata 11, the capstone: download the 160 pages and
// compute a digest of each, with the right tool for each stage, connected
// as a pipeline, within a measured bound.
//
// This is the reference solution.
package choose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/concurrency-katas/go-katas/harness/web"
)

// A Plan says how many goroutines each stage of the pipeline gets.
//
//   - Downloaders is the I/O stage: at most this many requests in flight at
//     once. Waiting costs no CPU, so it can be much larger than the number of
//     cores.
//   - Digesters is the CPU stage: this many goroutines compute digests. More
//     than the cores Go runs goroutines on (runtime.GOMAXPROCS(0)) cannot go
//     faster: they only take turns.
//
// The zero Plan is not valid: both numbers must be at least 1.
type Plan struct {
	Downloaders int
	Digesters   int
}

// ChoosePlan returns the plan for downloading pages pages from a server that
// takes latency per request, when one page's digest costs cpuPerPage of CPU
// (measured, on average over the pages):
//
//   - Digesters: runtime.GOMAXPROCS(0), one per core Go will use.
//   - Downloaders: the fewest that keep the I/O stage no slower than the CPU
//     stage. The CPU stage needs cpu = pages × cpuPerPage / Digesters; in that
//     time the I/O stage can do k = ⌊cpu / latency⌋ rounds of requests, so it
//     needs ⌈pages / k⌉ downloaders. If k < 1 (the CPU stage is quicker than
//     one latency), every page must be in flight at once: pages downloaders.
//     A latency of zero needs 1. Never fewer than 1 nor more than pages
//     (except that pages = 0 still gives 1).
//
// Negative pages, latency or cpuPerPage are errors that name the argument.
func ChoosePlan(pages int, latency, cpuPerPage time.Duration) (Plan, error) {
	switch {
	case pages < 0:
		return Plan{}, fmt.Errorf("ChoosePlan: pages = %d: must be 0 or more", pages)
	case latency < 0:
		return Plan{}, fmt.Errorf("ChoosePlan: latency = %v: must be 0 or more", latency)
	case cpuPerPage < 0:
		return Plan{}, fmt.Errorf("ChoosePlan: cpuPerPage = %v: must be 0 or more", cpuPerPage)
	}
	plan := Plan{Downloaders: 1, Digesters: runtime.GOMAXPROCS(0)}
	if pages == 0 || latency == 0 {
		return plan, nil
	}
	cpu := time.Duration(pages) * cpuPerPage / time.Duration(plan.Digesters)
	rounds := int(cpu / latency)
	if rounds < 1 {
		plan.Downloaders = pages
		return plan, nil
	}
	plan.Downloaders = max(1, (pages+rounds-1)/rounds)
	return plan, nil
}

// A Page is what the pipeline made of one URL. Run returns one Page per URL,
// at the URL's index, whether or not it was finished:
//
//   - Done is true if the page was downloaded whole and digested; Size is
//     then the length of its body and Digest the digest function's value.
//   - Done is false if the run stopped (an error, or the context ended)
//     before this page was digested; Size and Digest are then 0. URL is set
//     either way.
type Page struct {
	URL    string
	Size   int
	Digest uint64
	Done   bool
}

// Run downloads urls and digests each page's body with digest, as a
// pipeline of two stages, and returns one Page per URL in the order of urls
// (pages[i] is the page of urls[i]), whatever order the work finishes in.
//
// The I/O stage keeps at most plan.Downloaders requests in flight. Each
// downloading goroutine uses its own Session from newSession (a Session is
// not safe for concurrent use), or one goroutine starts requests with
// Session.Begin; either way no more than plan.Downloaders Sessions are made,
// and every one is closed before Run returns.
//
// The CPU stage is plan.Digesters goroutines that call digest. Each body
// goes to the CPU stage as soon as it has arrived: the first digest starts
// while later requests are still in flight. digest is called from several
// goroutines at once, so it must be safe for concurrent use; it is called
// once per page, with the whole body, which it must not keep or change.
//
// Errors: the first error is returned (it names its URL) and the rest of the
// work is cancelled in both stages: requests in flight are cancelled, no
// new request or digest starts. If ctx is cancelled or its deadline passes,
// the run stops the same way and the error satisfies errors.Is(err,
// ctx.Err()). Either way the pages are returned, with Done set for those
// finished: the partial result.
//
// Run returns only after every goroutine it started has ended. An empty urls
// makes no request and no Session, and returns an empty slice. A nil ctx,
// newSession or digest, and a plan with a number below 1, are errors that
// name the argument, returned before any request.
func Run(ctx context.Context, newSession func() *web.Session, urls []string, plan Plan, digest func(body []byte) uint64) ([]Page, error) {
	switch {
	case ctx == nil:
		return nil, errors.New("Run: ctx is nil: pass the caller's context (context.Background() only at the very top)")
	case newSession == nil:
		return nil, errors.New("Run: newSession is nil: pass a function that makes a Session, such as site.NewSession")
	case digest == nil:
		return nil, errors.New("Run: digest is nil: pass the CPU work to do on each body")
	case plan.Downloaders < 1:
		return nil, fmt.Errorf("Run: plan.Downloaders = %d: the I/O stage needs at least 1", plan.Downloaders)
	case plan.Digesters < 1:
		return nil, fmt.Errorf("Run: plan.Digesters = %d: the CPU stage needs at least 1", plan.Digesters)
	}
	pages := make([]Page, len(urls))
	for i, u := range urls {
		pages[i].URL = u
	}
	if len(urls) == 0 {
		return pages, nil
	}

	// Every goroutine below stops when ctx is done; the first error cancels
	// it with itself as the cause, so context.Cause returns the first error.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	// Stage 0: the indexes of the URLs, closed by their only sender.
	jobs := make(chan int)
	// Stage 1 → stage 2: bodies as they arrive, closed once every
	// downloader (its senders) has ended.
	bodies := make(chan fetched)

	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for i := range urls {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	})

	var downloaders sync.WaitGroup
	for range min(plan.Downloaders, len(urls)) {
		session := newSession()
		downloaders.Go(func() {
			defer session.Close()
			download(ctx, cancel, session, urls, jobs, bodies)
		})
	}
	wg.Go(func() {
		downloaders.Wait()
		close(bodies)
	})

	for range 1 {
		wg.Go(func() {
			for f := range bodies {
				if ctx.Err() != nil {
					continue // drain: the downloaders end by themselves
				}
				pages[f.index] = Page{URL: urls[f.index], Size: len(f.body), Digest: digest(f.body), Done: true}
			}
		})
	}
	wg.Wait()

	if ctx.Err() != nil {
		return pages, context.Cause(ctx)
	}
	return pages, nil
}

// fetched is a downloaded body and the index of its URL.
type fetched struct {
	index int
	body  []byte
}

// download is one worker of the I/O stage: it downloads the URL of each
// index it takes from jobs with its own session and sends the body on.
func download(ctx context.Context, fail context.CancelCauseFunc, session *web.Session, urls []string, jobs <-chan int, bodies chan<- fetched) {
	for i := range jobs {
		if ctx.Err() != nil {
			return // stopped: take no new request
		}
		body, err := fetch(ctx, session, urls[i])
		if err != nil {
			fail(err)
			return
		}
		select {
		case bodies <- fetched{i, body}:
		case <-ctx.Done():
			return
		}
	}
}

// fetch downloads url whole with session.
func fetch(ctx context.Context, session *web.Session, url string) ([]byte, error) {
	resp, err := session.Get(ctx, url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading the body: %w", url, err)
	}
	return body, nil
}
