package poolcpu_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

var _ = Describe("Task 2: FindSums, at both ends of the range", func() {
	// On a context already cancelled Map computes nothing, so a number that
	// passes the check gives the context's error, and one that fails it the
	// range error: each end of [0, 2^32] is checked without computing a sum
	// (SumOfSquares(2^32) would take seconds) and without the panic a number
	// out of range causes on a worker.
	It("takes 0 and 2^32, rejects -1 and 2^32 + 1 before Map, and names the first bad number", func(ctx SpecContext) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		for _, n := range []int{0, 1 << 32} {
			_, err := poolcpu.FindSums(cctx, []int{n}, 1)
			Expect(err).To(MatchError(context.Canceled),
				"%d is in the range SumOfSquares takes (0 <= n <= 2^32, both ends included), so FindSums must hand it to\n"+
					"Map, which returns the cancelled context's error; it gave another error instead. See the README, task 2.", n)
		}
		for _, c := range []struct {
			numbers []int
			want    []string
		}{
			{[]int{7, -1}, []string{"numbers[1]", "-1"}},
			{[]int{1<<32 + 1}, []string{"numbers[0]", "4294967297"}},
			{[]int{3, 1<<32 + 1, -5}, []string{"numbers[1]", "4294967297"}},
		} {
			_, err := poolcpu.FindSums(cctx, c.numbers, 1)
			Expect(err).To(HaveOccurred(), "%v holds a number SumOfSquares panics on: FindSums must reject it before Map runs", c.numbers)
			Expect(err).NotTo(MatchError(context.Canceled),
				"FindSums(%v) gave the context's error: the numbers reached Map unchecked. Check each number first\n"+
					"(0 <= n <= 2^32): with a live context, SumOfSquares would panic on a worker goroutine and crash the program.", c.numbers)
			for _, w := range c.want {
				Expect(err.Error()).To(ContainSubstring(w),
					"FindSums(%v): name the first bad number and its index, as in numbers[2] = -1; got %q", c.numbers, err.Error())
			}
		}
	}, SpecTimeout(harness.SpecTimeout))
})
