package poolcpu_test

import (
	"fmt"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/concurrency-katas/go-katas/harness/cputrace"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// runSumsAtOnce succeeds if Go's execution tracer saw exactly count calls of
// workload.SumOfSquares and, at its peak, exactly peak of them running at the
// same moment. bound says where peak comes from, for the message.
func runSumsAtOnce(count, peak int, bound string) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(rec *cputrace.Recording) (bool, error) {
		return len(rec.Tasks(workload.SumOfSquaresRegion)) == count && rec.PeakRunning(workload.SumOfSquaresRegion) == peak, nil
	}).WithTemplate("{{call .Data .Actual}}", func(rec *cputrace.Recording) string {
		return atOnceMessage(count, peak, bound, rec)
	})
}

func atOnceMessage(count, peak int, bound string, rec *cputrace.Recording) string {
	seen := describeRun(rec)
	tasks, got := len(rec.Tasks(workload.SumOfSquaresRegion)), rec.PeakRunning(workload.SumOfSquaresRegion)
	var means string
	switch {
	case tasks != count:
		means = fmt.Sprintf("%d numbers need %d calls of workload.SumOfSquares, one per number, in every run: fewer means a shortcut\n"+
			"(the closed form instead of the CPU task), results kept from an earlier call, or numbers left out.\n"+
			"A CPU benchmark must do the work it measures. See the README, \"Task 2: FindSums\".", count, count)
	case got < peak:
		means = "Fewer at once means the sums ran one after another: one worker, a loop of your own in FindSums\n" +
			"instead of Map, or workers that take turns (a lock held around the task).\n" +
			"See the README, \"The pool\" and \"Measuring\"."
	default:
		means = "More at once than Go has processors for cannot happen unless the code raised GOMAXPROCS again:\n" +
			"leave runtime.GOMAXPROCS to the caller. See the README, \"GOMAXPROCS\"."
	}
	return fmt.Sprintf("Expected %d calls of workload.SumOfSquares with %d running at the same moment (%s);\n"+
		"Go's execution tracer saw %s.\n%s", count, peak, bound, seen, means)
}
