// Package processpool is kata 09: a pool of worker processes, the Go form of
// Python's multiprocessing.Pool(initializer=...) and pool.map.
//
// This is the reference solution, and it is short because the project keeps
// one copy of its pool: harness/proc/pool.go, the pool kata 10 runs its work
// on. Read that file for the code: NewPool and startWorker (process groups,
// pipes, WaitDelay, the hello and the initializer), Map and run (one
// goroutine per worker, answers put at their index, the faults that break
// the pool), and Close (stdin closed, every worker reaped, groups killed).
// The names below are that package's, so the specs of this kata run it
// exactly as they run your pool.
package processpool

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/proc"
)

type (
	// Config configures a Pool: see harness/proc.PoolConfig.
	Config = proc.PoolConfig
	// Pool is a fixed set of worker processes: see harness/proc.Pool.
	Pool = proc.Pool
)

// New starts the workers and runs the initializer in each: see
// harness/proc.NewPool.
func New(ctx context.Context, cfg Config) (*Pool, error) { return proc.NewPool(ctx, cfg) }
