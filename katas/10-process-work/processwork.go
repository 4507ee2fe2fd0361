// Package processwork is kata 10: the process pool at work, on the CPU task
// (where processes give Python its only parallelism) and on the downloads
// (where they only add cost).
//
// You do not write a pool here: the harness gives one, proc.Pool (the same
// design as kata 09's; see README, "Why a harness pool"). You write what
// crosses the process boundary: tasks out as text, results back from text,
// and the two runs on the pool. Replace each panic with your code, task by
// task, in the order of the README. Run the specs with `make kata N=10`.
package processwork

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// SumTasks returns one "sum-of-squares" task per number, in order, each with
// the number in decimal as its argument: between processes only bytes
// travel. An empty numbers gives an empty slice.
//
// Task 1.
func SumTasks(numbers []int) []proc.Task {
	panic("SumTasks is not implemented yet: see README, task 1")
}

// ParseSums turns the workers' answers (sums in decimal) back into exact
// U128 values, in order. The sums need up to 128 bits: parse them exactly
// (math/big), never through a float64. An answer that is not a whole number
// in [0, 2^128) is an error that gives its index and quotes it (%q).
//
// Task 1.
func ParseSums(values []string) ([]workload.U128, error) {
	panic("ParseSums is not implemented yet: see README, task 1")
}

// SumsInProcesses computes workload.SumOfSquares of each number on the pool's
// worker processes, all at once (one Map), and returns the sums in order. A
// nil pool or ctx is an error that names it ("pool", "ctx"); an empty
// numbers returns an empty slice and runs nothing; the pool's errors come
// back wrapped (%w).
//
// Task 2.
func SumsInProcesses(ctx context.Context, pool *proc.Pool, numbers []int) ([]workload.U128, error) {
	panic("SumsInProcesses is not implemented yet: see README, task 2")
}

// DownloadInProcesses downloads urls on the pool's worker processes (task
// "download": each process uses the Session its initializer made) and
// returns the size of each body, in the order of urls. A nil pool or ctx is
// an error that names it ("pool", "ctx"); an empty urls returns an empty
// slice; the pool's errors (which name the URL) come back wrapped (%w). A
// worker's answer that is not a number is an error that names the URL and
// quotes the answer (%q).
//
// Task 3.
func DownloadInProcesses(ctx context.Context, pool *proc.Pool, urls []string) ([]int, error) {
	panic("DownloadInProcesses is not implemented yet: see README, task 3")
}
