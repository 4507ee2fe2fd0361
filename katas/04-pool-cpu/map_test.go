package poolcpu_test

import (
	"context"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/workload"
	"github.com/concurrency-katas/go-katas/katas/04-pool-cpu"
)

var _ = Describe("Task 1: Map", func() {
	It("returns each result in the order of the numbers, whatever order they finish in", func(ctx SpecContext) {
		g := newGatedTask(5, nil)
		run := startMap(ctx, numbersUpTo(5), 5, g)
		g.awaitStarts(5, "With 5 workers and 5 numbers, all 5 must run at once. See the README, \"The pool\".")
		for n := 4; n >= 0; n-- { // the last number finishes first
			close(g.release[n])
			Expect(<-g.finished).To(Equal(n), "the spec released task(%d) only, so it is the one that finished", n)
		}
		results, err := run.wait()
		Expect(err).NotTo(HaveOccurred(), "nothing was cancelled: no error")
		Expect(results).To(Equal([]workload.U128{result(0), result(1), result(2), result(3), result(4)}),
			"result i must be task(numbers[i]); the tasks finished in the order 4, 3, 2, 1, 0.\n"+
				"Results appended as they arrive come back in finishing order: write each into its own\n"+
				"slot instead (results[i] = task(numbers[i])). See the README, \"Keeping the order\".")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs exactly workers tasks at once: 5 workers, 20 numbers", func(ctx SpecContext) {
		g := newGatedTask(20, nil)
		run := startMap(ctx, numbersUpTo(20), 5, g)
		g.awaitStarts(5, "Fewer at once means fewer workers ran than asked for (a pool of 1, a plain loop), or the\n"+
			"workers took turns (a lock held around the task). See the README, \"The pool\".")
		select { // a sixth must not start while five are running
		case n := <-g.started:
			Fail("A sixth task (number " + itoa(n) + ") started while five were still running, with workers = 5:\n" +
				"more goroutines ran tasks than asked for. Start exactly workers goroutines and let each take\n" +
				"the next number when it is done. See the README, \"The pool\".")
		case <-time.After(lookFor):
		}
		g.releaseAll()
		results, err := run.wait()
		Expect(err).NotTo(HaveOccurred(), "nothing was cancelled: no error")
		Expect(g.peak.Load()).To(Equal(int32(5)), "at most 5 tasks may run at once, with workers = 5")
		Expect(g.calls.Load()).To(Equal(int32(20)), "each number's task runs exactly once")
		want := make([]workload.U128, 20)
		for i := range want {
			want[i] = result(i)
		}
		Expect(results).To(Equal(want), "result i must be task(numbers[i]), for each of the 20 numbers. See the README, \"Keeping the order\".")
	}, SpecTimeout(harness.SpecTimeout))

	It("starts no task once the context is cancelled, and returns the finished prefix", func(ctx SpecContext) {
		cctx, cancel := context.WithCancel(ctx)
		DeferCleanup(cancel)
		g := newGatedTask(20, cctx)
		run := startMap(cctx, numbersUpTo(20), 2, g)

		firstTwo := g.awaitStarts(2, "With 2 workers, 2 tasks must run at once. See the README, \"The pool\".")
		for _, n := range firstTwo {
			close(g.release[n])
		}
		nextTwo := g.awaitStarts(2, "When a task finishes, its worker takes the next number.")
		cancel() // two tasks are running: they finish, and nothing new starts
		g.releaseAll()
		results, err := run.wait()

		Expect(err).To(MatchError(context.Canceled), "return ctx's error (wrapped with %%w is fine) when the run was cut short")
		Expect(g.afterCancel.Load()).To(BeZero(),
			"%d task(s) started after the context was cancelled. Check ctx.Err() in the worker before each task\n"+
				"(a select on ctx.Done() in the loop that hands out numbers is not enough: when both cases are\n"+
				"ready, select picks one at random). See the README, \"Cancellation\".", g.afterCancel.Load())
		Expect(g.calls.Load()).To(Equal(int32(4)), "exactly the four tasks started before the cancel may run")

		ran := append(firstTwo, nextTwo...)
		k := 0
		for slices.Contains(ran, k) {
			k++
		}
		want := make([]workload.U128, k)
		for i := range want {
			want[i] = result(i)
		}
		Expect(results).To(Equal(want),
			"the tasks of numbers %v finished; return the results of the longest run from the first\n"+
				"number that all finished (here numbers 0..%d), and nothing else. See the README, \"Cancellation\".", ran, k-1)
	}, SpecTimeout(harness.SpecTimeout))

	It("runs no task and returns ctx's error when the context is already cancelled", func(ctx SpecContext) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		g := newOpenTask(10)
		results, err := poolcpu.Map(cctx, numbersUpTo(10), 3, g.task)
		Expect(err).To(MatchError(context.Canceled), "the context was cancelled before the start: return its error (wrapped with %%w is fine). See the README, \"Cancellation\".")
		Expect(results).NotTo(BeNil(), "no task ran, so no result is finished, and Map returned a nil slice: return results[:0], an empty\n"+
			"slice, as for an empty list (the finished prefix is empty, not missing). See the README, \"Cancellation\".")
		Expect(results).To(BeEmpty(), "no task ran, so no result is finished")
		Expect(g.calls.Load()).To(BeZero(), "a cancelled context means no task starts")
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with an empty result, a nil error and no task", func(ctx SpecContext) {
		g := newOpenTask(1)
		results, err := poolcpu.Map(ctx, nil, 4, g.task)
		Expect(err).NotTo(HaveOccurred(), "nothing to compute is not an error")
		Expect(results).NotTo(BeNil(), "an empty result, not a nil one")
		Expect(results).To(BeEmpty(), "no number, no result")
		Expect(g.calls.Load()).To(BeZero(), "no number, no task")
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects workers < 1, a nil context and a nil task with errors that name them", func(ctx SpecContext) {
		g := newOpenTask(3)
		_, err := poolcpu.Map(ctx, numbersUpTo(3), 0, g.task)
		Expect(err).To(MatchError(ContainSubstring("workers")), "name the argument that is wrong")
		_, err = poolcpu.Map(ctx, numbersUpTo(3), -2, g.task)
		Expect(err).To(MatchError(ContainSubstring("workers")), "name the argument that is wrong")
		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = poolcpu.Map(nil, numbersUpTo(3), 2, g.task) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "name the argument that is wrong")
		_, err = poolcpu.Map(ctx, numbersUpTo(3), 2, nil)
		Expect(err).To(MatchError(ContainSubstring("task")), "name the argument that is wrong")

		const early = "Map(%s) with an empty list gave %v: it returned its empty result before checking the\n" +
			"arguments. A bad argument is an error whatever numbers is, even empty: check ctx, workers and task\n" +
			"first (README, \"Task 1: Map: a worker pool for CPU work\")."
		for _, empty := range [][]int{nil, {}} {
			//lint:ignore SA1012 a nil context is the bad input under test
			_, err = poolcpu.Map(nil, empty, 2, g.task) //nolint:staticcheck
			Expect(err).To(MatchError(ContainSubstring("ctx")), early, "nil, numbers, 2, task", err)
			_, err = poolcpu.Map(ctx, empty, 0, g.task)
			Expect(err).To(MatchError(ContainSubstring("workers")), early, "ctx, numbers, 0, task", err)
			_, err = poolcpu.Map(ctx, empty, 2, nil)
			Expect(err).To(MatchError(ContainSubstring("task")), early, "ctx, numbers, 2, nil", err)
		}
		Expect(g.calls.Load()).To(BeZero(), "check the arguments before running anything")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns every result and a nil error when ctx is cancelled during the last task, once every other has finished", func(ctx SpecContext) {
		cctx, cancel := context.WithCancel(ctx)
		DeferCleanup(cancel)
		g := newGatedTask(3, nil)
		run := startMap(cctx, numbersUpTo(3), 1, g)
		for range 2 { // one worker: the numbers run one at a time; the first two finish
			n := g.awaitStarts(1, "With 1 worker, each number's task starts once the one before has finished.")[0]
			close(g.release[n])
		}
		last := g.awaitStarts(1, "With 1 worker, each number's task starts once the one before has finished.")[0]
		cancel() // every number has been handed out: the last task is running
		close(g.release[last])
		results, err := run.wait()
		Expect(err).NotTo(HaveOccurred(), "the context was cancelled while the last task ran, after the other two had finished: all three\n"+
			"finished, so nothing was cut short and the error must be nil. Decide by the finished prefix\n"+
			"(k == len(numbers): every result, no error), not by ctx.Err() at the end. See the README, \"Cancellation\".")
		Expect(results).To(Equal([]workload.U128{result(0), result(1), result(2)}), "every number finished: return all the results, in order")
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps each call's results its own: two Maps at once each return theirs", func(ctx SpecContext) {
		first := newGatedTask(2, nil)
		run := startMap(ctx, numbersUpTo(2), 2, first)
		first.awaitStarts(2, "With 2 workers and 2 numbers, both must run at once. See the README, \"The pool\".")
		// The first Map is held inside its tasks while a second one runs from start to end.
		second := newOpenTask(8)
		r2, err2 := poolcpu.Map(ctx, []int{5, 6, 7}, 2, second.task)
		returned := slices.Clone(r2)
		first.releaseAll()
		r1, err1 := run.wait()

		want1, want2 := []workload.U128{result(0), result(1)}, []workload.U128{result(5), result(6), result(7)}
		Expect(err2).NotTo(HaveOccurred(), "nothing was cancelled: no error")
		Expect(returned).To(Equal(want2), "a second Map over [5 6 7], run while the first (over [0 1]) was held in its tasks, returned\n"+
			"other results than its own: the two calls share their state. Keep results (and the finished flags)\n"+
			"in variables of the call, not of the package. See the README, \"Task 1: Map: a worker pool for CPU work\".")
		Expect(r2).To(Equal(want2), "the second Map's results changed after it had returned, when the first Map's tasks finished:\n"+
			"both calls wrote into one slice (a package-level variable?). Keep results in variables of the call.\n"+
			"See the README, \"Task 1: Map: a worker pool for CPU work\".")
		Expect(err1).NotTo(HaveOccurred(), "nothing was cancelled: no error")
		Expect(r1).To(Equal(want1), "the first Map over [0 1], held in its tasks while a second Map ran, returned other results than\n"+
			"its own: the two calls share their state. Keep results (and the finished flags) in variables of\n"+
			"the call. See the README, \"Task 1: Map: a worker pool for CPU work\".")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs the tasks on a pool: 50 numbers on 2 workers run on at most 2 goroutines, each taking number after number", func(ctx SpecContext) {
		var mu sync.Mutex
		ran := map[uint64]int{} // goroutine ID: tasks it ran
		task := func(n int) workload.U128 {
			id := harness.GoroutineID()
			mu.Lock()
			ran[id]++
			mu.Unlock()
			return result(n)
		}
		results, err := poolcpu.Map(ctx, numbersUpTo(50), 2, task)
		Expect(err).NotTo(HaveOccurred(), "nothing was cancelled: no error")
		Expect(results).To(HaveLen(50), "one result per number")
		Expect(len(ran)).To(BeNumerically("<=", 2), "the 50 tasks ran on %d different goroutines, with workers = 2: a goroutine per number\n"+
			"(with a semaphore that lets 2 run at a time, or in batches of 2) is not a pool. Start\n"+
			"min(workers, len(numbers)) goroutines, and let each take number after number from the channel.\n"+
			"See the README, \"The pool\".", len(ran))
	}, SpecTimeout(harness.SpecTimeout))

	It("starts min(workers, len(numbers)) workers, no more: 3 for 64 workers on 3 numbers, 2 for 2 workers on 50", func(ctx SpecContext) {
		for _, c := range []struct{ workers, numbers int }{{64, 3}, {2, 50}} {
			var results []workload.U128
			var mapErr error
			g := newOpenTask(c.numbers)
			rec, err := cputrace.Record(func() {
				results, mapErr = poolcpu.Map(ctx, numbersUpTo(c.numbers), c.workers, g.task)
			})
			Expect(err).NotTo(HaveOccurred(), "this spec records your Map with Go's execution tracer, which can record one trace at a time:\n"+
				"run it without go test -trace")
			Expect(mapErr).NotTo(HaveOccurred(), "nothing was cancelled: no error")
			Expect(results).To(HaveLen(c.numbers), "one result per number")
			started, err := goroutinesStarted(rec.Raw)
			Expect(err).NotTo(HaveOccurred())
			pool := min(c.workers, c.numbers)
			Expect(started).To(BeNumerically("<=", pool+1), "with workers = %d and %d numbers, Go's execution tracer saw your Map start %d goroutines.\n"+
				"Expected at most %d: the %d workers that are needed (min(workers, len(numbers))), and one more if\n"+
				"you hand out the numbers from a goroutine of your own. More means workers that find nothing to do\n"+
				"(started for workers, not for min(workers, len(numbers))), or a goroutine per number. See the\n"+
				"README, \"The pool\".", c.workers, c.numbers, started, pool+1, pool)
		}
	}, SpecTimeout(harness.SpecTimeout))
})
