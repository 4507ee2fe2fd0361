// Package poolcpu is kata 04: the worker pool on CPU-bound work. In Python,
// threads made the sums no faster (the GIL lets one thread compute at a
// time); in Go, goroutines on several cores do.
//
// This is the reference solution.
package poolcpu

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/concurrency-katas/go-katas/harness/workload"
)

// Map calls task(n) for each of numbers on a pool of min(workers,
// len(numbers)) worker goroutines, each taking number after number, and
// returns the results in the order of numbers, whatever order they finish
// in: result i is task(numbers[i]). At most workers calls of task run at the
// same time, and with enough numbers exactly workers do. Besides them, Map
// starts at most one goroutine, to hand out the numbers. Each call has its
// own results: two calls of Map at once do not mix them.
//
// Cancellation: once ctx is done, no new call of task starts (a worker checks
// ctx before each one); calls already running finish, since a computation
// cannot be interrupted half-way. Map then waits for its workers and returns
// the results of the longest run of numbers, from the first, that all
// finished (results[:k]: those of numbers[:k]; empty, not nil, when k is 0),
// with ctx's error. If every number finished, nothing was cut short: Map
// returns all the results and a nil error, even if ctx is done by then.
//
// Map returns only after every goroutine it started has ended. An empty
// numbers gives an empty result (not nil) and a nil error, and calls task
// never. A nil ctx, workers < 1 or a nil task is an error that names it,
// whatever numbers is (even empty); nothing is run.
func Map(ctx context.Context, numbers []int, workers int, task func(n int) workload.U128) ([]workload.U128, error) {
	if ctx == nil {
		return nil, errors.New("Map: ctx is nil: pass the caller's context (context.Background() only at the very top)")
	}
	if workers < 1 {
		return nil, fmt.Errorf("Map: workers must be at least 1, got %d", workers)
	}
	if task == nil {
		return nil, errors.New("Map: task is nil: pass the function to run on each number")
	}
	results := make([]workload.U128, len(numbers))
	finished := make([]bool, len(numbers)) // each index is written by one worker only
	jobs := make(chan int)                 // indices into numbers

	var wg sync.WaitGroup
	for range min(workers, len(numbers)) {
		wg.Go(func() {
			for i := range jobs {
				if ctx.Err() != nil {
					continue // cancelled: start nothing new, drain until jobs is closed
				}
				results[i] = task(numbers[i])
				finished[i] = true
			}
		})
	}
feed:
	for i := range numbers {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait() // every worker has ended: results and finished are ours to read

	k := 0
	for k < len(finished) && finished[k] {
		k++
	}
	if k < len(numbers) {
		return results[:k], ctx.Err()
	}
	return results, nil
}

// FindSums returns workload.SumOfSquares(n) for each of numbers, in order,
// computed on a pool of workers goroutines: Map with the CPU task. Every
// number must be one SumOfSquares takes (0 <= n <= 2^32); otherwise FindSums
// returns an error that names the first bad number and its index, and
// computes nothing (a panic on a worker goroutine would crash the whole
// program). Cancellation and the other errors are Map's.
func FindSums(ctx context.Context, numbers []int, workers int) ([]workload.U128, error) {
	for i, n := range numbers {
		if n < 0 || n > 1<<32 {
			return nil, fmt.Errorf("FindSums: numbers[%d] = %d is out of range: SumOfSquares takes 0 <= n <= 2^32", i, n)
		}
	}
	return Map(ctx, numbers, workers, workload.SumOfSquares)
}
