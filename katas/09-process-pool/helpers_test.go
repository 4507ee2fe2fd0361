package processpool_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/proc"
	processpool "github.com/concurrency-katas/go-katas/katas/09-process-pool"
)

// The specs check the pool from outside: /proc shows which processes this
// test process started, and each worker reports its own PID and its
// parent's. Nothing here trusts what the pool says about itself.

// config is a pool of n workers with no initializer, whose stderr goes to
// the spec's log.
func config(n int) processpool.Config {
	return processpool.Config{Workers: n, Command: proc.Command, Stderr: GinkgoWriter}
}

// withSessions is cfg with the initializer that gives each worker process
// its own Session on srv, for "download" tasks.
func withSessions(cfg processpool.Config, srv *fakeserver.Server) processpool.Config {
	cfg.Init = proc.Task{Name: "session", Arg: srv.URL}
	return cfg
}

// downloads is one "download" task per URL.
func downloads(urls []string) []proc.Task {
	ts := make([]proc.Task, len(urls))
	for i, u := range urls {
		ts[i] = proc.Task{Name: "download", Arg: u}
	}
	return ts
}

// workerChildren returns the worker processes that are children of this
// test process now (zombies included).
func workerChildren() []proc.Process {
	ds, err := proc.Descendants(os.Getpid())
	Expect(err).NotTo(HaveOccurred())
	var out []proc.Process
	for _, d := range ds {
		if d.PPID == os.Getpid() && strings.HasPrefix(d.Cmd, proc.Argv0) {
			out = append(out, d)
		}
	}
	return out
}

// start makes a pool with New and registers, to run after the spec, Close
// and then a clean-up that kills whatever a faulty pool left behind (so the
// next spec starts clean). It returns the pool and the workers' process
// groups, as /proc shows them.
func start(ctx context.Context, cfg processpool.Config) (*processpool.Pool, []int) {
	GinkgoHelper()
	DeferCleanup(cleanUp, []int(nil))
	pool, err := processpool.New(ctx, cfg)
	Expect(err).NotTo(HaveOccurred(), "New must start the pool")
	children := workerChildren()
	groups := groupsOf(children)
	DeferCleanup(cleanUp, groups)
	DeferCleanup(func() { _ = pool.Close() })
	// A failed spec may leave a Map blocked on a worker: kill the groups
	// first, so that the Map returns and Close gets its turn.
	DeferCleanup(func() {
		if CurrentSpecReport().Failed() {
			cleanUp(groups)
		}
	})
	// Every spec kills workers by their process group: check the groups
	// first, so that a pool without them is named at once, not by a Map
	// that hangs because its kills reach no process.
	for _, c := range children {
		Expect(c.PGID).To(Equal(c.PID), "%s must lead its own process group: cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}\n"+
			"before Start. Without it the worker is in this process's group, and killing the worker's group\n"+
			"(syscall.Kill(-pid, SIGKILL)) reaches no process: a hung or cancelled worker is never ended\n"+
			"(README, \"Starting a worker\")", c)
	}
	return pool, groups
}

// grandchildren counts the grandchildren ("spawn" tasks) alive now.
func grandchildren() int {
	ds, _ := proc.Descendants(os.Getpid())
	n := 0
	for _, d := range ds {
		if strings.HasPrefix(d.Cmd, proc.GrandchildArgv0) && !d.Zombie() {
			n++
		}
	}
	return n
}

// mapAsync runs pool.Map in a goroutine (race-checked) and returns a
// channel that gets its error, so that a spec can tell a Map that hangs
// from one that ends.
func mapAsync(ctx context.Context, pool *processpool.Pool, ts []proc.Task) <-chan error {
	done := make(chan error, 1)
	go func() {
		defer GinkgoRecover()
		var err error
		defer func() { done <- err }()
		_, err = mapRaceChecked(ctx, pool, ts)
	}()
	return done
}

// mapRaceChecked is pool.Map run through raceChecked. Every Map that
// reports an error from a worker runs through it: the race detector reports
// a race once, in the first spec that runs into it, so each of them must
// be the one that names it.
func mapRaceChecked(ctx context.Context, pool *processpool.Pool, ts []proc.Task) (results []string, err error) {
	GinkgoHelper()
	raceChecked("data race detected while Map ran: read the WARNING: DATA RACE report above; its two stacks point\n"+
		"into your file. Two goroutines of Map touched the same variable (the first error, whether the pool\n"+
		"broke, or the flag that stops the workers taking tasks, say) at the same time, at least one of them\n"+
		"writing, with nothing ordering the two: guard what the workers' goroutines share with a mutex, or\n"+
		"make a flag an atomic.Bool, read and written only through it (README, Task 3).", func() {
		results, err = pool.Map(ctx, ts)
	})
	return results, err
}

// mapWithin is mapRaceChecked, waited for up to within: a Map that has
// not returned by then fails the spec with why, what that usually means.
// (Its goroutine is left blocked in Map.)
func mapWithin(ctx context.Context, pool *processpool.Pool, ts []proc.Task, within time.Duration, why string) ([]string, error) {
	GinkgoHelper()
	type answer struct {
		results []string
		err     error
	}
	done := make(chan answer, 1)
	go func() {
		defer GinkgoRecover()
		var a answer
		defer func() { done <- a }() // on every path, a failed race check too
		a.results, a.err = mapRaceChecked(ctx, pool, ts)
	}()
	var a answer
	Eventually(done).Within(within).Should(Receive(&a), "Map has not returned after %v: %s", within, why)
	return a.results, a.err
}

