package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// check is one line of the proof: a go run and its verdict.
type check struct {
	Index int    // 1-based position in the run, for progress lines
	Group string // "03-pool", or "repository" for the preflight checks
	Name  string // "solution", "stub", "mutant racy", "go vet"...
	run   func(ctx context.Context, c *check) verdict

	Verdict verdict
	Elapsed time.Duration
	LogPath string // full output, when there was a go run
	Output  string

	// reported: the run wrote a Ginkgo report (a verdict on specs, which a
	// retry alone may change); timedOut: killed by -timeout; alone: this is
	// the retry, with no other go test running.
	reported, timedOut, alone bool
}

// proofCmd parses `proof [-j N] [-timeout D] [N...]` (and `test`, which adds
// the preflight checks), runs the checks and prints the verdict.
func (r *runner) proofCmd(args []string, preflight bool) error {
	name := "proof"
	if preflight {
		name = "test"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(r.stderr)
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	timeout := fs.Duration("timeout", 10*time.Minute, "kill a check that runs longer")
	retry := fs.Bool("retry-alone", true, "run a check whose specs failed alongside another run once more, alone (wall-clock specs need an unloaded machine)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *jobs < 1 {
		*jobs = 1
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		// CI reads the last line: keep it even when the layout is broken.
		fmt.Fprintln(r.stdout, "kata:", err)
		fmt.Fprintln(r.stdout, "0 passed, 1 failed")
		return exitCode(1)
	}
	if fs.NArg() > 0 {
		if preflight {
			return usageError{"test takes no kata numbers; use proof N..."}
		}
		var picked []kata
		for _, a := range fs.Args() {
			k, err := findKata(katas, a)
			if err != nil {
				return err
			}
			picked = append(picked, k)
		}
		katas = picked
	}

	var checks []*check
	if preflight {
		checks = append(checks, r.preflightChecks()...)
	}
	for _, k := range katas {
		checks = append(checks, r.kataChecks(k)...)
	}
	if len(checks) == 0 {
		fmt.Fprintln(r.stdout, "no katas to prove")
		fmt.Fprintln(r.stdout, "0 passed, 1 failed")
		return exitCode(1)
	}

	for i, c := range checks {
		c.Index = i + 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	progress := r.progress(len(checks))
	runChecks(ctx, checks, *jobs, *timeout, progress)
	if *retry && *jobs > 1 {
		r.retryAlone(ctx, checks, *timeout, progress)
	}
	printTables(r.stdout, r.root, checks)

	passed, failed := 0, 0
	for _, c := range checks {
		if c.Verdict.OK {
			passed++
		} else {
			failed++
		}
	}
	fmt.Fprintf(r.stdout, "\n%d checks in %.1fs (at most %d go test processes at a time); full logs in .kata/logs/\n",
		len(checks), time.Since(start).Seconds(), *jobs)
	fmt.Fprintf(r.stdout, "%d passed, %d failed\n", passed, failed)
	if ctx.Err() != nil {
		return exitCode(130)
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}

// runChecks runs the checks, at most jobs at a time, in order of the slice.
func runChecks(ctx context.Context, checks []*check, jobs int, timeout time.Duration, report func(c *check, done bool)) {
	queue := make(chan *check)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for c := range queue {
				if ctx.Err() != nil {
					c.Verdict = fail("not run: interrupted")
					continue
				}
				report(c, false)
				cctx, cancel := context.WithTimeout(ctx, timeout)
				t0 := time.Now()
				c.Verdict = c.run(cctx, c)
				c.Elapsed = time.Since(t0)
				c.timedOut = errors.Is(cctx.Err(), context.DeadlineExceeded)
				if c.timedOut {
					c.Verdict = fail("killed after %s (-timeout): a suite Timeout should have ended it first", timeout)
				} else if ctx.Err() != nil {
					// A spec "killed" by Ctrl-C proves nothing.
					c.Verdict = verdict{Note: "interrupted (Ctrl-C)", Detail: c.Verdict.Detail}
				}
				cancel()
				report(c, true)
			}
		})
	}
	for _, c := range checks {
		queue <- c
	}
	close(queue)
	wg.Wait()
}

