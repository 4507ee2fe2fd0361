package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// The stress command: every reference solution, many times in a row, with a
// busy loop on every core. It is the "never flake" half of the project's
// promise: a spec that passes on a quiet machine but fails on a loaded one
// is a spec that will fail a learner for nothing.

// stressCmd parses `stress [-runs 20] [-timeout 5m] [-load=true] [N...]`.
func (r *runner) stressCmd(args []string) error {
	fs := r.flags()
	runs := fs.Int("runs", 20, "how many times each solution runs")
	timeout := fs.Duration("timeout", 5*time.Minute, "kill a run that takes longer")
	load := fs.Bool("load", true, "keep every core busy while the specs run")
	katas, _, err := r.parse(fs, args, someKatas)
	if err != nil {
		return err
	}
	if *runs < 1 {
		return usageError{fmt.Sprintf("%s: want at least 1", typed("runs", strconv.Itoa(*runs)))}
	}
	if len(katas) == 0 {
		return fmt.Errorf("no katas to stress")
	}
	start := time.Now()
	return soak(r, katas, func(ctx context.Context, k kata) *stressResult {
		return r.stressKata(ctx, k, *runs, *timeout, *load)
	}, func(results []*stressResult) int {
		printStress(r.stdout, r.root, results)
		hog := "no load"
		if *load {
			hog = fmt.Sprintf("%d busy-loop goroutines (one per core)", runtime.NumCPU())
		}
		total, failed := stressTotals(results)
		fmt.Fprintf(r.stdout, "\n%d runs of %d katas in %.1fs under %s: %d failed\n",
			total, len(results), time.Since(start).Seconds(), hog, failed)
		return failed
	})
}

// stressRun is one run of a kata's test binary.
type stressRun struct {
	N       int
	Elapsed time.Duration
	Verdict verdict
	LogPath string
	Skipped []skippedSpec // specs that skipped themselves, with the reason
}

type skippedSpec struct{ Spec, Reason string }

// stressResult is every run of one kata.
type stressResult struct {
	Kata     kata
	Build    verdict // the build of the test binary; runs happen only if OK
	BuildLog string
	Runs     []stressRun
}

func (s *stressResult) failures() int {
	n := 0
	if !s.Build.OK {
		n++
	}
	for _, r := range s.Runs {
		if !r.Verdict.OK {
			n++
		}
	}
	return n
}

func (s *stressResult) slowest() time.Duration {
	var d time.Duration
	for _, r := range s.Runs {
		d = max(d, r.Elapsed)
	}
	return d
}

func stressTotals(results []*stressResult) (runs, failed int) {
	for _, s := range results {
		runs += len(s.Runs)
		failed += s.failures()
	}
	return runs, failed
}

// stressKata builds the kata's test binary once, with the solution laid
// over the learner's files, then runs it n times, one run at a time, with
// the cores kept busy during the runs (not during the build).
func (r *runner) stressKata(ctx context.Context, k kata, n int, timeout time.Duration, load bool) *stressResult {
	b := r.buildSolutionBinary(ctx, k, "stress")
	res := &stressResult{Kata: k, Build: b.Build, BuildLog: b.BuildLog}
	if !res.Build.OK {
		fmt.Fprintf(r.stdout, "%s: build FAIL: %s\n", k.Dir, res.Build.Note)
		return res
	}
	dir, logDir, bin := b.Dir, b.LogDir, b.Path
	if load {
		stopLoad := startLoad(runtime.NumCPU())
		defer stopLoad()
	}
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		run := stressRun{N: i, LogPath: filepath.Join(logDir, fmt.Sprintf("%s-%02d.log", k.Dir, i))}
		report := filepath.Join(dir, fmt.Sprintf("%s-%02d.json", k.Dir, i))
		rctx, cancel := context.WithTimeout(ctx, timeout)
		t0 := time.Now()
		o := r.runTestBinary(rctx, k, bin, report, run.LogPath, nil, nil)
		run.Elapsed = time.Since(t0)
		run.Verdict = evalSolution(o)
		run.Skipped = skippedSpecs(o.Reports)
		switch {
		case ctx.Err() != nil:
			run.Verdict = verdict{Note: "interrupted (Ctrl-C)", Detail: run.Verdict.Detail}
		case rctx.Err() != nil:
			run.Verdict = fail("killed after %s (-timeout)", timeout)
		}
		cancel()
		if ctx.Err() != nil {
			break // an interrupted run is neither a pass nor a failure
		}
		res.Runs = append(res.Runs, run)
		fmt.Fprintln(r.stdout, stressProgressLine(k.Dir, n, run))
	}
	return res
}

