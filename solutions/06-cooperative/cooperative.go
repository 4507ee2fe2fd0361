// Package cooperative is kata 06: the download of kata 01, as tasks on one
// cooperative event loop, sharing one Session: Python's asyncio version.
//
// This is the reference solution.
package cooperative

import (
	"context"
	"errors"
	"fmt"

	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
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
// stops. Errors name the URL; a nil session is an error.
//
// Task 1.
func DownloadSite(t *loop.Task, session *web.Session, url string) (int, error) {
	if session == nil {
		return 0, fmt.Errorf("DownloadSite(%s): session is nil: pass the session shared by the tasks", url)
	}
	call := session.Begin(t.Context(), url)
	if err := t.Await(call); err != nil {
		return 0, fmt.Errorf("GET %s: %w", url, err)
	}
	body, err := call.Body()
	return len(body), err
}

// DownloadAll downloads urls from inside task t: one task per URL on t's
// loop, all sharing ONE session made by newSession (closed before
// returning), all started before any is awaited. Like asyncio.gather with
// return_exceptions=True, it waits for every task and returns one Result
// per URL, in the order of urls; a failed URL is a Result with Err, not an
// error of DownloadAll.
//
// Its error is for what stops the whole download: a nil newSession, or the
// loop stopping (then the Results of the unfinished URLs carry that error).
// An empty urls makes no request and returns an empty slice.
// Every Result has its URL, also that of a URL whose task the stopped loop
// never ran. The session is the call's: two DownloadAll calls at once (on
// the loops of two Downloads) each make, use and close their own.
//
// Task 2.
func DownloadAll(t *loop.Task, newSession func() *web.Session, urls []string) ([]Result, error) {
	if newSession == nil {
		return nil, errors.New("DownloadAll: newSession is nil: pass a function that makes a Session, such as site.NewSession")
	}
	results := make([]Result, len(urls))
	if len(urls) == 0 {
		return results, nil
	}
	session := newSession()
	defer session.Close()

	done := make([]bool, len(urls))
	tasks := make([]*loop.Future, len(urls))
	for i, url := range urls {
		results[i].URL = url
		f, err := t.Loop().Spawn(fmt.Sprintf("download %d", i), func(t *loop.Task) error {
			results[i].Size, results[i].Err = DownloadSite(t, session, url)
			done[i] = true
			return nil
		})
		if err != nil {
			return unfinished(results, done, err)
		}
		tasks[i] = f
	}
	for _, f := range tasks {
		if err := t.Await(f); err != nil {
			return unfinished(results, done, err)
		}
	}
	return results, nil
}

// unfinished marks every result not yet done with err, and returns them
// with err: partial results, reported as such.
func unfinished(results []Result, done []bool, err error) ([]Result, error) {
	for i := range results {
		if !done[i] {
			results[i].Size, results[i].Err = 0, fmt.Errorf("GET %s: not finished: %w", results[i].URL, err)
		}
	}
	return results, err
}

// Download runs DownloadAll on a loop of its own until it is done or ctx
// ends: asyncio.run(download_all_sites(sites)). It returns the Results (on
// cancellation, partial: the unfinished ones carry the error) and an error
// that wraps ctx's error if ctx ended first. A nil ctx or newSession is an
// error, reported before any request.
//
// Task 3.
func Download(ctx context.Context, newSession func() *web.Session, urls []string) ([]Result, error) {
	if ctx == nil {
		return nil, errors.New("Download: ctx is nil: pass a context (context.Background() at the top of a program)")
	}
	if newSession == nil {
		return nil, errors.New("Download: newSession is nil: pass a function that makes a Session, such as site.NewSession")
	}
	var l loop.Loop
	var results []Result
	var downloadErr error
	if _, err := l.Spawn("download all", func(t *loop.Task) error {
		results, downloadErr = DownloadAll(t, newSession, urls)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := l.Run(ctx); err != nil {
		return results, err
	}
	return results, downloadErr
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
	var addr string
	f := t.RunInExecutor(func(ctx context.Context) error {
		var err error
		addr, err = workload.LegacyLookup(ctx, host)
		return err
	})
	if err := t.Await(f); err != nil {
		return "", err
	}
	return addr, f.Err()
}
