// Package cooperative is kata 06: the download of kata 01, as tasks on one
// cooperative event loop, sharing one Session: Python's asyncio version.
//
// The loop is harness/loop, a ready-made cooperative loop with the API of
// the one you built in kata 05 (plus RunInExecutor): see README, "Which
// loop?". Replace each panic with your code, task by task, in the order of
// the README. Run the specs with `make kata N=6`.
package cooperative

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/web"
)

// A Result is what the download of one URL gave: its size, or its error.
type Result struct {
	URL  string
	Size int   // bytes of the body; 0 if Err is set
	Err  error // nil on success; names the URL
}

// DownloadSite downloads url with session from inside task t, and returns
// the size of the body. The request waits off the loop (session.Begin),
// and t awaits it, so the other tasks of the loop run meanwhile: it never
// blocks the loop. The request uses t.Context(), so it ends when the loop
// stops. Errors name the URL; a nil session is an error that says the
// session is nil.
//
// Task 1.
func DownloadSite(t *loop.Task, session *web.Session, url string) (int, error) {
	panic("DownloadSite is not implemented yet: see README, task 1")
}

// DownloadAll downloads urls from inside task t: one task per URL on t's
// loop, all sharing ONE session made by newSession (closed before
// returning), all started before any is awaited. Like asyncio.gather with
// return_exceptions=True, it waits for every task and returns one Result
// per URL, in the order of urls; a failed URL is a Result with Err, not an
// error of DownloadAll.
//
// Its error is for what stops the whole download: a nil newSession (an
// error that names newSession), or the loop stopping (then the Results of
// the unfinished URLs carry that error).
// An empty urls makes no request and returns an empty slice.
// Every Result has its URL, also that of a URL whose task the stopped loop
// never ran. The session is the call's: two DownloadAll calls at once (on
// the loops of two Downloads) each make, use and close their own.
//
// Task 2.
func DownloadAll(t *loop.Task, newSession func() *web.Session, urls []string) ([]Result, error) {
	panic("DownloadAll is not implemented yet: see README, task 2")
}

// Download runs DownloadAll on a loop of its own until it is done or ctx
// ends: asyncio.run(download_all_sites(sites)). It returns the Results (on
// cancellation, partial: the unfinished ones carry the error) and an error
// that wraps ctx's error if ctx ended first. A nil ctx or newSession is an
// error that names it ("ctx", "newSession"), reported before any request.
//
// Task 3.
func Download(ctx context.Context, newSession func() *web.Session, urls []string) ([]Result, error) {
	panic("Download is not implemented yet: see README, task 3")
}

// Resolve looks up the address of host from inside task t with
// workload.LegacyLookup, which blocks: so it runs the lookup in an executor
// (t.RunInExecutor) and awaits the result, and the loop's other tasks run
// meanwhile. Errors are LegacyLookup's, or the loop stopping.
// The lookup is given the executor's ctx, so it ends when the loop stops:
// Run, which waits for every executor function, returns at the loop's
// deadline, not when the lookup would have ended.
//
// Task 4.
func Resolve(t *loop.Task, host string) (string, error) {
	panic("Resolve is not implemented yet: see README, task 4")
}
