// Command 01-sequential runs kata 01's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"io"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/01-sequential"
)

func main() {
	runkit.Main(runkit.Version{
		Kata:        1,
		Name:        "sequential",
		PrintsLines: true,
		IO: func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
			pages, err := kata.DownloadAll(ctx, site.NewSession, urls, out)
			sizes := make([]int, len(pages))
			for i, p := range pages {
				sizes[i] = p.Size
			}
			return sizes, err
		},
		CPU: kata.FindSums,
	})
}
