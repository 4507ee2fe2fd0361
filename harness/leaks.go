package harness

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"go.uber.org/goleak"
)

// LeakCheck makes the running spec fail if it leaves goroutines behind.
// RunSuite already adds it before every spec (once per Ordered container), so
// kata specs need not call it.
//
// It takes a snapshot of the goroutines running now and registers, as the
// spec's first cleanup, a check that no other goroutine is still running.
// Cleanups run last-registered first, so this check runs after every
// AfterEach and every other DeferCleanup of the spec: they may stop what the
// spec started. goleak retries for a short while, so goroutines that are
// already on their way out are not reported.
//
// It also snapshots the test process's child processes, and registers a
// second check, which runs just before the goroutine check: a child process
// started during the spec and still there (running, or ended but never
// waited for) is killed and reaped, and the spec fails naming its command
// line. (Linux only: it reads /proc. Killing such a process first lets the
// goroutines that wait for it end, so the failure names the cause.)
//
// A spec that timed out or was interrupted is not checked for goroutines:
// Ginkgo has left its body running in the background, and the [TIMEDOUT]
// report already shows where it is blocked.
func LeakCheck() {
	snapshot := goleak.IgnoreCurrent()
	ginkgo.DeferCleanup(func() {
		// A spec that already failed has told its story; goroutines it left
		// are not counted against the next spec (its snapshot includes
		// them), and goleak's wait for them (about half a second) would
		// only slow a learner's red run down.
		if report := ginkgo.CurrentSpecReport(); abandoned(report.State) || report.Failed() {
			return
		}
		if err := goleak.Find(snapshot); err != nil {
			ginkgo.Fail(leakMessage(err))
		}
	})
	if children, ok := childPIDs(); ok {
		ginkgo.DeferCleanup(func() {
			if left := leftoverChildren(children); len(left) > 0 {
				ginkgo.Fail(childLeakMessage(left))
			}
		})
	}
}

// abandoned reports whether a spec in state s may have left its body
// running: Ginkgo moves on after the grace period without it.
func abandoned(s types.SpecState) bool {
	return s == types.SpecStateTimedout || s == types.SpecStateInterrupted
}

// leakMessage explains goleak's report.
func leakMessage(err error) string {
	return "Goroutines were still running after the spec ended: a goroutine leak.\n" +
		"Every goroutine your code starts must end before your function returns (or when\n" +
		"whoever you returned to says stop). The usual causes:\n" +
		"  - a goroutine blocked sending on a channel nobody receives from any more;\n" +
		"  - a worker ranging over a jobs channel that was never closed;\n" +
		"  - a web.Session never closed (its keep-alive connections each keep two goroutines);\n" +
		"  - a goroutine started but not waited for (sync.WaitGroup.Wait, errgroup.Group.Wait).\n" +
		"The stacks below show where each leaked goroutine is blocked; look for your package's\n" +
		"file names in them. See the README of kata 08, \"leaks\".\n\n" + trimStacks(err.Error(), 6)
}

// trimStacks keeps the first keep goroutines of a goleak report and counts
// the rest: a leak of 160 connections is clear from a few of them.
func trimStacks(report string, keep int) string {
	const sep = "\n Goroutine "
	parts := strings.Split(report, sep)
	if len(parts) <= keep {
		return report
	}
	return strings.Join(parts[:keep], sep) + fmt.Sprintf("\n … and %d more goroutines like these.", len(parts)-keep)
}
