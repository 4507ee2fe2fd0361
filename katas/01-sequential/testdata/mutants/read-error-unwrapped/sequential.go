// mutant: DownloadSite returns io.Copy's error as it is, without the URL
// killed-by: returns errors naming the URL: a reset connection, a truncated body, a malformed URL
// Package sequential is kata 01: the synchronous baseline. Every other kata
// is measured against what you write here.
//
// This is the reference solution.
package sequential

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
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
func DownloadSite(ctx context.Context, session *web.Session, url string) (int, error) {
	resp, err := session.Get(ctx, url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return int(n), err
	}
	return int(n), nil
}

// DownloadAll downloads urls one after another, in order, with ONE session
// made by newSession and closed before returning. For each page it writes
// a line "Read <size> from <url>" to out, and it returns the pages in the
// order of urls.
//
// On the first error it stops, and returns the pages read so far with the
// error. If ctx is cancelled it stops the same way. An empty urls makes no
// request and returns an empty slice. A nil ctx, newSession or out is an
// error that names it, returned before any session is made.
//
// DownloadAll is not meant to be called by several goroutines at once on
// the same out (it writes to out without a lock); newSession is called once.
func DownloadAll(ctx context.Context, newSession func() *web.Session, urls []string, out io.Writer) ([]Page, error) {
	if ctx == nil {
		return nil, errors.New("DownloadAll: ctx is nil: pass a context, such as context.Background() at the top of a program")
	}
	if newSession == nil {
		return nil, errors.New("DownloadAll: newSession is nil: pass a function that makes a Session, such as site.NewSession")
	}
	if out == nil {
		return nil, errors.New("DownloadAll: out is nil: pass where the report goes, such as os.Stdout or io.Discard")
	}
	pages := make([]Page, 0, len(urls))
	if len(urls) == 0 {
		return pages, nil
	}
	session := newSession()
	defer session.Close()
	for _, url := range urls {
		size, err := DownloadSite(ctx, session, url)
		if err != nil {
			return pages, err
		}
		fmt.Fprintf(out, "Read %d from %s\n", size, url)
		pages = append(pages, Page{URL: url, Size: size})
	}
	return pages, nil
}

// Summary returns the line the original program printed at the end of a
// run, such as "Downloaded 160 sites in 3.20 seconds" (seconds with two
// decimals).
func Summary(sites int, elapsed time.Duration) string {
	return fmt.Sprintf("Downloaded %d sites in %.2f seconds", sites, elapsed.Seconds())
}

// CPUBound returns the sum of i*i for 0 <= i < n, exactly: for n =
// 5_000_000 that is 41,666,654,166,667,500,000, too large for a uint64. For
// n <= 0 the sum is 0 (as Python's sum over an empty range).
func CPUBound(n int) workload.U128 {
	var sum workload.U128
	for i := uint64(0); i < uint64(max(n, 0)); i++ {
		var carry uint64
		sum.Lo, carry = bits.Add64(sum.Lo, i*i, 0)
		sum.Hi += carry
	}
	return sum
}

// FindSums returns CPUBound(n) for each of numbers, in order, computed one
// after another. It checks ctx before each number and, if ctx is done,
// returns the sums computed so far with ctx's error: a sum already started
// is finished, not interrupted. An empty numbers gives an empty result; a
// nil ctx is an error that names it.
func FindSums(ctx context.Context, numbers []int) ([]workload.U128, error) {
	if ctx == nil {
		return nil, errors.New("FindSums: ctx is nil: pass a context, such as context.Background() at the top of a program")
	}
	sums := make([]workload.U128, 0, len(numbers))
	for _, n := range numbers {
		if err := ctx.Err(); err != nil {
			return sums, err
		}
		sums = append(sums, CPUBound(n))
	}
	return sums, nil
}
