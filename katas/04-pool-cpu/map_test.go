package poolcpu_test

import (
	"context"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
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
		Expect(g.calls.Load()).To(BeZero(), "check the arguments before running anything")
	}, SpecTimeout(harness.SpecTimeout))
})
