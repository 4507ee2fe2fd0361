package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
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

	// serial: run in the second phase, one check at a time, because its
	// specs compare wall-clock times (Ginkgo label "timing") and need the
	// machine to themselves. A check of the first phase may hand one over
	// (later), as a mutant whose killing spec turns out to be a timing spec.
	serial bool
	later  *check

	// reported: the run wrote a Ginkgo report; timedOut: killed by -timeout;
	// alone: a serial check, with no other go test running.
	reported, timedOut, alone bool
}

// timingLabel marks specs that compare wall-clock times measured in the same
// run. The proof runs them in a phase of their own, one go test at a time,
// so that two proof runs never share the two cores while they measure.
const timingLabel = "timing"

// proofLinkFlags leaves DWARF out of the test binaries the maintainer's
// commands link (the proof links one per mutant, about 280 in make test).
// DWARF is for debuggers: the race detector, goleak and Ginkgo read file and
// line from the runtime's own tables, which -w keeps. It makes each link
// about a third quicker (1.1 s instead of 1.6 s for kata 03's test binary).
const proofLinkFlags = "-ldflags=-w"

// proofCmd is `dev proof [-j N] [-timeout D] [N...]`.
func (r *runner) proofCmd(args []string) error { return r.prove(args, false) }

// testCmd is `dev test [-j N] [-timeout D]`: the proof of every kata after
// the repository's checks (gofmt, vet, the library specs).
func (r *runner) testCmd(args []string) error { return r.prove(args, true) }

// prove runs the checks and prints the verdict.
func (r *runner) prove(args []string, preflight bool) error {
	fs := r.flags()
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	timeout := fs.Duration("timeout", 10*time.Minute, "kill a check that runs longer")
	want := someKatas
	if preflight {
		want = noArgs
	}
	katas, _, err := r.parse(fs, args, want)
	var ue usageError
	if err != nil && !errors.As(err, &ue) && !errors.Is(err, errHelp) {
		// CI reads the last line: keep it even when the layout is broken.
		fmt.Fprintln(r.stdout, "kata:", err)
		fmt.Fprintln(r.stdout, "0 passed, 1 failed")
		return exitCode(1)
	}
	if err != nil {
		return err
	}
	*jobs = max(*jobs, 1)

	var checks, serial []*check
	if preflight {
		checks = append(checks, r.preflightChecks()...)
	}
	for _, k := range katas {
		for _, c := range r.kataChecks(k) {
			if c.serial {
				serial = append(serial, c)
			} else {
				checks = append(checks, c)
			}
		}
	}
	checks = append(checks, serial...)
	if len(checks) == 0 {
		fmt.Fprintln(r.stdout, "no katas to prove")
		fmt.Fprintln(r.stdout, "0 passed, 1 failed")
		return exitCode(1)
	}

	for i, c := range checks {
		c.Index = i + 1
	}
	ctx, stop := untilInterrupted()
	defer stop()
	start := time.Now()
	progress := r.progress(len(checks))
	parallel := checks[:len(checks)-len(serial)]
	runChecks(ctx, parallel, *jobs, *timeout, progress)
	// Mutants whose killing spec is a timing spec come back for phase two.
	for _, c := range parallel {
		if c.later != nil {
			c.later.Index = c.Index
			serial = append(serial, c.later)
		}
	}
	if len(serial) > 0 && ctx.Err() == nil {
		fmt.Fprintf(r.stdout, "\nphase two: %d checks of specs labelled %q (wall-clock ratios), one at a time\n", len(serial), timingLabel)
	}
	runChecks(ctx, serial, 1, *timeout, progress)
	checks = checks[:0]
	for _, c := range parallel {
		if c.later != nil {
			c = c.later
		}
		checks = append(checks, c)
	}
	for _, c := range serial {
		if !slices.Contains(checks, c) {
			checks = append(checks, c)
		}
	}
	if ctx.Err() == nil {
		checks = append(checks, r.contractChecks(katas, len(checks))...)
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
	_ = inParallel(len(checks), jobs, func(i int) error {
		c := checks[i]
		if ctx.Err() != nil {
			c.Verdict = fail("not run: interrupted")
			return nil
		}
		report(c, false)
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
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
		report(c, true)
		return nil
	})
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

// kataChecks builds the checks of one kata: solution (without its timing
// specs), stub, each mutant (only the specs its killed-by lines name), and,
// when the kata has timing specs, the solution on those alone. A mistake in
// the kata's files becomes a failed check, not a crash.
func (r *runner) kataChecks(k kata) []*check {
	noTiming := []string{"-ginkgo.label-filter=!" + timingLabel}
	checks := []*check{
		{Group: k.Dir, Name: "solution", run: func(ctx context.Context, c *check) verdict {
			ov, err := k.solutionOverlay(r.root)
			if err != nil {
				return fail("%v", err)
			}
			return evalSolution(r.goTestKata(ctx, c, k, "solution", ov, noTiming))
		}},
		{Group: k.Dir, Name: "stub", run: func(ctx context.Context, c *check) verdict {
			if _, err := k.learnerFiles(r.root); err != nil {
				return fail("%v", err)
			}
			return evalStub(r.goTestKata(ctx, c, k, "stub", nil, nil))
		}},
	}
	if k.hasTimingSpecs(r.root) {
		checks = append(checks, &check{Group: k.Dir, Name: "solution, timing specs alone", serial: true, alone: true,
			run: func(ctx context.Context, c *check) verdict {
				ov, err := k.solutionOverlay(r.root)
				if err != nil {
					return fail("%v", err)
				}
				return evalSolution(r.goTestKata(ctx, c, k, "solution-timing", ov, []string{"-ginkgo.label-filter=" + timingLabel}))
			}})
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
			focus := focusArgs(m.KilledBy)
			o := r.goTestKata(ctx, c, k, "mutant-"+m.Name, m.Overlay, append(focus, noTiming...))
			if killerIsTiming(m, o) {
				// The spec that must kill it compares wall-clock times: run
				// it again in phase two, alone.
				c.later = &check{Group: k.Dir, Name: c.Name + " (timing spec, alone)", serial: true, alone: true,
					run: func(ctx context.Context, c2 *check) verdict {
						return evalMutant(m, r.goTestKata(ctx, c2, k, "mutant-"+m.Name+"-timing", m.Overlay, focus))
					}}
				return verdict{OK: true, Note: "its killing spec is a timing spec: judged in phase two"}
			}
			return evalMutant(m, o)
		}})
	}
	return checks
}

