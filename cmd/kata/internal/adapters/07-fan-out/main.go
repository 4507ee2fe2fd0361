// Command 07-fan-out runs kata 07's code outside its specs, for the kata tool's
// compare, timeline and examples commands (see internal/runkit). The tool
// builds it over the learner's files, or with -overlay over the reference
// solution; the constants (5 workers, a process per CPU) are the article's.
package main

import (
	"context"
	"io"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/runkit"
	kata "github.com/concurrency-katas/go-katas/katas/07-fan-out"
)

func main() {
	runkit.Main(runkit.Version{
		Kata: 7,
		Name: "fan-out",
		IO: func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
			client := site.NewClient()
			defer client.Close()
			pages, err := kata.DownloadAll(ctx, client, urls)
			sizes := make([]int, len(pages))
			for i, p := range pages {
				sizes[i] = p.Size
			}
			return sizes, err
		},
	})
}