// stressProgressLine is the line printed after each run.
func stressProgressLine(dir string, n int, run stressRun) string {
	result := "pass"
	if !run.Verdict.OK {
		result = "FAIL"
	}
	line := fmt.Sprintf("[%s %2d/%d] %s %5.1fs: %s", dir, run.N, n, result, run.Elapsed.Seconds(), run.Verdict.Note)
	if !run.Verdict.OK {
		line += " (log " + run.LogPath + ")"
	}
	return line
}

// skippedSpecs lists the It specs that skipped themselves (Skip("...")),
// with their reason, so that a timing spec giving up under load says so.
func skippedSpecs(reports []types.Report) []skippedSpec {
	var out []skippedSpec
	for _, s := range itSpecs(reports) {
		if s.State.Is(types.SpecStateSkipped) && s.Failure.Message != "" {
			out = append(out, skippedSpec{Spec: s.FullText(), Reason: failureLine(s)})
		}
	}
	return out
}

// startLoad starts n goroutines that spin until the returned function is
// called; it returns once they have stopped. Goroutines, not processes: they
// end with the tool, whatever ends it, so no hog can be left behind.
func startLoad(n int) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			x := uint64(1)
			for !done.Load() {
				x = x*6364136223846793005 + 1442695040888963407
			}
			sink.Add(x)
		})
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}

// sink keeps the spinning loops' arithmetic from being optimised away.
var sink atomic.Uint64

// printStress prints the table, the failures with their specs and logs, and
// the specs that skipped themselves (with how often and why).
func printStress(w io.Writer, root string, results []*stressResult) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KATA\tRUNS\tFAILURES\tSLOWEST\tSKIPPED SPECS")
	for _, s := range results {
		skips := 0
		for _, r := range s.Runs {
			skips += len(r.Skipped)
		}
		slowest := "-"
		if len(s.Runs) > 0 {
			slowest = fmt.Sprintf("%.1fs", s.slowest().Seconds())
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\n", s.Kata.Dir, len(s.Runs), s.failures(), slowest, skips)
	}
	tw.Flush()

	for _, s := range results {
		if !s.Build.OK {
			writeFailedRun(w, root, s.Kata.Dir+": the build failed", s.Build, s.BuildLog)
		}
		for _, r := range s.Runs {
			if !r.Verdict.OK {
				writeFailedRun(w, root, fmt.Sprintf("%s run %d (%.1fs)", s.Kata.Dir, r.N, r.Elapsed.Seconds()), r.Verdict, r.LogPath)
			}
		}
	}
	for _, line := range skipSummary(results) {
		fmt.Fprintln(w, line)
	}
}

// skipSummary groups the self-skipped specs by kata and spec, with the
// first reason given (reasons carry figures, so they differ run to run):
// "04-pool-cpu: 3 of 20 runs skipped "…", e.g.: reason".
func skipSummary(results []*stressResult) []string {
	var out []string
	for _, s := range results {
		count := map[string]int{}
		first := map[string]string{}
		var specs []string
		for _, r := range s.Runs {
			for _, sk := range r.Skipped {
				if count[sk.Spec] == 0 {
					specs = append(specs, sk.Spec)
					first[sk.Spec] = sk.Reason
				}
				count[sk.Spec]++
			}
		}
		sort.Strings(specs)
		for _, spec := range specs {
			if len(out) == 0 {
				out = append(out, "", "specs that skipped themselves (they said why):")
			}
			out = append(out, fmt.Sprintf("  %s: %d of %d runs skipped %q, e.g.: %s", s.Kata.Dir, count[spec], len(s.Runs), spec, first[spec]))
		}
	}
	return out
}
