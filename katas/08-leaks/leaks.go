// Package leaks is kata 08: five small functions that give the right answers
// and leak a goroutine each, the way real code does.
//
// Every function below works: the specs check its results, and they pass.
// What fails is the leak check that follows: each function leaves a
// goroutine running after it returns. Find it in goleak's report, and fix the
// function without changing what it returns. Task by task, in the order of
// the README. Run the specs with `make kata N=8`.
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
// Task 1. It leaks: see README, "Task 1: FirstAnswer".
func FirstAnswer(ctx context.Context, replicas ...func() string) (string, error) {
	if ctx == nil {
		return "", errors.New("FirstAnswer: ctx is nil: pass the caller's context (context.Background() only at the very top)")
	}
	if len(replicas) == 0 {
		return "", errors.New("FirstAnswer: no replicas to ask")
	}
	answers := make(chan string)
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
// Task 2. It leaks: see README, "Task 2: ReadAll".
func ReadAll(ctx context.Context, r io.ReadCloser) ([]byte, error) {
	if ctx == nil || r == nil {
		return nil, errors.New("ReadAll: nil ctx or reader")
	}
	go func() {
		<-ctx.Done()
		r.Close()
	}()
	data, err := io.ReadAll(r)
	if err != nil && ctx.Err() != nil {
		return data, fmt.Errorf("ReadAll: %w", ctx.Err())
	}
	return data, err
}

// Process returns items in upper case, and while it works, calls progress
// every interval, from another goroutine, with the number of items done so
// far. progress is never called after Process has returned. An interval <= 0
// is an error; a nil progress is allowed and never called.
//
// Task 3. It leaks: see README, "Task 3: Process".
func Process(items []string, interval time.Duration, progress func(done int)) ([]string, error) {
	if interval <= 0 {
		return nil, fmt.Errorf("Process: interval must be positive, got %v", interval)
	}
	var done atomic.Int64
	ticker := time.NewTicker(interval)
	go func() {
		for range ticker.C {
			if progress != nil {
				progress(int(done.Load()))
			}
		}
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
// Task 4. It leaks: see README, "Task 4: Equal".
func Equal(a, b iter.Seq[int]) bool {
	nextA, _ := iter.Pull(a)
	nextB, _ := iter.Pull(b)
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
// Task 5. It leaks: see README, "Task 5: SumSquares".
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
	sum := 0
	for range nums {
		sum += <-results
	}
	return sum, nil
}
