package processwork_test

import (
	"context"
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
	processwork "github.com/concurrency-katas/go-katas/katas/10-process-work"
)

var _ = Describe("Task 2: the CPU task on processes", func() {
	It("computes the CPU workload exactly and in order, in the worker processes, all at once", func(ctx SpecContext) {
		pool := newPool(ctx, 2, proc.Task{})
		numbers := workload.CPUNumbers()
		sums, err := processwork.SumsInProcesses(ctx, pool, numbers)
		Expect(err).NotTo(HaveOccurred())
		Expect(sums).To(HaveLen(len(numbers)))
		for i, n := range numbers {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n)), "sums[%d] is the sum of squares below %d", i, n)
		}
		total := 0
		for _, n := range pool.TasksPerWorker() {
			total += n
		}
		Expect(total).To(Equal(len(numbers)), "the workers must have computed the %d sums (one task each), not this process", len(numbers))
		Expect(pool.PeakParallel()).To(Equal(pool.Size()),
			"by the workers' own clocks, %d tasks must have been running at the same moment (one per worker); 1 means the tasks ran one after another: hand them all to the pool in one Map (README, \"Measuring\")", pool.Size())
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list, a nil pool and a cancelled ctx", func(ctx SpecContext) {
		pool := newPool(ctx, 1, proc.Task{})
		sums, err := processwork.SumsInProcesses(ctx, pool, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(sums).To(BeEmpty())
		_, err = processwork.SumsInProcesses(ctx, nil, []int{1})
		Expect(err).To(MatchError(ContainSubstring("pool")), "a nil pool is an error, not a panic")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = processwork.SumsInProcesses(cancelled, pool, []int{1, 2})
		Expect(err).To(MatchError(context.Canceled), "wrap the pool's error with %%w")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs the sums in parallel on its worker processes, by the workers' own clocks and CPU time, and shows the speed-up", func(ctx SpecContext) {
		numbers := workload.CPUNumbers()
		var pool *proc.Pool
		// Two workers per core: on a machine whose cores are busy with other
		// work, the scheduler shares CPU per runnable thread, so more workers
		// get more of the machine for the speed-up shown below (see README,
		// "Measuring"). The verdict does not depend on it.
		startup := timed(func() { pool = newPool(ctx, 2*runtime.NumCPU(), proc.Task{}) })
		_, err := processwork.SumsInProcesses(ctx, pool, numbers[:pool.Size()]) // warm up
		Expect(err).NotTo(HaveOccurred())
		// What computing the sums costs, in CPU time (which a busy machine
		// does not stretch the way it stretches wall time).
		loopCPU := cpuTime(func() {
			for _, n := range numbers {
				_ = workload.SumOfSquares(n)
			}
		})

		before := len(pool.Spans())
		poolTime := timed(func() { _, err = processwork.SumsInProcesses(ctx, pool, numbers) })
		Expect(err).NotTo(HaveOccurred())
		spans := pool.Spans()[before:] // the tasks of that call, whether in one Map or many
		Expect(spans).To(haveRunInParallel(len(numbers), pool.Size(), loopCPU))

		// The lesson's measurement, never a verdict: the speed-up over the
		// same tasks one after another in ONE worker process, through the
		// same pipes (a loop in this process never sleeps, and a busy
		// machine's scheduler favours processes that sleep often, such as
		// workers waiting for their next task: see README, "Measuring").
		single := newPool(ctx, 1, proc.Task{})
		sumTasks := make([]proc.Task, len(numbers))
		for i, n := range numbers {
			sumTasks[i] = proc.Task{Name: "sum-of-squares", Arg: fmt.Sprint(n)}
		}
		seq := timed(func() {
			_, err := single.Map(ctx, sumTasks)
			Expect(err).NotTo(HaveOccurred())
		})
		again := timed(func() { _, err = processwork.SumsInProcesses(ctx, pool, numbers) }) // the pool just after, under the same load
		Expect(err).NotTo(HaveOccurred())
		bestPool := min(poolTime, again)
		speedUp := float64(seq) / float64(bestPool)
		AddReportEntry("speed-up", ReportEntryVisibilityAlways, fmt.Sprintf(
			"CPU task, %d numbers: pool of %d processes %v, the same tasks one after another in one worker process %v: %.2f× (the pool's best of 2);\n"+
				"pool start-up %v. In the first run the workers computed %v of CPU time in %v: %.2f cores busy on average.\n%s",
			len(numbers), pool.Size(), bestPool.Round(time.Millisecond), seq.Round(time.Millisecond), speedUp,
			startup.Round(time.Millisecond), totalCPU(spans).Round(time.Millisecond), wallOf(spans).Round(time.Millisecond),
			float64(totalCPU(spans))/float64(wallOf(spans)), busyNote(speedUp)))
	}, SpecTimeout(90*time.Second)) // three timed runs, each up to 10 s and more on a loaded machine
})
