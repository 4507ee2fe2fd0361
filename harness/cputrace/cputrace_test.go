package cputrace_test

import (
	"bytes"
	"errors"
	"runtime"
	rtrace "runtime/trace"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// sums computes SumOfSquares(CPUBase) count times on workers goroutines
// (0: on the calling goroutine), and waits for them.
func sums(count, workers int) {
	if workers == 0 {
		for range count {
			workload.SumOfSquares(workload.CPUBase)
		}
		return
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for n := range jobs {
				workload.SumOfSquares(n)
			}
		})
	}
	for range count {
		jobs <- workload.CPUBase
	}
	close(jobs)
	wg.Wait()
}

func record(f func()) *cputrace.Recording {
	GinkgoHelper()
	rec, err := cputrace.Record(f)
	Expect(err).NotTo(HaveOccurred())
	return rec
}

var _ = Describe("Record", func() {
	It("sees tasks run one after another as a peak of 1, on one goroutine", func(SpecContext) {
		rec := record(func() { sums(4, 0) })
		tasks := rec.Tasks(workload.SumOfSquaresRegion)
		Expect(tasks).To(HaveLen(4), "one region per SumOfSquares call")
		Expect(rec.PeakRunning(workload.SumOfSquaresRegion)).To(Equal(1))
		for i, t := range tasks {
			Expect(t.Goroutine).To(Equal(tasks[0].Goroutine), "every task ran on the calling goroutine")
			Expect(t.End).To(BeNumerically(">", t.Start))
			Expect(t.Running).NotTo(BeEmpty(), "a task that computes for milliseconds runs on a processor")
			Expect(t.CPU()).To(BeNumerically("<=", t.End-t.Start))
			for _, sl := range t.Running {
				Expect(sl.Start).To(BeNumerically(">=", t.Start))
				Expect(sl.End).To(BeNumerically("<=", t.End))
				Expect(rec.Procs).To(ContainElement(sl.P), "a slice's P is one of the recording's")
				Expect(sl.Thread).To(BeNumerically(">=", 0))
			}
			if i > 0 {
				Expect(t.Start).To(BeNumerically(">=", tasks[i-1].End), "in order, one after another")
			}
		}
		Expect(rec.GOMAXPROCS).To(Equal(runtime.GOMAXPROCS(0)))
		Expect(rec.Duration).To(BeNumerically(">=", tasks[3].End))
		Expect(rec.Raw).NotTo(BeEmpty())
	}, SpecTimeout(harness.SpecTimeout))

	It("sees 4 goroutines summing as a peak of min(4, GOMAXPROCS), each on a processor of its own", func(SpecContext) {
		rec := record(func() { sums(8, 4) })
		Expect(rec.Tasks(workload.SumOfSquaresRegion)).To(HaveLen(8))
		want := min(4, runtime.GOMAXPROCS(0))
		Expect(rec.PeakRunning(workload.SumOfSquaresRegion)).To(Equal(want))
		Expect(len(rec.ProcsUsed(workload.SumOfSquaresRegion))).To(BeNumerically(">=", want))
		goroutines := map[int64]bool{}
		for _, t := range rec.Tasks(workload.SumOfSquaresRegion) {
			goroutines[t.Goroutine] = true
		}
		Expect(len(goroutines)).To(BeNumerically(">=", 2), "the tasks ran on the workers' goroutines")
	}, SpecTimeout(harness.SpecTimeout))

	It("sees the same goroutines as a peak of 1 with GOMAXPROCS=1: one processor", func(SpecContext) {
		previous := runtime.GOMAXPROCS(1)
		DeferCleanup(func() { runtime.GOMAXPROCS(previous) })
		rec := record(func() { sums(8, 4) })
		Expect(rec.Tasks(workload.SumOfSquaresRegion)).To(HaveLen(8))
		Expect(rec.PeakRunning(workload.SumOfSquaresRegion)).To(Equal(1))
		Expect(rec.GOMAXPROCS).To(Equal(1))
		Expect(rec.ProcsUsed(workload.SumOfSquaresRegion)).To(HaveLen(1))
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps region types apart, and counts a goroutine once in nested regions", func(SpecContext) {
		rec := record(func() {
			r := rtrace.StartRegion(GinkgoT().Context(), "outer")
			workload.Digest(make([]byte, 1000), 100)
			workload.SumOfSquares(1000)
			r.End()
		})
		Expect(rec.Tasks(workload.DigestRegion)).To(HaveLen(1))
		Expect(rec.Tasks(workload.SumOfSquaresRegion)).To(HaveLen(1))
		Expect(rec.Tasks("outer")).To(HaveLen(1))
		Expect(rec.Tasks("")).To(HaveLen(3))
		Expect(rec.PeakRunning("")).To(Equal(1), "one goroutine, three regions open at once: one running")
		Expect(rec.PeakRunning("no such region")).To(BeZero())
	}, SpecTimeout(harness.SpecTimeout))

	It("refuses, with ErrTracing, while another trace runs, and leaves that trace alone", func(SpecContext) {
		var buf bytes.Buffer
		Expect(rtrace.Start(&buf)).To(Succeed())
		DeferCleanup(rtrace.Stop)
		called := false
		_, err := cputrace.Record(func() { called = true })
		Expect(err).To(MatchError(cputrace.ErrTracing))
		Expect(called).To(BeFalse(), "f is not run without a recording")
		Expect(rtrace.IsEnabled()).To(BeTrue(), "the other trace still runs")
	}, SpecTimeout(harness.SpecTimeout))

	It("lets concurrent calls take turns: each sees its own tasks", func(SpecContext) {
		var wg sync.WaitGroup
		recs := make([]*cputrace.Recording, 3)
		errs := make([]error, 3)
		for i := range recs {
			wg.Go(func() { recs[i], errs[i] = cputrace.Record(func() { workload.Digest(make([]byte, 100), i+1) }) })
		}
		wg.Wait()
		for i := range recs {
			Expect(errs[i]).NotTo(HaveOccurred())
			Expect(recs[i].Tasks(workload.DigestRegion)).To(HaveLen(1), "recording %d", i)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("stops the tracer when f panics, and lets the panic go on", func(SpecContext) {
		boom := errors.New("boom")
		Expect(func() { _, _ = cputrace.Record(func() { panic(boom) }) }).To(PanicWith(boom))
		Expect(rtrace.IsEnabled()).To(BeFalse())
		rec := record(func() { workload.SumOfSquares(10) })
		Expect(rec.Tasks(workload.SumOfSquaresRegion)).To(HaveLen(1), "the next recording works")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("PeakRunning", func() {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	span := func(g int64, slices ...[2]int) cputrace.Span {
		s := cputrace.Span{Region: "r", Goroutine: g}
		for _, sl := range slices {
			s.Running = append(s.Running, cputrace.Slice{Start: ms(sl[0]), End: ms(sl[1])})
		}
		return s
	}
	It("counts goroutines running at the same moment; one that ends as another starts does not overlap", func(SpecContext) {
		rec := &cputrace.Recording{Spans: []cputrace.Span{
			span(1, [2]int{0, 10}), span(2, [2]int{10, 20}), span(3, [2]int{15, 30}), span(4, [2]int{16, 17}),
		}}
		Expect(rec.PeakRunning("r")).To(Equal(3))
		Expect((&cputrace.Recording{}).PeakRunning("")).To(BeZero(), "the zero Recording is empty")
		gaps := &cputrace.Recording{Spans: []cputrace.Span{span(1, [2]int{0, 5}, [2]int{10, 15}), span(2, [2]int{5, 10})}}
		Expect(gaps.PeakRunning("")).To(Equal(1), "taking turns on one processor")
	}, SpecTimeout(harness.SpecTimeout))
})
