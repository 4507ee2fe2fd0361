// Command 11-choose is what `kata trace 11` runs: kata 11's Run (downloads,
// then digests on every processor) under Go's execution tracer (see the
// traced package). The tool builds it over the learner's files, or with
// -overlay over the reference solution.
package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/concurrency-katas/go-katas/cmd/kata/internal/traced"
	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	choose "github.com/concurrency-katas/go-katas/katas/11-choose"
)

func main() {
	rec := traced.FromArgs()
	srv := fakeserver.New(fakeserver.WithLatency(20 * time.Millisecond))
	defer srv.Close()
	site := web.NewSite(srv)
	urls := fakeserver.Sites(srv.URL)
	digest := func(body []byte) uint64 { return workload.Digest(body, workload.DigestRounds) }
	// record runs Run with a digester per processor; label gets the plan's
	// two numbers.
	record := func(suffix, label string) {
		plan := choose.Plan{Downloaders: 8, Digesters: runtime.GOMAXPROCS(0)}
		rec.Record(suffix, fmt.Sprintf(label, plan.Downloaders, plan.Digesters), workload.DigestRegion, func() error {
			if _, err := choose.Run(context.Background(), site.NewSession, urls, plan, digest); err != nil {
				return fmt.Errorf("Run: %w", err)
			}
			return nil
		})
	}
	record("", fmt.Sprintf("%s Run: %d pages, 20 ms latency, %%d downloaders, %%d digesters, GOMAXPROCS=%d", rec.Whose, len(urls), runtime.GOMAXPROCS(0)))
	runtime.GOMAXPROCS(1)
	record("-gomaxprocs1", "The same with GOMAXPROCS=1: %d downloaders, %d digester, one processor")
	rec.Finish()
}
