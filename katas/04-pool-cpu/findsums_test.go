package poolcpu_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

var _ = Describe("Task 2: FindSums", func() {
	It("computes the 20 sums of the workload exactly, in order, with 5 workers", func(ctx SpecContext) {
		numbers := workload.CPUNumbers()
		sums, err := poolcpu.FindSums(ctx, numbers, 5)
		Expect(err).NotTo(HaveOccurred(), "every number of the workload is valid: no error")
		Expect(sums).To(HaveLen(len(numbers)), "one sum per number")
		for i, n := range numbers {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n)), "sums[%d] must be SumOfSquares(%d)", i, n)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a number SumOfSquares cannot take, naming it and its index, before computing anything", func(ctx SpecContext) {
		// First on a cancelled context, where Map computes nothing: a FindSums
		// that does not check gives the context's error here instead of
		// crashing the whole run with SumOfSquares's panic on a worker.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := poolcpu.FindSums(cctx, []int{10, 20, -1, 30}, 2)
		Expect(err).NotTo(MatchError(context.Canceled), "-1 reached Map unchecked: check every number (0 <= n <= 2^32) before Map, or a worker panics")
		_, err = poolcpu.FindSums(ctx, []int{10, 20, -1, 30}, 2)
		Expect(err).To(MatchError(And(ContainSubstring("-1"), ContainSubstring("[2]"))),
			"name the bad number and its index, as in numbers[2] = -1; SumOfSquares panics on it, and a panic\n"+
				"on a worker goroutine crashes the whole program")
		_, err = poolcpu.FindSums(ctx, []int{1<<32 + 1}, 2)
		Expect(err).To(MatchError(ContainSubstring("4294967297")), "2^32 + 1 is past what SumOfSquares takes")
		sums, err := poolcpu.FindSums(ctx, []int{0, 3}, 2)
		Expect(err).NotTo(HaveOccurred(), "0 is the low end of the range, allowed")
		Expect(sums).To(Equal([]workload.U128{{}, {Lo: 5}}), "SumOfSquares(0) = 0, SumOfSquares(3) = 0 + 1 + 4")
	}, SpecTimeout(harness.SpecTimeout))

	It("answers bad arguments with clear errors: workers < 1, nil context, empty list", func(ctx SpecContext) {
		_, err := poolcpu.FindSums(ctx, []int{10}, 0)
		Expect(err).To(MatchError(ContainSubstring("workers")), "name the argument that is wrong")
		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = poolcpu.FindSums(nil, []int{10}, 2) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "name the argument that is wrong")
		sums, err := poolcpu.FindSums(ctx, []int{}, 2)
		Expect(err).NotTo(HaveOccurred(), "nothing to compute is not an error")
		Expect(sums).To(BeEmpty(), "no number, no sum")

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		sums, err = poolcpu.FindSums(cctx, workload.CPUNumbers(), 2)
		Expect(err).To(MatchError(context.Canceled), "the context was cancelled before the start: return its error (Map's)")
		Expect(sums).To(BeEmpty(), "nothing may be computed on a context that is already cancelled")
	}, SpecTimeout(harness.SpecTimeout))
})
