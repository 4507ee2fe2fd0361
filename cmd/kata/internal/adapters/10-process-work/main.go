// Command 10-process-work runs kata 10's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"io"

	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/10-process-work"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 10,
		Name: "process-work",
		IO: func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
			// The pool's start-up is part of the time, as in the article.
			pool, err := proc.NewPool(ctx, proc.PoolConfig{Command: proc.Command, Init: proc.Task{Name: "session", Arg: site.Server().URL}})
			if err != nil {
				return nil, err
			}
			defer pool.Close()
			return kata.DownloadInProcesses(ctx, pool, urls)
		},
		CPU: func(ctx context.Context, numbers []int) ([]workload.U128, error) {
			pool, err := proc.NewPool(ctx, proc.PoolConfig{Command: proc.Command})
			if err != nil {
				return nil, err
			}
			defer pool.Close()
			return kata.SumsInProcesses(ctx, pool, numbers)
		},
	})
}