// focusArgs runs only the specs a mutant's killed-by lines name: the proof
// needs those to fail, and the rest would only cost time. A mutant killed by
// the race detector runs every spec.
func focusArgs(killedBy []string) []string {
	var args []string
	for _, kb := range killedBy {
		if kb == raceKiller {
			return nil
		}
		args = append(args, "-ginkgo.focus="+regexp.QuoteMeta(kb))
	}
	return args
}

// killerIsTiming reports whether every spec a killed-by line names carries
// the timing label (and so was filtered out of a first-phase run).
func killerIsTiming(m mutant, o runOutcome) bool {
	specs := itSpecs(o.Reports)
	if len(specs) == 0 {
		return false
	}
	for _, kb := range m.KilledBy {
		found := false
		for _, s := range specs {
			if strings.Contains(s.FullText(), kb) {
				if !hasLabel(s, timingLabel) {
					return false
				}
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// hasTimingSpecs reports whether one of the kata's spec files labels a spec
// "timing" (a cheap look at the source: the label is always written as a
// string literal in a Label call).
func (k kata) hasTimingSpecs(root string) bool {
	files, _ := filepath.Glob(k.path(root, "*_test.go"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err == nil && timingLabelRE.Match(src) {
			return true
		}
	}
	return false
}

var timingLabelRE = regexp.MustCompile(`Label\([^)]*"` + timingLabel + `"`)

// goTestKata runs the kata's specs once under -race with the overlay (nil:
// the learner's files as they are) and reads Ginkgo's JSON report.
func (r *runner) goTestKata(ctx context.Context, c *check, k kata, what string, overlay map[string]string, extra []string) runOutcome {
	c.reported = false
	base := k.Dir + "-" + what
	reportPath := filepath.Join(r.root, ".kata", "reports", base+".json")
	c.LogPath = filepath.Join(r.root, ".kata", "logs", base+".log")
	_ = os.MkdirAll(filepath.Dir(reportPath), 0o755)
	_ = os.Remove(reportPath) // never read a stale report

	args := []string{"test", "-race", "-count=1", proofLinkFlags}
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
	args = append(args, extra...)
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

// contractChecks judges each kata's contract (testdata/contract.md) from
// the reports the proof has just written: every clause names specs of the
// kata, and a mutant fails one of them. It runs nothing.
func (r *runner) contractChecks(katas []kata, before int) []*check {
	var out []*check
	for i, k := range katas {
		c := &check{Index: before + i + 1, Group: k.Dir, Name: "contract"}
		mk := r.loadMatrix(k)
		if mk.Err != "" {
			c.Verdict = fail("%s", mk.Err)
		} else if _, rows, problems := r.contractProblems(k, mk); len(problems) > 0 {
			c.Verdict = fail("%d of %d clauses not covered", len(problems), max(len(rows), len(problems)))
			c.Verdict.Detail = problems
		} else {
			c.Verdict = pass("%d clauses, each checked by a spec that a mutant fails", len(rows))
		}
		out = append(out, c)
	}
	return out
}
