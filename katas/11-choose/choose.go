// Package choose is kata 11, the capstone: download the 160 pages and
// compute a digest of each, with the right tool for each stage, connected
// as a pipeline, within a measured bound.
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=11`.
package choose

import (
	"context"
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
// Negative pages, latency or cpuPerPage are errors that name the argument
// ("pages", "latency", "cpuPerPage").
//
// Task 1.
func ChoosePlan(pages int, latency, cpuPerPage time.Duration) (Plan, error) {
	panic("ChoosePlan is not implemented yet: see README, task 1")
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
// name the argument ("ctx", "newSession", "digest", "Downloaders",
// "Digesters"), returned before any request.
//
// Tasks 2 to 6.
func Run(ctx context.Context, newSession func() *web.Session, urls []string, plan Plan, digest func(body []byte) uint64) ([]Page, error) {
	panic("Run is not implemented yet: see README, task 2")
}
