package workload_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

var _ = Describe("LegacyLookup", func() {
	It("blocks for LookupDelay and answers a stable address", func(SpecContext) {
		harness.Virtual(func() {
			start := time.Now()
			a, err := workload.LegacyLookup(context.Background(), "go.dev")
			Expect(err).NotTo(HaveOccurred())
			Expect(time.Since(start)).To(Equal(workload.LookupDelay))
			Expect(a).To(HavePrefix("203.0.113."))
			b, _ := workload.LegacyLookup(context.Background(), "go.dev")
			Expect(b).To(Equal(a), "the same host always gets the same address")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns early with the context's error, and rejects an empty host and a nil context", func(SpecContext) {
		harness.Virtual(func() {
			ctx, cancel := context.WithTimeout(context.Background(), workload.LookupDelay/4)
			defer cancel()
			start := time.Now()
			_, err := workload.LegacyLookup(ctx, "go.dev")
			Expect(err).To(MatchError(context.DeadlineExceeded))
			Expect(time.Since(start)).To(Equal(workload.LookupDelay / 4))
			_, err = workload.LegacyLookup(context.Background(), "")
			Expect(err).To(MatchError(ContainSubstring("empty host")))
			_, err = workload.LegacyLookup(nil, "go.dev") //nolint:staticcheck // the bad input under test
			Expect(err).To(MatchError(ContainSubstring("nil context")))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
