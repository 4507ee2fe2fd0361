package harness_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
)

var _ = Describe("LegacyLookup", func() {
	It("blocks for LookupDelay and answers a stable address", func(SpecContext) {
		harness.Virtual(func() {
			start := time.Now()
			a, err := harness.LegacyLookup(context.Background(), "go.dev")
			Expect(err).NotTo(HaveOccurred())
			Expect(time.Since(start)).To(Equal(harness.LookupDelay))
			Expect(a).To(HavePrefix("203.0.113."))
			b, _ := harness.LegacyLookup(context.Background(), "go.dev")
			Expect(b).To(Equal(a), "the same host always gets the same address")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns early with the context's error, and rejects an empty host and a nil context", func(SpecContext) {
		harness.Virtual(func() {
			ctx, cancel := context.WithTimeout(context.Background(), harness.LookupDelay/4)
			defer cancel()
			start := time.Now()
			_, err := harness.LegacyLookup(ctx, "go.dev")
			Expect(err).To(MatchError(context.DeadlineExceeded))
			Expect(time.Since(start)).To(Equal(harness.LookupDelay / 4))
			_, err = harness.LegacyLookup(context.Background(), "")
			Expect(err).To(MatchError(ContainSubstring("empty host")))
			_, err = harness.LegacyLookup(nil, "go.dev") //nolint:staticcheck // the bad input under test
			Expect(err).To(MatchError(ContainSubstring("nil context")))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
