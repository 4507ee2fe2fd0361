package workload_test

import (
	"math/big"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

var _ = Describe("CPU task", func() {
	It("sums the squares below 5,000,000 exactly, past uint64", func(SpecContext) {
		got := workload.SumOfSquares(5_000_000)
		Expect(got.String()).To(Equal("41666654166667500000"))
		Expect(got.Hi).To(BeNumerically(">", 0), "the sum does not fit in a uint64")
		want, _ := new(big.Int).SetString("41666654166667500000", 10)
		Expect(got.Big().Cmp(want)).To(BeZero())
	}, SpecTimeout(harness.SpecTimeout))

	It("agrees with the closed form", func(SpecContext) {
		for _, n := range []int{0, 1, 2, 3, 10, 5_000_000} {
			Expect(workload.SumOfSquares(n)).To(Equal(workload.ClosedForm(n)), "n = %d", n)
		}
		Expect(workload.SumOfSquares(0)).To(Equal(workload.U128{}))
		Expect(workload.SumOfSquares(3)).To(Equal(workload.U128{Lo: 5}))
		Expect(workload.SumOfSquares(10).String()).To(Equal("285"))
		Expect(workload.ClosedForm(1 << 32).String()).To(Equal(new(big.Int).Div(
			new(big.Int).Mul(new(big.Int).Mul(big.NewInt(1<<32), big.NewInt(1<<32-1)), big.NewInt(2*(1<<32)-1)),
			big.NewInt(6)).String()))
	}, SpecTimeout(harness.SpecTimeout))

	It("agrees with the closed form on the whole workload: 20 numbers from 30,000,000", func(SpecContext) {
		ns := workload.CPUNumbers()
		Expect(ns).To(HaveLen(workload.CPUTaskCount))
		Expect(ns[0]).To(Equal(30_000_000))
		Expect(ns[19]).To(Equal(30_000_019))
		for _, n := range ns {
			Expect(workload.SumOfSquares(n)).To(Equal(workload.ClosedForm(n)), "n = %d", n)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("panics with a message that says why for a negative n or one past 2^32", func(SpecContext) {
		Expect(func() { workload.SumOfSquares(-1) }).To(PanicWith("workload.SumOfSquares(-1): n must be in [0, 2^32]"))
		Expect(func() { workload.SumOfSquares(1<<32 + 1) }).To(PanicWith(ContainSubstring("n must be in [0, 2^32]")))
	}, SpecTimeout(harness.SpecTimeout))

	It("prints U128 values in decimal", func(SpecContext) {
		Expect(workload.U128{}.String()).To(Equal("0"))
		Expect(workload.U128{Hi: 1}.String()).To(Equal("18446744073709551616"))
		Expect(workload.U128{Hi: ^uint64(0), Lo: ^uint64(0)}.String()).To(Equal("340282366920938463463374607431768211455"))
	}, SpecTimeout(harness.SpecTimeout))
})

// BenchmarkSumOfSquares times one CPU task of the katas' workload (at
// CPUBase), in ms per task: about 20 ms is the design's target.
func BenchmarkSumOfSquares(b *testing.B) {
	start := time.Now()
	var sink workload.U128
	for b.Loop() {
		sink = workload.SumOfSquares(workload.CPUBase)
	}
	b.ReportMetric(float64(time.Since(start))/float64(time.Millisecond)/float64(b.N), "ms/task")
	if sink != workload.ClosedForm(workload.CPUBase) {
		b.Fatal("wrong sum")
	}
}
