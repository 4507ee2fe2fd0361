// Command 04-pool-cpu is what `kata trace 4` runs: kata 04's FindSums under
// Go's execution tracer (see the traced package). The tool builds it over the
// learner's files, or with -overlay over the reference solution.
package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/concurrency-katas/go-katas/cmd/kata/internal/traced"
	"github.com/concurrency-katas/go-katas/harness/workload"
	poolcpu "github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

func main() {
	rec := traced.FromArgs()
	numbers := workload.CPUNumbers()[:8]
	const workers = 4
	findSums := func() error {
		if _, err := poolcpu.FindSums(context.Background(), numbers, workers); err != nil {
			return fmt.Errorf("FindSums: %w", err)
		}
		return nil
	}
	workload.SumOfSquares(numbers[0]) // warm up
	rec.Record("", fmt.Sprintf("%s FindSums: %d numbers, %d workers, GOMAXPROCS=%d", rec.Whose, len(numbers), workers, runtime.GOMAXPROCS(0)),
		workload.SumOfSquaresRegion, findSums)
	runtime.GOMAXPROCS(1)
	rec.Record("-gomaxprocs1", fmt.Sprintf("The same with GOMAXPROCS=1: %d workers take turns on one processor", workers),
		workload.SumOfSquaresRegion, findSums)
	rec.Finish()
}
