package processwork_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
	processwork "github.com/concurrency-katas/go-katas/katas/10-process-work"
)

var _ = Describe("Task 1: across the process boundary", func() {
	It("turns numbers into sum-of-squares tasks with decimal arguments", func(SpecContext) {
		Expect(processwork.SumTasks([]int{30_000_000, 7})).To(Equal([]proc.Task{
			{Name: "sum-of-squares", Arg: "30000000"}, {Name: "sum-of-squares", Arg: "7"},
		}), "a task is a name and its argument as text (README, \"Serialisation\")")
		Expect(processwork.SumTasks(nil)).To(BeEmpty())
	}, SpecTimeout(harness.SpecTimeout))

	It("parses decimal answers back into exact U128 values, past uint64 and float64", func(SpecContext) {
		sums, err := processwork.ParseSums([]string{"41666654166667500000", "0", "285", "340282366920938463463374607431768211455"})
		Expect(err).NotTo(HaveOccurred())
		Expect(sums).To(Equal([]workload.U128{
			workload.ClosedForm(5_000_000), {}, workload.ClosedForm(10), {Hi: ^uint64(0), Lo: ^uint64(0)},
		}), "parse exactly with math/big: a float64 keeps only 53 bits, a uint64 only 64 (README, \"Serialisation\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects an answer that is not a whole number in [0, 2^128), naming its index", func(SpecContext) {
		for i, bad := range []string{"12abc", "-1", "340282366920938463463374607431768211456", "", "1e3"} {
			_, err := processwork.ParseSums([]string{"1", bad})
			Expect(err).To(MatchError(ContainSubstring("1")), "case %d", i)
			Expect(err).To(MatchError(ContainSubstring("%q", bad)), "quote the bad answer %q", bad)
		}
		empty, err := processwork.ParseSums(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(empty).To(BeEmpty())
	}, SpecTimeout(harness.SpecTimeout))
})
