package poolcpu_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// recording returns a recording of sums, each {goroutine, P, start ms, end ms}.
func recording(sums ...[4]int) *cputrace.Recording {
	rec := &cputrace.Recording{}
	for _, s := range sums {
		start, end := time.Duration(s[2])*time.Millisecond, time.Duration(s[3])*time.Millisecond
		rec.Spans = append(rec.Spans, cputrace.Span{Region: workload.SumOfSquaresRegion, Goroutine: int64(s[0]), Start: start, End: end,
			Running: []cputrace.Slice{{Start: start, End: end, P: int64(s[1])}}})
	}
	return rec
}

var _ = Describe("The sums-at-once matcher", Label("harness"), func() {
	It("passes the right count at the right peak, and explains each way to miss", func(SpecContext) {
		parallel := recording([4]int{1, 0, 0, 20}, [4]int{2, 1, 0, 20}, [4]int{1, 0, 20, 40}, [4]int{2, 1, 20, 40})
		oneByOne := recording([4]int{1, 0, 0, 20}, [4]int{1, 0, 20, 40}, [4]int{1, 0, 40, 60}, [4]int{1, 0, 60, 80})
		Expect(runSumsAtOnce(4, 2, "bound").Match(parallel)).To(BeTrue())
		Expect(runSumsAtOnce(4, 1, "bound").Match(oneByOne)).To(BeTrue())

		m := runSumsAtOnce(4, 2, "min(workers 4, GOMAXPROCS 2)")
		Expect(m.Match(oneByOne)).To(BeFalse())
		Expect(m.FailureMessage(oneByOne)).To(And(
			ContainSubstring("Expected 4 calls of workload.SumOfSquares with 2 running at the same moment (min(workers 4, GOMAXPROCS 2))"),
			ContainSubstring("saw 4 call(s) of workload.SumOfSquares on 1 goroutine(s), on processor(s) [P0], at most 1 running"),
			ContainSubstring("one after another"), ContainSubstring(`"The pool"`)))

		Expect(m.Match(&cputrace.Recording{})).To(BeFalse())
		Expect(m.FailureMessage(&cputrace.Recording{})).To(And(
			ContainSubstring("saw 0 call(s)"), ContainSubstring("the closed form"), ContainSubstring(`"Task 2: FindSums"`)))

		one := runSumsAtOnce(4, 1, "GOMAXPROCS=1")
		Expect(one.Match(parallel)).To(BeFalse())
		Expect(one.FailureMessage(parallel)).To(And(ContainSubstring("at most 2 running"), ContainSubstring("raised GOMAXPROCS"), ContainSubstring(`"GOMAXPROCS"`)))
	}, SpecTimeout(harness.SpecTimeout))
})
