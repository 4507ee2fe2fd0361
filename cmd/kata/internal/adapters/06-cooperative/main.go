// Command 06-cooperative runs kata 06's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"io"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 6,
		Name: "cooperative",
		IO: func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
			results, err := kata.Download(ctx, site.NewSession, urls)
			sizes := make([]int, len(results))
			for i, r := range results {
				sizes[i] = r.Size
				if r.Err != nil && err == nil {
					err = r.Err
				}
			}
			return sizes, err
		},
	})
}
