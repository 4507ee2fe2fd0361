package processpool_test

import (
	"errors"
	"os/exec"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

var _ = Describe("Task 4: Close", func() {
	It("leaves no child, grandchild or zombie behind", func(ctx SpecContext) {
		pool, groups := start(ctx, config(3))
		_, err := pool.Map(ctx, tasks(6, "whoami", ""))
		Expect(err).NotTo(HaveOccurred())

		Expect(pool.Close()).To(Succeed(), "workers that exit when their stdin ends exit with status 0")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("may be called twice; Map after Close is an error", func(ctx SpecContext) {
		pool, groups := start(ctx, config(1))
		Expect(pool.Close()).To(Succeed())
		Expect(pool.Close()).To(Succeed(), "a second Close returns nil")
		_, err := pool.Map(ctx, tasks(1, "whoami", ""))
		Expect(err).To(MatchError(ContainSubstring("closed")), "say the pool is closed")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("reports exit status 66 of a worker: a data race detected in the child", func(ctx SpecContext) {
		pool, groups := start(ctx, config(2))
		_, err := pool.Map(ctx, []proc.Task{{Name: "race"}})
		Expect(err).NotTo(HaveOccurred(), "the racy task itself answers")

		err = pool.Close()
		Expect(err).To(HaveOccurred(), "a worker exited with status 66: Close must report what cmd.Wait returned")
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "wrap cmd.Wait's error with %%w, so callers can read the exit code")
		Expect(exit.ExitCode()).To(Equal(66), "the race detector makes a process exit with status 66")
		expectNoLeftovers(groups)
	}, SpecTimeout(harness.SpecTimeout))
})
