// Command 03-pool runs kata 03's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"io"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/03-pool"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 3,
		Name: "pool",
		IO: func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
			pages, err := kata.DownloadAll(ctx, site.NewSession, urls, 5)
			sizes := make([]int, len(pages))
			for i, p := range pages {
				sizes[i] = p.Size
			}
			return sizes, err
		},
	})
}
