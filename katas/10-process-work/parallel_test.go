package processwork_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

// cpuTime returns the CPU time (user + system) this process used while f
// ran, on all its threads.
func cpuTime(f func()) time.Duration {
	now := func() time.Duration {
		var ru syscall.Rusage
		Expect(syscall.Getrusage(syscall.RUSAGE_SELF, &ru)).To(Succeed(), "getrusage(RUSAGE_SELF)")
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := now()
	f()
	return now() - start
}

// totalCPU is the CPU time the workers spent on the tasks.
func totalCPU(spans []proc.TaskSpan) time.Duration {
	var d time.Duration
	for _, s := range spans {
		d += s.CPU
	}
	return d
}

// wallOf is the time from the first task's start to the last one's end.
func wallOf(spans []proc.TaskSpan) time.Duration {
	if len(spans) == 0 {
		return 0
	}
	first, last := spans[0].Start, spans[0].End
	for _, s := range spans {
		first, last = min(first, s.Start), max(last, s.End)
	}
	return last - first
}

// peakOverlap is the most tasks whose spans cover one moment, by the
// workers' monotonic clock (an end before a start at the same instant).
func peakOverlap(spans []proc.TaskSpan) (peak int) {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, s := range spans {
		edges = append(edges, edge{s.Start, +1}, edge{s.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return a.delta - b.delta
	})
	now := 0
	for _, e := range edges {
		now += e.delta
		peak = max(peak, now)
	}
	return peak
}

// haveRunInParallel succeeds if the spans are of count tasks, run by workers
// different processes with every worker's task in progress at one same
// moment, and the workers together used at least half the CPU time the
// sums cost in this process (loopCPU): the sums were computed there.
func haveRunInParallel(count, workers int, loopCPU time.Duration) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(spans []proc.TaskSpan) (bool, error) {
		peak := peakOverlap(spans)
		return len(spans) == count && peak == workers && totalCPU(spans) >= loopCPU/2, nil
	}).WithTemplate("{{call .Data .Actual}}", func(spans []proc.TaskSpan) string {
		return parallelMessage(count, workers, loopCPU, spans)
	})
}

func parallelMessage(count, workers int, loopCPU time.Duration, spans []proc.TaskSpan) string {
	peak := peakOverlap(spans)
	perWorker := map[int]int{}
	for _, s := range spans {
		perWorker[s.PID]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Expected the %d sums to run on the %d worker processes at the same time: all %d workers in a task at one moment\n"+
		"(by the workers' own monotonic clocks), and the workers' CPU time at least half the %v the sums cost here.\n"+
		"The workers reported %d task(s) on %d process(es), at most %d in progress at once, and %v of CPU time in all.\n",
		count, workers, workers, loopCPU.Round(time.Millisecond), len(spans), len(perWorker), peak, totalCPU(spans).Round(time.Millisecond))
	switch {
	case len(spans) < count:
		b.WriteString("Fewer tasks than numbers: some sums were not computed by the workers (computed in this process,\n" +
			"or not at all). Send one sum-of-squares task per number to the pool. See the README, \"Task 2: SumsInProcesses: the CPU task on processes\".")
	case peak < workers:
		fmt.Fprintf(&b, "At most %d at once means the tasks went to the pool a few at a time: one Map per number waits\n"+
			"for each answer before sending the next. Hand all the tasks to the pool in one Map.\n"+
			"See the README, \"Measuring\".", peak)
	default:
		b.WriteString("Too little CPU time in the workers means they did not compute the sums: a task that answers\n" +
			"without the work. See the README, \"Task 2: SumsInProcesses: the CPU task on processes\".")
	}
	return b.String()
}

// busyNote says whether the machine was too busy for the speed-up to mean
// much.
func busyNote(speedUp float64) string {
	load := harness.LoadAverage()
	switch {
	case runtime.NumCPU() < 2:
		return "This machine has 1 CPU: processes take turns on it, and no speed-up is possible."
	case load >= float64(runtime.NumCPU()):
		return fmt.Sprintf("The machine was busy (load %.1f on %d cores): other programs had the cores, so the %.2f× says little\n"+
			"about your code. Run it again on a quieter machine to see the speed-up.", load, runtime.NumCPU(), speedUp)
	default:
		return fmt.Sprintf("The machine was quiet enough (load %.1f on %d cores) for the figure to mean something.", load, runtime.NumCPU())
	}
}
