// Command 05-event-loop runs kata 05's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"fmt"

	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 5,
		Name: "event-loop",
		CPU: func(ctx context.Context, numbers []int) ([]workload.U128, error) {
			// A task per number on your loop: none yields, so each runs to its
			// end before the next starts, as asyncio runs CPU-bound coroutines.
			var l kata.Loop
			sums := make([]workload.U128, len(numbers))
			for i, n := range numbers {
				if _, err := l.Spawn(fmt.Sprintf("sum-%d", n), func(*kata.Task) error {
					sums[i] = workload.SumOfSquares(n)
					return nil
				}); err != nil {
					return nil, err
				}
			}
			return sums, l.Run(ctx)
		},
	})
}
