package processpool_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

var _ = Describe("Task 5: faults", func() {
	It("reports a worker that crashes mid-task, naming the task and the exit status, and never hangs", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		got, err := mapRaceChecked(ctx, pool, []proc.Task{{Name: "sum-of-squares", Arg: "10"}, {Name: "crash"}})
		Expect(err).To(MatchError(ContainSubstring("task 1 crash()")), "name the task: task <index> <name>(<arg>)")
		Expect(err).To(MatchError(ContainSubstring("exit status 3")), "Wait for the dead worker and report its exit status")
		Expect(got).To(HaveLen(2))

		_, err = pool.Map(ctx, tasks(1, "whoami", ""))
		Expect(err).To(MatchError(ContainSubstring("broken")), "a pool with a dead worker is broken: remember it, and fail later Maps with an error that says the pool is broken (README, \"Faults\"), before sending any task to a killed worker")
		Expect(pool.Close()).To(Succeed(), "Close after a failure still reaps every worker, and the exit statuses of the workers the pool killed itself are no news")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("ends Map at once when a worker crashes: the other workers are killed mid-task, with their process groups", func(ctx SpecContext) {
		// One worker starts a grandchild and hangs, the other crashes: only
		// killing every group ends this Map.
		expectFaultToEndMap(ctx, config(2), []proc.Task{{Name: "spawn"}, {Name: "crash"}}, 10*time.Second, MatchError(ContainSubstring("crash()")),
			"a fault breaks the pool: kill every worker's process group at once (the hung one too), so that Map returns with the crash (README, \"Faults\");\n"+
				"the killed worker's error, a second one, must not block it either: drop it (README, Task 3)")
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a worker that writes garbage with a clear protocol error", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := mapRaceChecked(ctx, pool, []proc.Task{{Name: "whoami"}, {Name: "garbage"}})
		Expect(err).To(MatchError(proc.ErrProtocol), "the proc.Decoder's error wraps proc.ErrProtocol: keep it with %%w")
		Expect(err).To(MatchError(ContainSubstring("task 1 garbage()")), "name the task")
		expectCleanClose(pool, groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("kills a hung worker and reports it within the task timeout", func(ctx SpecContext) {
		cfg := config(2)
		cfg.TaskTimeout = 300 * time.Millisecond
		expectFaultToEndMap(ctx, cfg, []proc.Task{{Name: "whoami"}, {Name: "hang"}}, 5*time.Second, MatchError(ContainSubstring("task 1 hang()")),
			"a TaskTimeout of 300ms must end Map soon after 300ms, with an error that names the task that hung: a timer per task that kills the worker's group (README, \"Faults\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("keeps the first error reported when a fault comes after it: a task's own error, then a hung worker killed at the task timeout", func(ctx SpecContext) {
		cfg := config(2)
		// A second: the fail task's answer comes long before it, even on a
		// machine busy enough to hold up a process for a few hundred ms.
		cfg.TaskTimeout = time.Second
		// One worker fails its task at once; the other hangs until the task
		// timeout kills it, a fault a second after the task's error. The two
		// tasks run in both orders: the error that came first is that of
		// the higher index once, and of the lower index once.
		for round := range 2 {
			failing, hung := round%2, 1-round%2
			ts := make([]proc.Task, 2)
			ts[failing], ts[hung] = proc.Task{Name: "fail", Arg: "first"}, proc.Task{Name: "hang"}
			pool, groups := start(ctx, cfg)
			got, err := mapWithin(ctx, pool, ts, 10*time.Second,
				"a TaskTimeout of 1s must end the hung task soon after 1s, a task's error before it or not (README, \"Faults\"),\n"+
					"and its error, the second, must not block its worker: drop it (README, Task 3)")
			Expect(err).To(MatchError(ContainSubstring(fmt.Sprintf("task %d fail(first)", failing))),
				"round %d, tasks %v: task %d failed at once, a second before the hung task %d was killed: Map returns that first error.\n"+
					"Another error here usually means a later one replaced it: the last one reported won (first = err\n"+
					"every time), the lowest task index won, a fault was ranked above a task's own error, or only one\n"+
					"worker's error was looked at. Keep the first error reported, whatever comes after it, and ignore\n"+
					"the later ones, faults too: the fault still breaks the pool (README, Task 3 and \"Faults\")", round+1, ts, failing, hung)
			Expect(err).NotTo(MatchError(ContainSubstring(fmt.Sprintf("task %d hang()", hung))),
				"round %d: the first error only, not the hung task's too (errors.Join): drop the later errors (README, Task 3)", round+1)
			Expect(got).To(Equal([]string{"", ""}), "round %d: neither task has a value", round+1)
			expectCleanClose(pool, groups)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("says the pool is closed to a Map after Close, even when a fault had broken it", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := mapRaceChecked(ctx, pool, []proc.Task{{Name: "whoami"}, {Name: "crash"}})
		Expect(err).To(MatchError(ContainSubstring("task 1 crash()")), "a worker that crashes breaks the pool (README, \"Faults\")")
		Expect(pool.Close()).To(Succeed(), "Close after a fault still reaps every worker, and the exits the pool caused are no news")

		_, err = pool.Map(ctx, tasks(1, "whoami", ""))
		Expect(err).To(MatchError(ContainSubstring("closed")), "a crash broke the pool, then Close closed it: a Map after Close says the pool is closed,\n"+
			"whatever came before. A Map that says broken here looks at whether the pool is broken before\n"+
			"whether it is closed: look at the closed flag first (README, Task 4)")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("ends every worker when ctx is cancelled, with its process group: grandchildren too", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		mapCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := mapAsync(mapCtx, pool, tasks(2, "spawn", ""))
		Eventually(grandchildren).Within(10*time.Second).Should(Equal(2), "each worker's spawn task starts one grandchild")

		cancel()
		expectMapError(done, 10*time.Second, MatchError(context.Canceled),
			"Map must return soon after ctx is cancelled, with an error that wraps ctx.Err(): context.AfterFunc(ctx, killAll) unblocks every read (README, \"Faults\")")
		expectCleanClose(pool, groups)
	}, SpecTimeout(harness.SpecTimeout))
})
