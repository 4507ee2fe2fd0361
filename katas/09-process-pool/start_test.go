package processpool_test

import (
	"context"
	"fmt"
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
	It("runs once in each process: the server sees one session per process", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(20 * time.Millisecond))
		DeferCleanup(srv.Close)
		cfg := config(3)
		cfg.Init = proc.Task{Name: "session", Arg: srv.URL}
		pool, _ := start(ctx, cfg)
		children := pidsOf(workerChildren())

		urls := fakeserver.SitesN(srv.URL, 24)
		var ts []proc.Task
		for _, u := range urls {
			ts = append(ts, proc.Task{Name: "download", Arg: u})
		}
		sizes, err := pool.Map(ctx, ts)
		Expect(err).NotTo(HaveOccurred())
		for i := range urls {
			Expect(sizes[i]).To(Equal(fmt.Sprint([]int{fakeserver.BigSize, fakeserver.SmallSize}[i%2])), "sizes[%d] is the size of urls[%d]", i, i)
		}
		stats := srv.Stats()
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