// raceChecked runs f as a subtest of the suite's test: the race detector
// fails a test in which it found a data race, so a race among the
// goroutines f runs fails the spec that called it, with failure (what the
// race usually means), instead of failing the whole run at its end without
// naming a spec. The race detector reports each race once per process, the
// first time.
func raceChecked(failure string, f func()) {
	GinkgoHelper()
	var panicked any
	ok := suiteT.Run("race-checked", func(*testing.T) {
		defer func() { panicked = recover() }() // re-panicked below, where Ginkgo reports it
		f()
	})
	if panicked != nil {
		panic(panicked)
	}
	if !ok {
		Fail(failure)
	}
}

// closeRace is what a data race between Map and Close usually means.
const closeRace = "data race detected while Map and Close ran on two goroutines: read the WARNING: DATA RACE report\n" +
	"above; its two stacks point into your file. Map and Close both read or write what says the pool is\n" +
	"closed (and the workers): both must hold the pool's mutex for all of it. Take the lock first in each,\n" +
	"then look at the closed flag: a quick check before the lock is a read the lock does not order\n" +
	"(README, Task 4)."

// expectMapError waits up to within for the Map that mapAsync started to
// return, with an error that matches; why says what that takes.
func expectMapError(done <-chan error, within time.Duration, matcher types.GomegaMatcher, why string) {
	GinkgoHelper()
	// Receive first, then match: Eventually(Receive(matcher)) would take
	// a wrong error off the channel and then wait the whole of within for
	// another that never comes.
	var err error
	Eventually(done).Within(within).Should(Receive(&err), "Map has not returned after %v: %s", within, why)
	Expect(err).To(matcher, why)
}

// expectFaultToEndMap starts a pool of cfg, runs ts on it (race-checked),
// expects the Map to end within within with an error that matches (why
// says what that takes), then a clean Close.
func expectFaultToEndMap(ctx context.Context, cfg processpool.Config, ts []proc.Task, within time.Duration, matcher types.GomegaMatcher, why string) {
	GinkgoHelper()
	pool, groups := start(ctx, cfg)
	expectMapError(mapAsync(ctx, pool, ts), within, matcher, why)
	expectCleanClose(pool, groups)
}

// expectStillUsable runs two more tasks on pool after a Map that failed
// with a task's own error: such an error breaks neither the worker that
// reported it nor the pool, so the next Map answers as usual.
func expectStillUsable(ctx context.Context, pool *processpool.Pool) {
	GinkgoHelper()
	again, err := pool.Map(ctx, tasks(2, "sum-of-squares", "10"))
	Expect(err).NotTo(HaveOccurred(), "a task's own error does not break the pool: the worker that reported it is fine, and the next Map must work (README, task 3)")
	Expect(again).To(Equal([]string{"285", "285"}), "the next Map's answers, in order")
}

// expectCleanClose closes pool, which must succeed, and checks that nothing
// of it is left: no child, no member of its groups, no zombie.
func expectCleanClose(pool *processpool.Pool, groups []int) {
	GinkgoHelper()
	Expect(pool.Close()).To(Succeed(), "Close reaps every worker and returns nil when each exited on its own with status 0 or was killed by the pool (those exit statuses are no news)")
	expectNoLeftovers(groups)
}

// groupsOf returns the process groups of ps, except this process's own.
func groupsOf(ps []proc.Process) []int {
	var gs []int
	for _, p := range ps {
		if p.PGID != syscall.Getpgrp() && !slices.Contains(gs, p.PGID) {
			gs = append(gs, p.PGID)
		}
	}
	return gs
}

// cleanUp kills every descendant left, the given groups and those of every
// descendant, and reaps zombie children. It is the spec's broom, not the
// pool's job; it kills by PID too, for a pool whose workers have no group
// of their own.
func cleanUp(groups []int) {
	ds, _ := proc.Descendants(os.Getpid())
	for _, d := range ds {
		if !d.Zombie() {
			_ = syscall.Kill(d.PID, syscall.SIGKILL)
		}
	}
	proc.Cleanup(os.Getpid(), append(groups, groupsOf(ds)...))
}

// expectNoLeftovers waits a moment (killed processes need the kernel to end
// them) for every descendant of this process and every member of groups to
// be gone.
func expectNoLeftovers(groups []int) {
	GinkgoHelper()
	Eventually(func() ([]proc.Process, error) { return proc.Leftovers(os.Getpid(), groups) }).
		Within(3 * time.Second).ProbeEvery(20 * time.Millisecond).
		Should(proc.HaveNoLeftovers())
}

// pidsOf returns the PIDs of ps.
func pidsOf(ps []proc.Process) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.PID
	}
	return out
}

// whoami parses the answer of the "whoami" task: "PID PPID".
func whoami(value string) (pid, ppid int) {
	GinkgoHelper()
	f := strings.Fields(value)
	Expect(f).To(HaveLen(2), "a whoami answer is \"PID PPID\", got %q", value)
	pid, err1 := strconv.Atoi(f[0])
	ppid, err2 := strconv.Atoi(f[1])
	Expect(err1).NotTo(HaveOccurred())
	Expect(err2).NotTo(HaveOccurred())
	return pid, ppid
}

// tasks returns n tasks named name with argument arg.
func tasks(n int, name, arg string) []proc.Task {
	ts := make([]proc.Task, n)
	for i := range ts {
		ts[i] = proc.Task{Name: name, Arg: arg}
	}
	return ts
}
