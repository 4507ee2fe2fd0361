package main

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

func TestRunChecksBoundsConcurrency(t *testing.T) {
	var running, most atomic.Int32
	var checks []*check
	for range 7 {
		checks = append(checks, &check{run: func(context.Context, *check) verdict {
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond) // overlap, not synchronisation
			running.Add(-1)
			return pass("ok")
		}})
	}
	var mu sync.Mutex
	starts, ends := 0, 0
	runChecks(context.Background(), checks, 2, time.Minute, func(c *check, done bool) {
		mu.Lock()
		defer mu.Unlock()
		if done {
			ends++
		} else {
			starts++
		}
	})
	if most.Load() > 2 {
		t.Errorf("%d checks ran at once; want at most 2", most.Load())
	}
	if starts != 7 || ends != 7 {
		t.Errorf("progress saw %d starts and %d ends; want 7 and 7", starts, ends)
	}
	for i, c := range checks {
		if !c.Verdict.OK {
			t.Errorf("check %d: %+v", i, c.Verdict)
		}
	}
}

func TestRunChecksInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	first := &check{run: func(context.Context, *check) verdict {
		cancel() // Ctrl-C while the first check runs
		return pass("would have passed")
	}}
	second := &check{run: func(context.Context, *check) verdict { return pass("ran") }}
	runChecks(ctx, []*check{first, second}, 1, time.Minute, func(*check, bool) {})
	if first.Verdict.OK || !strings.Contains(first.Verdict.Note, "interrupted") {
		t.Errorf("interrupted check: %+v; want a failure", first.Verdict)
	}
	if second.Verdict.OK || !strings.Contains(second.Verdict.Note, "not run") {
		t.Errorf("check after the interrupt: %+v; want not run", second.Verdict)
	}
}

func TestRunChecksTimeout(t *testing.T) {
	c := &check{run: func(ctx context.Context, _ *check) verdict {
		<-ctx.Done()
		return pass("a spec failed on the interrupt")
	}}
	runChecks(context.Background(), []*check{c}, 1, 10*time.Millisecond, func(*check, bool) {})
	if c.Verdict.OK || !strings.Contains(c.Verdict.Note, "killed after") {
		t.Errorf("timed-out check: %+v", c.Verdict)
	}
}

func TestLastLines(t *testing.T) {
	if got := lastLines("a\nb\nc\n", 2); got != "b\nc" {
		t.Errorf("lastLines = %q", got)
	}
	if got := lastLines("a\n", 5); got != "a" {
		t.Errorf("lastLines = %q", got)
	}
	if got := lastLines("\n\n", 5); got != "" {
		t.Errorf("lastLines = %q", got)
	}
}

func TestFocusArgs(t *testing.T) {
	got := focusArgs([]string{"Task 2: runs (exactly) 5 at once", "orders"})
	want := []string{`-ginkgo.focus=Task 2: runs \(exactly\) 5 at once`, "-ginkgo.focus=orders"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("focusArgs = %q, want %q", got, want)
	}
	if got := focusArgs([]string{raceKiller}); got != nil {
		t.Errorf("a race-detector mutant must run every spec, got %q", got)
	}
}

func TestKillerIsTiming(t *testing.T) {
	spec := func(text string, labels ...string) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, LeafNodeLabels: labels}
	}
	o := runOutcome{Reports: []types.Report{{SpecReports: types.SpecReports{
		spec("is fast", "timing"), spec("keeps order"),
	}}}}
	if !killerIsTiming(mutant{KilledBy: []string{"is fast"}}, o) {
		t.Error("a mutant killed by a timing spec must go to phase two")
	}
	if killerIsTiming(mutant{KilledBy: []string{"keeps order"}}, o) {
		t.Error("a mutant killed by an ordinary spec stays in phase one")
	}
	if killerIsTiming(mutant{KilledBy: []string{"no such spec"}}, o) {
		t.Error("a killed-by that matches nothing is judged (and failed) in phase one")
	}
	if killerIsTiming(mutant{KilledBy: []string{"is fast"}}, runOutcome{}) {
		t.Error("without a report there is nothing to defer")
	}
}

func TestHasTimingSpecs(t *testing.T) {
	root := t.TempDir()
	k := kata{Dir: "01-x"}
	write := func(src string) { writeFile(t, k.path(root, "x_test.go"), src) }
	write(`It("a", Label("harness"), func() {})`)
	if k.hasTimingSpecs(root) {
		t.Error("no timing label, yet hasTimingSpecs")
	}
	write(`It("a", Label("slow", "timing"), func() {})`)
	if !k.hasTimingSpecs(root) {
		t.Error("a timing label was missed")
	}
}
