package processpool_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

var _ = Describe("Task 5: faults", func() {
	It("reports a worker that crashes mid-task, naming the task and the exit status, and never hangs", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		got, err := pool.Map(ctx, []proc.Task{{Name: "sum-of-squares", Arg: "10"}, {Name: "crash"}})
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
			"a fault breaks the pool: kill every worker's process group at once (the hung one too), so that Map returns with the crash (README, \"Faults\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a worker that writes garbage with a clear protocol error", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := pool.Map(ctx, []proc.Task{{Name: "whoami"}, {Name: "garbage"}})
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