// retryAlone runs once more, one at a time, the checks whose specs failed
// while another go test shared the two cores: specs that compare wall-clock
// times hold on an unloaded machine. Both outcomes stay visible in the note
// and in the logs (the retry's log ends in "-alone.log").
func (r *runner) retryAlone(ctx context.Context, checks []*check, timeout time.Duration, progress func(*check, bool)) {
	var again []*check
	first := map[*check]verdict{}
	for _, c := range checks {
		if !c.Verdict.OK && c.reported && !c.timedOut {
			again = append(again, c)
			first[c] = c.Verdict
			c.alone = true
		}
	}
	if len(again) == 0 || ctx.Err() != nil {
		return
	}
	fmt.Fprintf(r.stdout, "\nretrying %d failed checks alone, one at a time (specs that measure wall-clock time need an unloaded machine)\n", len(again))
	runChecks(ctx, again, 1, timeout, progress)
	for _, c := range again {
		if c.Verdict.OK {
			c.Verdict.Note = fmt.Sprintf("%s, on a retry alone; alongside another run: %s", c.Verdict.Note, first[c].Note)
		} else {
			c.Verdict.Note += " (alone as well)"
		}
	}
}

// progress prints a line when a check starts and when it ends.
func (r *runner) progress(total int) func(c *check, done bool) {
	var mu sync.Mutex
	return func(c *check, done bool) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			alone := ""
			if c.alone {
				alone = " (alone)"
			}
			fmt.Fprintf(r.stdout, "[%2d/%d] start  %s %s%s\n", c.Index, total, c.Group, c.Name, alone)
			return
		}
		result := "pass"
		if !c.Verdict.OK {
			result = "FAIL"
		}
		fmt.Fprintf(r.stdout, "[%2d/%d] %-6s %s %s (%.1fs): %s\n", c.Index, total, result, c.Group, c.Name, c.Elapsed.Seconds(), c.Verdict.Note)
	}
}

// kataChecks builds the checks of one kata: solution, stub, each mutant.
// A mistake in the kata's files becomes a failed check, not a crash.
func (r *runner) kataChecks(k kata) []*check {
	checks := []*check{
		{Group: k.Dir, Name: "solution", run: func(ctx context.Context, c *check) verdict {
			ov, err := k.solutionOverlay(r.root)
			if err != nil {
				return fail("%v", err)
			}
			return evalSolution(r.goTestKata(ctx, c, k, "solution", ov))
		}},
		{Group: k.Dir, Name: "stub", run: func(ctx context.Context, c *check) verdict {
			if _, err := k.learnerFiles(r.root); err != nil {
				return fail("%v", err)
			}
			return evalStub(r.goTestKata(ctx, c, k, "stub", nil))
		}},
	}
	ms, err := k.mutants(r.root)
	if err != nil {
		checks = append(checks, &check{Group: k.Dir, Name: "mutants", run: func(context.Context, *check) verdict {
			return fail("reading the mutants: %v", err)
		}})
	}
	for _, m := range ms {
		checks = append(checks, &check{Group: k.Dir, Name: "mutant " + m.Name, run: func(ctx context.Context, c *check) verdict {
			if m.Err != nil {
				return fail("%v", m.Err)
			}
			return evalMutant(m, r.goTestKata(ctx, c, k, "mutant-"+m.Name, m.Overlay))
		}})
	}
	return checks
}

// goTestKata runs the kata's specs once under -race with the overlay (nil:
// the learner's files as they are) and reads Ginkgo's JSON report.
func (r *runner) goTestKata(ctx context.Context, c *check, k kata, what string, overlay map[string]string) runOutcome {
	c.reported = false
	base := k.Dir + "-" + what
	if c.alone {
		base += "-alone"
	}
	reportPath := filepath.Join(r.root, ".kata", "reports", base+".json")
	c.LogPath = filepath.Join(r.root, ".kata", "logs", base+".log")
	_ = os.MkdirAll(filepath.Dir(reportPath), 0o755)
	_ = os.Remove(reportPath) // never read a stale report

	args := []string{"test", "-race", "-count=1"}
	if overlay != nil {
		p, err := writeOverlay(r.root, base, overlay)
		if err != nil {
			return runOutcome{ExitCode: -1, Output: err.Error()}
		}
		args = append(args, "-overlay="+p)
	}
	// No package argument: go test run in the package folder streams the
	// test binary's output as it comes (with a package argument it buffers
	// it, and an interrupted run would leave an empty log).
	args = append(args, "-ginkgo.no-color", "-ginkgo.json-report="+reportPath)
	code, out, err := runLogged(ctx, k.path(r.root), c.LogPath, args)
	c.Output = out
	if err != nil {
		return runOutcome{ExitCode: code, Output: out + "\n" + err.Error()}
	}
	o := runOutcome{ExitCode: code, Output: out}
	if reports, err := loadReports(reportPath); err == nil {
		o.Reports = reports
		c.reported = true
	}
	return o
}
