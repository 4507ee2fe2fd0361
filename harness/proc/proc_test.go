package proc_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

// startPool starts a pool of workers (this test binary, started again) that
// run init first, with their stderr in the spec's output; their process
// groups are cleaned up after the spec. Closing the pool is the spec's.
func startPool(ctx context.Context, workers int, init proc.Task) *proc.Pool {
	GinkgoHelper()
	pool, err := proc.NewPool(ctx, proc.PoolConfig{Workers: workers, Command: proc.Command, Init: init, Stderr: GinkgoWriter})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(proc.Cleanup, os.Getpid(), pool.PIDs())
	return pool
}

func leftovers(groups []int) func() ([]proc.Process, error) {
	return func() ([]proc.Process, error) { return proc.Leftovers(os.Getpid(), groups) }
}

var _ = Describe("The protocol", func() {
	It("round-trips messages and quotes a line that is not one", func(SpecContext) {
		r, w := io.Pipe()
		go func() {
			enc := proc.NewEncoder(w)
			_ = enc.Send(proc.Message{Kind: proc.KindResult, Index: 3, PID: 7, Value: "x"})
			_, _ = io.WriteString(w, "hello there\n")
			w.Close()
		}()
		dec := proc.NewDecoder(r)
		m, err := dec.Receive()
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(Equal(proc.Message{Kind: proc.KindResult, Index: 3, PID: 7, Value: "x"}))
		_, err = dec.Receive()
		Expect(err).To(MatchError(proc.ErrProtocol))
		Expect(err).To(MatchError(ContainSubstring(`"hello there"`)))
		_, err = dec.Receive()
		Expect(err).To(MatchError(io.EOF))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("The reference pool", func() {
	It("computes sums in order, one session per process, and leaves nothing behind", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(time.Millisecond))
		DeferCleanup(srv.Close)
		pool := startPool(ctx, 2, proc.Task{Name: "session", Arg: srv.URL})
		groups := pool.PIDs()

		got, err := pool.Map(ctx, []proc.Task{{Name: "sum-of-squares", Arg: "5000000"}, {Name: "sum-of-squares", Arg: "10"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]string{"41666654166667500000", "285"}))

		var tasks []proc.Task
		for _, u := range fakeserver.SitesN(srv.URL, 20) {
			tasks = append(tasks, proc.Task{Name: "download", Arg: u})
		}
		sizes, err := pool.Map(ctx, tasks)
		Expect(err).NotTo(HaveOccurred())
		Expect(sizes[0]).To(Equal("10282"))
		Expect(sizes[1]).To(Equal("275"))
		Expect(len(srv.Stats().Sessions)).To(BeNumerically("<=", 2))

		Expect(pool.Close()).To(Succeed())
		Eventually(leftovers(groups)).Within(2 * time.Second).Should(proc.HaveNoLeftovers())
	}, SpecTimeout(harness.SpecTimeout))

	It("kills the process groups on cancel: grandchildren too", func(ctx SpecContext) {
		pool := startPool(ctx, 2, proc.Task{})
		groups := pool.PIDs()

		mctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := pool.Map(mctx, []proc.Task{{Name: "spawn"}, {Name: "spawn"}})
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
		}).Within(10 * time.Second).Should(Equal(2))
		cancel()
		Eventually(done).Within(5 * time.Second).Should(Receive(MatchError(context.Canceled)))
		Expect(pool.Close()).To(Succeed())
		Eventually(leftovers(groups)).Within(2 * time.Second).Should(proc.HaveNoLeftovers())
	}, SpecTimeout(harness.SpecTimeout))

	It("measures how many tasks ran at once by the workers' clocks", func(ctx SpecContext) {
		pool := startPool(ctx, 2, proc.Task{})
		DeferCleanup(pool.Close)
		task := proc.Task{Name: "echo-after", Arg: "40ms x"}
		_, err := pool.Map(ctx, []proc.Task{task, task, task, task})
		Expect(err).NotTo(HaveOccurred())
		Expect(pool.PeakParallel()).To(Equal(2))
		for range 3 {
			_, err = pool.Map(ctx, []proc.Task{task})
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(pool.PeakParallel()).To(Equal(1), "one task per Map: nothing overlaps")
	}, SpecTimeout(harness.SpecTimeout))

	It("reports each task's span on the shared monotonic clock and the CPU time its worker used", func(ctx SpecContext) {
		pool := startPool(ctx, 2, proc.Task{})
		DeferCleanup(pool.Close)
		sum := proc.Task{Name: "sum-of-squares", Arg: "20000000"}
		wait := proc.Task{Name: "echo-after", Arg: "40ms x"}
		_, err := pool.Map(ctx, []proc.Task{sum, wait, sum, wait})
		Expect(err).NotTo(HaveOccurred())
		spans := pool.Spans()
		Expect(spans).To(HaveLen(4))
		for _, s := range spans {
			Expect(pool.PIDs()).To(ContainElement(s.PID))
			Expect(s.End).To(BeNumerically(">", s.Start))
			if s.Index%2 == 0 {
				Expect(s.CPU).To(BeNumerically(">", 5*time.Millisecond), "task %d computes: its worker used CPU time", s.Index)
			} else {
				Expect(s.End-s.Start).To(BeNumerically(">=", 40*time.Millisecond), "task %d waits 40ms", s.Index)
				Expect(s.CPU).To(BeNumerically("<", (s.End-s.Start)/2), "task %d sleeps: its worker hardly computes", s.Index)
			}
		}
		_, err = pool.Map(ctx, []proc.Task{wait})
		Expect(err).NotTo(HaveOccurred())
		Expect(pool.Spans()).To(HaveLen(5), "the spans of every Map, one after another")
		Expect(pool.Spans()[:4]).To(Equal(spans), "the earlier Maps' spans stay as they were")
	}, SpecTimeout(harness.SpecTimeout))

	It("reports exit status 66 of a racy worker at Close", func(ctx SpecContext) {
		pool := startPool(ctx, 1, proc.Task{})
		_, err := pool.Map(ctx, []proc.Task{{Name: "race"}})
		Expect(err).NotTo(HaveOccurred())
		err = pool.Close()
		var ee interface{ ExitCode() int }
		Expect(errors.As(err, &ee)).To(BeTrue())
		Expect(ee.ExitCode()).To(Equal(66))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("HaveNoLeftovers", func() {
	It("explains zombies, workers and grandchildren", func(SpecContext) {
		ok, err := proc.HaveNoLeftovers().Match([]proc.Process(nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		ps := []proc.Process{
			{PID: 10, PPID: 5, PGID: 10, State: 'Z', Cmd: "kata-worker"},
			{PID: 11, PPID: 5, PGID: 11, State: 'S', Cmd: "kata-worker"},
			{PID: 12, PPID: 1, PGID: 11, State: 'S', Cmd: "kata-grandchild"},
		}
		m := proc.HaveNoLeftovers()
		ok, _ = m.Match(ps)
		Expect(ok).To(BeFalse())
		msg := m.FailureMessage(ps)
		Expect(msg).To(ContainSubstring("Expected no process of the pool to be left; 3 are:"))
		Expect(msg).To(ContainSubstring("pid 10 (kata-worker, state Z, parent 5, group 10): a zombie"))
		Expect(msg).To(ContainSubstring("call cmd.Wait()"))
		Expect(msg).To(ContainSubstring("pid 11 (kata-worker, state S, parent 5, group 11): a worker still running"))
		Expect(msg).To(ContainSubstring("pid 12 (kata-grandchild, state S, parent 1, group 11): still running in a worker's process group"))
		Expect(msg).To(ContainSubstring("syscall.Kill(-pid, syscall.SIGKILL)"))
		Expect(msg).To(ContainSubstring(`"Processes left behind"`))
	}, SpecTimeout(harness.SpecTimeout))
})
