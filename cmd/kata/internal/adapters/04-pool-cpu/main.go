// Command 04-pool-cpu runs kata 04's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"

	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 4,
		Name: "pool-cpu",
		CPU: func(ctx context.Context, numbers []int) ([]workload.U128, error) {
			return kata.FindSums(ctx, numbers, 5)
		},
	})
}
