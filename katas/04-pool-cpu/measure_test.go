package poolcpu_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

// The measured workload: the first 8 numbers of the CPU workload, about 20 ms
// each on an idle machine. 8 splits evenly over 2, 4 or 8 cores.
const (
	measuredCount  = 8
	measureWorkers = 4
	rounds         = 3 // each timing is taken up to this many times, interleaved; the best (shortest) counts
	// no round starts once the timings have taken this long: on a very busy
	// machine one round takes 15 s and more, and the figure means little then
	timingBudget = 20 * time.Second
)

func measured() []int { return workload.CPUNumbers()[:measuredCount] }

// sequential is the baseline: a plain loop, as in kata 01.
func sequential(numbers []int) []workload.U128 {
	sums := make([]workload.U128, len(numbers))
	for i, n := range numbers {
		sums[i] = workload.SumOfSquares(n)
	}
	return sums
}

// reference is the simplest parallel code there is: one goroutine per core,
// each summing every k-th number. It shows what the machine can give right
// now: on an idle 2-core machine almost 2×, on a busy one less.
func reference(numbers []int) []workload.U128 {
	sums := make([]workload.U128, len(numbers))
	k := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range k {
		wg.Go(func() {
			for i := w; i < len(numbers); i += k {
				sums[i] = workload.SumOfSquares(numbers[i])
			}
		})
	}
	wg.Wait()
	return sums
}

// timeIt returns how long f took.
func timeIt(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// pool runs FindSums on the measured workload and checks its answer.
func pool(ctx context.Context) func() {
	return func() {
		sums, err := poolcpu.FindSums(ctx, measured(), measureWorkers)
		Expect(err).NotTo(HaveOccurred(), "FindSums on %d numbers of the workload, %d workers: no error", measuredCount, measureWorkers)
		Expect(sums).To(HaveLen(measuredCount), "one sum per number")
		for i, n := range measured() {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n)), "sums[%d] must be SumOfSquares(%d), in the order of the numbers", i, n)
		}
	}
}

// traced runs FindSums on the measured workload under Go's execution tracer.
func traced(ctx context.Context) *cputrace.Recording {
	GinkgoHelper()
	rec, err := cputrace.Record(pool(ctx))
	Expect(err).NotTo(HaveOccurred(), "this spec records your run with Go's execution tracer, which can record one trace at a time:\n"+
		"run it without go test -trace")
	return rec
}

// busyNote says, in a sentence, whether the machine was too busy for a
// wall-clock figure to mean much: more threads wanting a core than it has,
// or one goroutine per core (the reference, if measured: referenceSpeedUp
// > 0) getting well below one core each.
func busyNote(load, referenceSpeedUp float64) string {
	cores := min(runtime.NumCPU(), runtime.GOMAXPROCS(0))
	switch {
	case load >= float64(runtime.NumCPU()) || (cores >= 2 && referenceSpeedUp > 0 && referenceSpeedUp < 1.3):
		return fmt.Sprintf("The machine was busy (load %.1f on %d cores): other programs had the cores, so this figure says little\n"+
			"about your pool. Run it again on a quieter machine to see what it shows there.", load, runtime.NumCPU())
	case cores < 2:
		return fmt.Sprintf("Go runs on %d core here (load %.1f on %d cores): no speed-up is possible.", cores, load, runtime.NumCPU())
	default:
		return fmt.Sprintf("The machine was quiet enough (load %.1f on %d cores) for the figure to mean something.", load, runtime.NumCPU())
	}
}

