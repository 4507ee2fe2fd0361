package processpool_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/proc"
	processpool "github.com/concurrency-katas/go-katas/katas/09-process-pool"
)

var _ = Describe("Task 1: New starts the workers", func() {
	It("starts N worker processes, each in its own process group", func(ctx SpecContext) {
		pool, _ := start(ctx, config(3))
		children := workerChildren()
		Expect(children).To(HaveLen(3), "/proc must show 3 kata-worker children of this test process, started by New (see README, \"Starting a worker\")")
		for _, c := range children {
			Expect(c.PGID).To(Equal(c.PID), "%s must lead its own process group, so that it can be killed with all it started: cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}", c)
			Expect(c.Zombie()).To(BeFalse(), "%s is already dead", c)
		}
		Expect(pool.Size()).To(Equal(3))
	}, SpecTimeout(harness.SpecTimeout))

	It("starts runtime.NumCPU() workers by default, as Python's Pool() does", func(ctx SpecContext) {
		pool, _ := start(ctx, config(0))
		Expect(workerChildren()).To(HaveLen(runtime.NumCPU()), "Workers: 0 means one worker per CPU: runtime.NumCPU()")
		Expect(pool.Size()).To(Equal(runtime.NumCPU()))
	}, SpecTimeout(harness.SpecTimeout))

	It("sets up each command before starting it: its own process group, a WaitDelay, and Stderr", func(ctx SpecContext) {
		var made []*exec.Cmd
		cfg := config(2)
		cfg.Command = func() *exec.Cmd {
			c := proc.Command()
			made = append(made, c)
			return c
		}
		_, _ = start(ctx, cfg)
		Expect(made).To(HaveLen(2), "New calls cfg.Command once per worker")
		for _, c := range made {
			Expect(c.SysProcAttr).NotTo(BeNil(), "set cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} before Start (README, \"Starting a worker\")")
			Expect(c.SysProcAttr.Setpgid).To(BeTrue(), "Setpgid: true puts the worker in its own process group")
			Expect(c.WaitDelay).To(BeNumerically(">", 0), "set cmd.WaitDelay (a second or so): without it Wait waits for a grandchild that holds the worker's pipe (README, \"Pipes and WaitDelay\")")
			Expect(c.Stderr).To(BeIdenticalTo(cfg.Stderr), "the workers' stderr goes to cfg.Stderr: cmd.Stderr = cfg.Stderr")
		}

		made = nil
		cfg.Stderr = nil
		cfg.Workers = 1
		_, _ = start(ctx, cfg)
		Expect(made).To(HaveLen(1))
		Expect(made[0].Stderr).To(BeIdenticalTo(os.Stderr), "a nil Stderr means os.Stderr")
	}, SpecTimeout(harness.SpecTimeout))

	It("lets ctx bound the start-up only: cancelling it after New returns ends nothing", func(ctx SpecContext) {
		startCtx, cancel := context.WithCancel(ctx)
		pool, groups := start(startCtx, config(2))
		cancel()
		got, err := pool.Map(ctx, tasks(4, "echo-after", "50ms ok"))
		Expect(err).NotTo(HaveOccurred(), "New's ctx ends with New: stop its context.AfterFunc (the stop function it returns) before New returns")
		Expect(got).To(Equal([]string{"ok", "ok", "ok", "ok"}))
		Expect(workerChildren()).To(HaveLen(2), "the workers outlive New's ctx")
		expectCleanClose(pool, groups)
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects negative workers, a nil Command and a nil ctx, before starting anything", func(ctx SpecContext) {
		DeferCleanup(cleanUp, []int(nil))
		_, err := processpool.New(ctx, config(-1))
		Expect(err).To(MatchError(ContainSubstring("-1")), "say which worker count is wrong")
		_, err = processpool.New(ctx, processpool.Config{Workers: 1})
		Expect(err).To(MatchError(ContainSubstring("Command")), "name the missing field")
		var noCtx context.Context
		_, err = processpool.New(noCtx, config(1))
		Expect(err).To(MatchError(ContainSubstring("context")), "a nil ctx is an error, not a panic")
		Expect(workerChildren()).To(BeEmpty(), "check the arguments before starting any process")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 2: the initializer", func() {
	It("runs once in each process: the server sees one session per process, and one request per task", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(20 * time.Millisecond))
		DeferCleanup(srv.Close)
		pool, _ := start(ctx, withSessions(config(3), srv))
		children := pidsOf(workerChildren())

		urls := fakeserver.SitesN(srv.URL, 24)
		sizes, err := pool.Map(ctx, downloads(urls))
		Expect(err).NotTo(HaveOccurred(), "with an initializer, New returns once every worker has answered it with \"ready\": a task\n"+
			"whose answer is a \"ready\" means New did not read it (README, Task 2)")
		for i := range urls {
			Expect(sizes[i]).To(Equal(fmt.Sprint([]int{fakeserver.BigSize, fakeserver.SmallSize}[i%2])), "sizes[%d] is the size of urls[%d]", i, i)
		}
		stats := srv.Stats()
		Expect(stats.Requests).To(Equal(len(urls)), "each task runs once, in one worker: %d downloads, %d requests", len(urls), stats.Requests)
		Expect(stats).To(match.HaveUsedSessions(3))
		Expect(stats).To(match.UseEachSessionOneAtATime())
		for _, s := range stats.Sessions {
			var pid int
			_, err := fmt.Sscanf(s, "p%d", &pid)
			Expect(err).NotTo(HaveOccurred())
			Expect(slices.Contains(children, pid)).To(BeTrue(), "session %s was made by process %d, which is not one of the pool's workers %v", s, pid, children)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("reports an initializer that fails, and leaves no process behind", func(ctx SpecContext) {
		DeferCleanup(cleanUp, []int(nil))
		cfg := config(2)
		cfg.Init = proc.Task{Name: "session", Arg: "http://example.com:80"} // not loopback: the worker refuses it
		pool, err := processpool.New(ctx, cfg)
		Expect(err).To(MatchError(ContainSubstring("loopback")), "pass on the worker's own error message")
		Expect(pool).To(BeNil())
		expectNoLeftovers(nil)
	}, SpecTimeout(harness.SpecTimeout))
})
