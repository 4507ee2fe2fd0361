package main

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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

func TestRetryAlone(t *testing.T) {
	// flaky fails unless it runs alone; broken always fails; crashed wrote
	// no report, so a retry cannot help it.
	flaky := &check{Name: "flaky", run: func(_ context.Context, c *check) verdict {
		c.reported = true
		if c.alone {
			return pass("3 specs passed")
		}
		return fail("1 of 3 specs failed")
	}}
	broken := &check{Name: "broken", run: func(_ context.Context, c *check) verdict {
		c.reported = true
		return fail("2 of 3 specs failed")
	}}
	runs := 0
	crashed := &check{Name: "crashed", run: func(context.Context, *check) verdict {
		runs++
		return fail("does not build")
	}}
	checks := []*check{flaky, broken, crashed}
	var out strings.Builder
	r := &runner{stdout: &out}
	runChecks(context.Background(), checks, 2, time.Minute, func(*check, bool) {})
	r.retryAlone(context.Background(), checks, time.Minute, func(*check, bool) {})

	if !flaky.Verdict.OK || !strings.Contains(flaky.Verdict.Note, "on a retry alone; alongside another run: 1 of 3 specs failed") {
		t.Errorf("flaky: %+v", flaky.Verdict)
	}
	if broken.Verdict.OK || !strings.Contains(broken.Verdict.Note, "(alone as well)") {
		t.Errorf("broken: %+v", broken.Verdict)
	}
	if crashed.alone || runs != 1 {
		t.Errorf("a check without a report was retried (%d runs)", runs)
	}
	if !strings.Contains(out.String(), "retrying 2 failed checks alone") {
		t.Errorf("output %q should announce the retry", out.String())
	}
}
