// Package processwork is kata 10: the process pool at work, on the CPU task
// (where processes give Python its only parallelism) and on the downloads
// (where they only add cost).
//
// This is the reference solution.
package processwork

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// SumTasks returns one "sum-of-squares" task per number, in order, each with
// the number in decimal as its argument: between processes only bytes
// travel. An empty numbers gives an empty slice.
func SumTasks(numbers []int) []proc.Task {
	ts := make([]proc.Task, len(numbers))
	for i, n := range numbers {
		ts[i] = proc.Task{Name: "sum-of-squares", Arg: strconv.Itoa(n)}
	}
	return ts
}

// limit128 is 2^128, the first value a U128 cannot hold.
var limit128 = new(big.Int).Lsh(big.NewInt(1), 128)

// ParseSums turns the workers' answers (sums in decimal) back into exact
// U128 values, in order. The sums need up to 128 bits: parse them exactly
// (math/big), never through a float64. An answer that is not a whole number
// in [0, 2^128) is an error that names its index and quotes it.
func ParseSums(values []string) ([]workload.U128, error) {
	sums := make([]workload.U128, len(values))
	mask := new(big.Int).SetUint64(^uint64(0))
	for i, v := range values {
		b, ok := new(big.Int).SetString(v, 10)
		if !ok || b.Sign() < 0 || b.Cmp(limit128) >= 0 {
			return nil, fmt.Errorf("ParseSums: answer %d is %q: want a whole number in [0, 2^128)", i, v)
		}
		lo := new(big.Int).And(b, mask).Uint64()
		hi := new(big.Int).Rsh(b, 64).Uint64()
		sums[i] = workload.U128{Hi: hi, Lo: lo}
	}
	return sums, nil
}

// SumsInProcesses computes workload.SumOfSquares of each number on the pool's
// worker processes, all at once (one Map), and returns the sums in order. A
// nil pool or ctx is an error that names it; an empty numbers returns an
// empty slice and runs nothing; the pool's errors come back wrapped (%w).
func SumsInProcesses(ctx context.Context, pool *proc.Pool, numbers []int) ([]workload.U128, error) {
	if pool == nil {
		return nil, errors.New("SumsInProcesses: pool is nil: pass the pool the caller made (proc.NewPool)")
	}
	if ctx == nil {
		return nil, errors.New("SumsInProcesses: ctx is nil: pass the caller's context")
	}
	if len(numbers) == 0 {
		return []workload.U128{}, nil
	}
	values, err := pool.Map(ctx, SumTasks(numbers))
	if err != nil {
		return nil, fmt.Errorf("SumsInProcesses: %w", err)
	}
	return ParseSums(values)
}

// DownloadInProcesses downloads urls on the pool's worker processes (task
// "download": each process uses the Session its initializer made) and
// returns the size of each body, in the order of urls. A nil pool or ctx is
// an error that names it; an empty urls returns an empty slice; the pool's
// errors (which name the URL) come back wrapped (%w). A worker's answer
// that is not a number is an error that names the URL and quotes the
// answer (%q).
func DownloadInProcesses(ctx context.Context, pool *proc.Pool, urls []string) ([]int, error) {
	if pool == nil {
		return nil, errors.New("DownloadInProcesses: pool is nil: pass the pool the caller made (proc.NewPool)")
	}
	if ctx == nil {
		return nil, errors.New("DownloadInProcesses: ctx is nil: pass the caller's context")
	}
	if len(urls) == 0 {
		return []int{}, nil
	}
	ts := make([]proc.Task, len(urls))
	for i, u := range urls {
		ts[i] = proc.Task{Name: "download", Arg: u}
	}
	values, err := pool.Map(ctx, ts)
	if err != nil {
		return nil, fmt.Errorf("DownloadInProcesses: %w", err)
	}
	sizes := make([]int, len(values))
	for i, v := range values {
		if sizes[i], err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("DownloadInProcesses: the size of %s is %q, not a number", urls[i], v)
		}
	}
	return sizes, nil
}