var _ = Describe("Task 3: measuring", func() {
	It("runs min(workers, GOMAXPROCS) sums at the same moment, by Go's execution tracer, and shows the speed-up", func(ctx SpecContext) {
		// With one processor a pool and a loop both run one sum at a time.
		harness.AtLeastTwoProcs()
		workload.SumOfSquares(measured()[0]) // warm up
		rec := traced(ctx)
		want := min(measureWorkers, runtime.GOMAXPROCS(0), measuredCount)
		Expect(rec).To(runSumsAtOnce(measuredCount, want, fmt.Sprintf("min(workers %d, GOMAXPROCS %d)", measureWorkers, runtime.GOMAXPROCS(0))))

		// The lesson's measurement: the speed-up over a plain loop, printed,
		// never a verdict (a busy machine changes it; it cannot change what
		// the tracer saw).
		best := map[string]time.Duration{}
		begin, taken := time.Now(), 0
		for i := 0; i < rounds && (i == 0 || time.Since(begin) < timingBudget); i++ {
			taken++
			runs := []struct {
				name string
				f    func()
			}{{"loop", func() { sequential(measured()) }}, {"pool", pool(ctx)}, {"reference", func() { reference(measured()) }}}
			for j := range runs {
				run := runs[(i+j)%len(runs)] // a different order each round
				if d := timeIt(run.f); best[run.name] == 0 || d < best[run.name] {
					best[run.name] = d
				}
			}
		}
		speedUp := float64(best["loop"]) / float64(best["pool"])
		machine := float64(best["loop"]) / float64(best["reference"])
		AddReportEntry("speed-up", ReportEntryVisibilityAlways, fmt.Sprintf(
			"FindSums, %d workers, %d numbers: %.2f× faster than a plain loop (best of %d: loop %v, pool %v;\n"+
				"one goroutine per core %v, %.2f×). Go's execution tracer saw %d sums running at once at most, on %d processor(s).\n%s",
			measureWorkers, measuredCount, speedUp, taken, best["loop"].Round(time.Millisecond), best["pool"].Round(time.Millisecond),
			best["reference"].Round(time.Millisecond), machine, rec.PeakRunning(workload.SumOfSquaresRegion),
			len(rec.ProcsUsed(workload.SumOfSquaresRegion)), busyNote(harness.LoadAverage(), machine)))
	}, SpecTimeout(90*time.Second)) // 3 rounds of about 0.5 s each; on a very busy machine 15 s each, and fewer rounds

	It("with GOMAXPROCS=1, runs one sum at a time: the goroutines take turns on one processor", func(ctx SpecContext) {
		previous := runtime.GOMAXPROCS(1) // Go code now runs on one thread at a time, as Python's under the GIL
		DeferCleanup(func() { runtime.GOMAXPROCS(previous) })
		workload.SumOfSquares(measured()[0]) // warm up
		rec := traced(ctx)
		Expect(rec).To(runSumsAtOnce(measuredCount, 1, "GOMAXPROCS=1"))
		goroutines := map[int64]bool{}
		for _, t := range rec.Tasks(workload.SumOfSquaresRegion) {
			goroutines[t.Goroutine] = true
		}
		loop, pooled := time.Duration(0), time.Duration(0)
		begin, taken := time.Now(), 0
		for i := 0; i < rounds && (i == 0 || time.Since(begin) < timingBudget); i++ {
			taken++
			var l, p time.Duration
			if i%2 == 0 { // a different order each round
				l, p = timeIt(func() { sequential(measured()) }), timeIt(pool(ctx))
			} else {
				p, l = timeIt(pool(ctx)), timeIt(func() { sequential(measured()) })
			}
			if loop == 0 || l < loop {
				loop = l
			}
			if pooled == 0 || p < pooled {
				pooled = p
			}
		}
		AddReportEntry("GOMAXPROCS=1", ReportEntryVisibilityAlways, fmt.Sprintf(
			"with GOMAXPROCS=1 your pool ran its %d sums on %d goroutine(s), one at a time on 1 processor: %.2f× the loop's speed\n"+
				"(best of %d: loop %v, pool %v). %s",
			measuredCount, len(goroutines), float64(loop)/float64(pooled), taken, loop.Round(time.Millisecond), pooled.Round(time.Millisecond),
			busyNote(harness.LoadAverage(), 0)))
	}, SpecTimeout(90*time.Second)) // as above
})

// describeRun says what the tracer saw, for failure messages: how many sums,
// on how many goroutines and processors, at most how many at once.
func describeRun(rec *cputrace.Recording) string {
	tasks := rec.Tasks(workload.SumOfSquaresRegion)
	goroutines := map[int64]bool{}
	for _, t := range tasks {
		goroutines[t.Goroutine] = true
	}
	procs := rec.ProcsUsed(workload.SumOfSquaresRegion)
	names := make([]string, len(procs))
	for i, p := range procs {
		names[i] = fmt.Sprintf("P%d", p)
	}
	return fmt.Sprintf("%d call(s) of workload.SumOfSquares on %d goroutine(s), on processor(s) [%s], at most %d running at the same moment",
		len(tasks), len(goroutines), strings.Join(names, " "), rec.PeakRunning(workload.SumOfSquaresRegion))
}
