package processpool_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

var _ = Describe("Task 3: Map", func() {
	It("answers with exact results, in input order", func(ctx SpecContext) {
		pool, _ := start(ctx, config(3))

		numbers := []int{5_000_000, 0, 1, 10, 6_074_001, 1000}
		var ts []proc.Task
		for _, n := range numbers {
			ts = append(ts, proc.Task{Name: "sum-of-squares", Arg: fmt.Sprint(n)})
		}
		sums, err := pool.Map(ctx, ts)
		Expect(err).NotTo(HaveOccurred())
		Expect(sums).To(HaveLen(len(numbers)))
		for i, n := range numbers {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n).String()), "sums[%d] is the sum of squares below %d", i, n)
		}

		// The first tasks take longest, so they finish last.
		var slow []proc.Task
		var want []string
		for i := range 9 {
			slow = append(slow, proc.Task{Name: "echo-after", Arg: fmt.Sprintf("%dms t%d", (9-i)*15, i)})
			want = append(want, fmt.Sprintf("t%d", i))
		}
		got, err := pool.Map(ctx, slow)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(want), "results[i] must be the answer to tasks[i], whatever order the tasks finished in (README, \"Order\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("reuses its N processes: as many distinct PIDs as workers, all children of this process", func(ctx SpecContext) {
		pool, _ := start(ctx, config(3))
		children := pidsOf(workerChildren())

		answers, err := pool.Map(ctx, tasks(12, "whoami", "30ms"))
		Expect(err).NotTo(HaveOccurred())
		var pids []int
		for _, a := range answers {
			pid, ppid := whoami(a)
			Expect(ppid).To(Equal(os.Getpid()), "every task must run in a child of this test process")
			if !slices.Contains(pids, pid) {
				pids = append(pids, pid)
			}
		}
		slices.Sort(pids)
		Expect(pids).To(Equal(children), "12 tasks on a pool of 3 must run in the 3 processes New started, each reused (README, \"Start-up is expensive\"); %d distinct processes answered", len(pids))
	}, SpecTimeout(harness.SpecTimeout))

	It("answers an empty list with an empty result, and a nil ctx with an error", func(ctx SpecContext) {
		pool, _ := start(ctx, config(1))
		got, err := pool.Map(ctx, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(BeEmpty())
		var noCtx context.Context
		Expect(func() { _, err = pool.Map(noCtx, tasks(1, "whoami", "")) }).NotTo(Panic(), "a nil ctx is an error, not a panic: check it first")
		Expect(err).To(MatchError(ContainSubstring("context")), "a nil ctx is an error that says the context is nil")
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a task's own error naming the task, and stays usable", func(ctx SpecContext) {
		pool, _ := start(ctx, config(2))
		got, err := mapRaceChecked(ctx, pool, []proc.Task{{Name: "sum-of-squares", Arg: "10"}, {Name: "fail", Arg: "boom"}, {Name: "sum-of-squares", Arg: "20"}})
		Expect(err).To(MatchError(ContainSubstring("task 1 fail(boom)")), "name the task: task <index> <name>(<arg>)")
		Expect(err).To(MatchError(ContainSubstring("boom")), "pass on the worker's error")
		Expect(got).To(HaveLen(3), "partial results: a slice as long as the tasks")
		Expect(got[0]).To(Equal("285"), "task 0 was handed out before the failing task 1: its result is kept")
		Expect(got[1]).To(BeEmpty(), "a failed task has no value")

		expectStillUsable(ctx, pool)
	}, SpecTimeout(harness.SpecTimeout))

	It("stops handing out tasks after a task's own error, and names the worker's PID", func(ctx SpecContext) {
		pool, _ := start(ctx, config(1))
		children := workerChildren()
		Expect(children).To(HaveLen(1))
		got, err := mapRaceChecked(ctx, pool, []proc.Task{{Name: "fail", Arg: "boom"}, {Name: "whoami"}, {Name: "whoami"}})
		Expect(err).To(MatchError(ContainSubstring("task 0 fail(boom)")), "name the task: task <index> <name>(<arg>)")
		Expect(err).To(MatchError(ContainSubstring(strconv.Itoa(children[0].PID))), "name the worker that ran the task by its PID, %d, so that its stderr can be found", children[0].PID)
		Expect(got).To(Equal([]string{"", "", ""}), "after a task's error, hand out no more tasks (README, task 3): the one worker ran the failing task first, so no other task may have run")
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps the first error when two tasks fail at once", func(ctx SpecContext) {
		pool, _ := start(ctx, config(2))
		// Both workers get their task before either answers: two errors
		// are reported at once, from two goroutines. How close together
		// the two answers come is up to the operating system, so the spec
		// tries several times: the race detector sees unguarded reports
		// only when they overlap. Both errors come at once, so Map answers
		// at once or never: it is waited for a few seconds, not for ever.
		for range 8 {
			got, err := mapWithin(ctx, pool, []proc.Task{{Name: "fail", Arg: "first"}, {Name: "fail", Arg: "second"}}, 5*time.Second,
				"both tasks failed at once, and Map must still return: the second error must not block its worker.\n"+
					"Keep the first error and drop the later ones without waiting for anyone. A worker that sends its\n"+
					"error on a channel with room for one, read only after every worker ended, blocks on that send for\n"+
					"ever when a second error comes, and Map waits for that worker (README, Task 3)")
			Expect(err).To(Or(MatchError(ContainSubstring("task 0 fail(first)")), MatchError(ContainSubstring("task 1 fail(second)"))), "Map returns one of the errors, the first reported, naming its task")
			Expect(err).NotTo(And(MatchError(ContainSubstring("fail(first)")), MatchError(ContainSubstring("fail(second)"))),
				"Map returns the first error only, not both (errors.Join): keep the first one reported and drop the later ones (README, Task 3)")
			Expect(got).To(Equal([]string{"", ""}))
		}

		expectStillUsable(ctx, pool)
	}, SpecTimeout(harness.SpecTimeout))

	It("lets two Maps called at once wait for each other, each with its own answers", func(ctx SpecContext) {
		pool, _ := start(ctx, config(2))
		results := make(chan []string, 2)
		for _, name := range []string{"a", "b"} {
			go func() {
				defer GinkgoRecover()
				var got []string
				// Sent on every path, a failed Expect too: the spec then
				// ends at once instead of waiting for an answer that never comes.
				defer func() { results <- got }()
				var ts []proc.Task
				for i := range 4 {
					ts = append(ts, proc.Task{Name: "echo-after", Arg: fmt.Sprintf("20ms %s%d", name, i)})
				}
				var err error
				got, err = pool.Map(ctx, ts)
				Expect(err).NotTo(HaveOccurred(), "Map %s: two Maps at once must not share a worker: the second waits for the first", name)
			}()
		}
		var all [][]string
		for range 2 {
			var got []string
			Eventually(results).Within(10 * time.Second).Should(Receive(&got))
			all = append(all, got)
		}
		Expect(all).To(ConsistOf(
			[]string{"a0", "a1", "a2", "a3"},
			[]string{"b0", "b1", "b2", "b3"},
		), "each Map gets the answers to its own tasks, in order")
	}, SpecTimeout(harness.SpecTimeout))
})
