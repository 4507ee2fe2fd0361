package poolcpu_test

import (
	"fmt"
	"time"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"
)

// beNoFasterThan succeeds if a duration is less than ratio times shorter
// than baseline: no real speed-up. Its failure explains what a speed-up on
// one core means.
func beNoFasterThan(baseline time.Duration, ratio float64) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(got time.Duration) (bool, error) {
		return got > 0 && float64(baseline)/float64(got) < ratio, nil
	}).WithTemplate("{{call .Data .Actual}}", func(got time.Duration) string {
		return noFasterMessage(baseline, ratio, got)
	})
}

func noFasterMessage(baseline time.Duration, ratio float64, got time.Duration) string {
	speedup := 0.0
	if got > 0 {
		speedup = float64(baseline) / float64(got)
	}
	return fmt.Sprintf("Expected no real speed-up on one core: less than %.2f× over the loop's %v (so longer than %v);\n"+
		"it took %v: %.2f× faster.\n"+
		"On one core the pool has the same sums to compute and one processor to compute them with, so it\n"+
		"cannot be faster. Faster means it computed less: a shortcut (the closed form instead of\n"+
		"harness.SumOfSquares), results cached between calls, or fewer numbers than asked for.\n"+
		"See the README, \"GOMAXPROCS\".",
		ratio, baseline.Round(time.Millisecond), time.Duration(float64(baseline)/ratio).Round(time.Millisecond),
		got.Round(time.Millisecond), speedup)
}
