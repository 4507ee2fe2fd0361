// mutant: registers the watcher with context.AfterFunc and never unregisters it: a ctx cancelled after ReadAll returned still closes the caller's r
// killed-by: leaves r open when it reads to the end
// Package leaks is kata 08: five small functions that give the right answers
// and leak a goroutine each, the way real code does.
//
// This is the reference solution: the same functions, with the same
// results, and no leak.
package leaks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync/atomic"
	"time"
)

// FirstAnswer asks every replica at once, each on its own goroutine, and
// returns the first answer to arrive; the other answers are not needed. If
// ctx is done before any replica answers, it returns ctx's error. A nil ctx,
// and no replicas, are errors. When FirstAnswer returns, no goroutine it started may be left
// blocked: a replica that answers late must be able to finish.
//
// Task 1.
func FirstAnswer(ctx context.Context, replicas ...func() string) (string, error) {
	if ctx == nil {
		return "", errors.New("FirstAnswer: ctx is nil: pass the caller's context (context.Background() only at the very top)")
	}
	if len(replicas) == 0 {
		return "", errors.New("FirstAnswer: no replicas to ask")
	}
	// Room for every answer: a replica that answers late sends into the
	// buffer and ends, even though nobody will ever read its answer.
	answers := make(chan string, len(replicas))
	for _, replica := range replicas {
		go func() { answers <- replica() }()
	}
	select {
	case a := <-answers:
		return a, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// ReadAll reads r to the end and returns what it read. If ctx is done before
// the end, it closes r, which makes a blocked Read return, and it returns what
// it had read with ctx's error. A nil ctx or r is an error. ReadAll does not
// close r when it reads to the end: the caller still owns r then. Once it
// has returned, nothing it started touches r: if it closed r, its error is
// ctx's.
//
// Task 2.
func ReadAll(ctx context.Context, r io.ReadCloser) ([]byte, error) {
	if ctx == nil || r == nil {
		return nil, errors.New("ReadAll: nil ctx or reader")
	}
	// Close r if ctx is done while we read; stop watching when we return.
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(closed)
		r.Close()
	})
	data, err := io.ReadAll(r)
	if _ = stop; ctx.Err() != nil {
		// The watcher has started: r is closed, or being closed. Wait for
		// it, so that nothing touches r once ReadAll has returned, and say
		// why r is closed.
		<-closed
		return data, fmt.Errorf("ReadAll: %w", ctx.Err())
	}
	return data, err
}

// Process returns items in upper case, and while it works, calls progress
// every interval, from another goroutine, with the number of items done so
// far. progress is never called after Process has returned. An interval <= 0
// is an error; a nil progress is allowed and never called.
//
// Task 3.
func Process(items []string, interval time.Duration, progress func(done int)) ([]string, error) {
	if interval <= 0 {
		return nil, fmt.Errorf("Process: interval must be positive, got %v", interval)
	}
	var done atomic.Int64
	ticker := time.NewTicker(interval)
	quit := make(chan struct{})
	reporterDone := make(chan struct{})
	go func() {
		defer close(reporterDone)
		for {
			select {
			case <-ticker.C:
				if progress != nil {
					progress(int(done.Load()))
				}
			case <-quit:
				return
			}
		}
	}()
	defer func() {
		ticker.Stop()
		close(quit)    // the reporter's stop signal
		<-reporterDone // progress is never called after Process returns
	}()
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = strings.ToUpper(it)
		done.Add(1)
	}
	return out, nil
}

// Equal reports whether a and b yield the same values in the same order. It
// pulls the two sequences side by side with iter.Pull, and stops at the first
// difference, without reading the rest of either.
//
// Task 4.
func Equal(a, b iter.Seq[int]) bool {
	nextA, stopA := iter.Pull(a)
	defer stopA()
	nextB, stopB := iter.Pull(b)
	defer stopB()
	for {
		va, okA := nextA()
		vb, okB := nextB()
		if okA != okB || va != vb {
			return false
		}
		if !okA {
			return true
		}
	}
}

// SumSquares returns the sum of n*n over nums, computed by workers goroutines
// that take numbers from a shared jobs channel. workers <= 0 is an error; an
// empty nums sums to 0.
//
// Task 5.
func SumSquares(nums []int, workers int) (int, error) {
	if workers <= 0 {
		return 0, fmt.Errorf("SumSquares: workers must be at least 1, got %d", workers)
	}
	jobs := make(chan int, len(nums))
	results := make(chan int, len(nums))
	for range workers {
		go func() {
			for n := range jobs {
				results <- n * n
			}
		}()
	}
	for _, n := range nums {
		jobs <- n
	}
	close(jobs) // the sender closes: the workers' range loops end
	sum := 0
	for range nums {
		sum += <-results
	}
	return sum, nil
}
