package processpool_test

import (
	"context"
	"os"
	"strings"
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
		Expect(err).To(HaveOccurred(), "a pool with a dead worker is broken: later Maps fail")
		Expect(pool.Close()).To(Succeed(), "Close after a failure still reaps every worker")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a worker that writes garbage with a clear protocol error", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := pool.Map(ctx, []proc.Task{{Name: "whoami"}, {Name: "garbage"}})
		Expect(err).To(MatchError(proc.ErrProtocol), "the proc.Decoder's error wraps proc.ErrProtocol: keep it with %%w")
		Expect(err).To(MatchError(ContainSubstring("task 1 garbage()")), "name the task")
		Expect(pool.Close()).To(Succeed())
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("kills a hung worker and reports it within the task timeout", func(ctx SpecContext) {
		cfg := config(2)
		cfg.TaskTimeout = 300 * time.Millisecond
		pool, groups := start(ctx, cfg)
		begin := time.Now()
		_, err := pool.Map(ctx, []proc.Task{{Name: "whoami"}, {Name: "hang"}})
		Expect(err).To(MatchError(ContainSubstring("task 1 hang()")), "name the task that hung")
		Expect(time.Since(begin)).To(BeNumerically("<", 5*time.Second), "a TaskTimeout of 300ms must end Map soon after 300ms (README, \"Faults\")")
		Expect(pool.Close()).To(Succeed())
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("ends every worker when ctx is cancelled, with its process group: grandchildren too", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		mapCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := pool.Map(mapCtx, tasks(2, "spawn", ""))
			done <- err
		}()
		Eventually(func() int {
			ds, _ := proc.Descendants(os.Getpid())
			n := 0
			for _, d := range ds {
				if strings.HasPrefix(d.Cmd, proc.GrandchildArgv0) {
					n++
				}
			}
			return n
		}).Within(10*time.Second).Should(Equal(2), "each worker's spawn task starts one grandchild")

		cancel()
		Eventually(done).Within(10*time.Second).Should(Receive(MatchError(context.Canceled)),
			"Map must return soon after ctx is cancelled, with an error that wraps ctx.Err()")
		Expect(pool.Close()).To(Succeed())
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))
})
