package poolcpu_test

import (
	"fmt"
	"time"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"
)

// doTheWorkOf succeeds if a CPU time is at least baseline ÷ ratio: the pool
// did the loop's work. Its failure explains what less CPU time for the same
// sums means.
func doTheWorkOf(baseline time.Duration, ratio float64) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(got time.Duration) (bool, error) {
		return got > 0 && float64(baseline)/float64(got) < ratio, nil
	}).WithTemplate("{{call .Data .Actual}}", func(got time.Duration) string {
		return sameWorkMessage(baseline, ratio, got)
	})
}

func sameWorkMessage(baseline time.Duration, ratio float64, got time.Duration) string {
	less := 0.0
	if got > 0 {
		less = float64(baseline) / float64(got)
	}
	return fmt.Sprintf("Expected the pool to do the loop's work on one core: at least the loop's %v of CPU time ÷ %.2f (so more than %v);\n"+
		"it used %v: %.2f× less.\n"+
		"On one core the pool has the same sums to compute and one processor to compute them with, so it\n"+
		"cannot be faster, and it cannot need less CPU time. Less means it computed less: a shortcut (the closed form instead of\n"+
		"workload.SumOfSquares), results cached between calls, or fewer numbers than asked for.\n"+
		"See the README, \"GOMAXPROCS\".",
		baseline.Round(time.Millisecond), ratio, time.Duration(float64(baseline)/ratio).Round(time.Millisecond),
		got.Round(time.Millisecond), less)
}
