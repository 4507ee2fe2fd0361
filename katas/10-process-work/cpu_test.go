package processwork_test

import (
	"context"
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
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

	It("is at least 1.5× faster than sequential with 2 cores (warm pool, two workers per core, best of interleaved pairs)", Label("timing"), func(ctx SpecContext) {
		if runtime.NumCPU() < 2 {
			Skip(fmt.Sprintf("this machine has %d CPU: a pool of processes cannot run in parallel on one core", runtime.NumCPU()))
		}
		numbers := workload.CPUNumbers()
		var pool *proc.Pool
		// Two workers per core, not one: on a machine whose cores are busy with
		// other work, the scheduler shares CPU per runnable thread, so N
		// workers against N busy threads get half the machine at most (see
		// README, "Measuring").
		startup := timed(func() { pool = newPool(ctx, 2*runtime.NumCPU(), proc.Task{}) })
		_, err := processwork.SumsInProcesses(ctx, pool, numbers[:pool.Size()]) // warm up
		Expect(err).NotTo(HaveOccurred())

		// The timings form a chain: sequential, pool, sequential, pool… Each
		// pool run is compared with the FASTER of the two sequential runs
		// around it, so a burst of load elsewhere can only make the pool look
		// worse, never better; the best such pair counts. On a quiet machine
		// the first pair decides; a busy one gets more pairs, within a budget.
		//
		// The sequential baseline runs in ONE worker process, through the same
		// pipes: a loop in this process never sleeps, while a worker sleeps
		// between tasks, and on a busy machine the scheduler favours a
		// process that sleeps often over one that never does. So both sides
		// pay the same round trips and get the same treatment; only the
		// parallelism differs.
		single := newPool(ctx, 1, proc.Task{})
		sumTasks := make([]proc.Task, len(numbers))
		for i, n := range numbers {
			sumTasks[i] = proc.Task{Name: "sum-of-squares", Arg: fmt.Sprint(n)}
		}
		sequential := func() time.Duration {
			return timed(func() {
				_, err := single.Map(ctx, sumTasks)
				Expect(err).NotTo(HaveOccurred())
			})
		}
		inProcess := timed(func() {
			for _, n := range numbers {
				_ = workload.SumOfSquares(n)
			}
		})
		const maxRounds, budget = 8, 25 * time.Second
		begin := time.Now()
		bestSeq, bestPool := time.Duration(0), time.Hour
		before := sequential()
		for round := 0; round < maxRounds && time.Since(begin) < budget; round++ {
			poolTime := timed(func() {
				_, err = processwork.SumsInProcesses(ctx, pool, numbers)
			})
			Expect(err).NotTo(HaveOccurred())
			after := sequential()
			seq := min(before, after)
			if float64(seq)/float64(poolTime) > float64(bestSeq)/float64(bestPool) {
				bestSeq, bestPool = seq, poolTime
			}
			if float64(bestSeq)/float64(bestPool) >= 1.5 {
				break
			}
			before = after
		}
		fmt.Fprintf(GinkgoWriter, "CPU task, %d numbers: sequential in one worker process %v (a loop in this process: %v), pool of %d processes %v (%.2f×); pool start-up %v\n",
			len(numbers), bestSeq.Round(time.Millisecond), inProcess.Round(time.Millisecond), pool.Size(), bestPool.Round(time.Millisecond),
			float64(bestSeq)/float64(bestPool), startup.Round(time.Millisecond))
		Expect(bestPool).To(match.BeFasterThan(bestSeq, 1.5))
	}, SpecTimeout(time.Minute)) // up to 8 timed rounds on a loaded machine: more than the usual 20 s
})
