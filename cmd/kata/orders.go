package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"text/tabwriter"
	"time"
)

// The orders command: every spec of every reference solution run alone, and
// every kata's specs in several fixed random orders. A spec that passes only
// after another (a cache warmed, a GOMAXPROCS left changed, a server not
// closed) or only when it comes first is a spec that fails a learner who
// focuses on it.

// ordersCmd parses `dev orders [-seeds 5] [-j 2] [-timeout 5m] [N...]`.
func (r *runner) ordersCmd(args []string) error {
	fs := r.flags()
	seeds := fs.Int("seeds", 5, "how many fixed random orders (seeds 1 to N) each kata's specs run in")
	jobs := fs.Int("j", 2, "how many test binaries run at a time")
	timeout := fs.Duration("timeout", 5*time.Minute, "kill a run that takes longer")
	katas, _, err := r.parse(fs, args, someKatas)
	if err != nil {
		return err
	}
	if *seeds < 0 {
		return usageError{fmt.Sprintf("%s: want 0 or more", typed("seeds", strconv.Itoa(*seeds)))}
	}
	if len(katas) == 0 {
		return fmt.Errorf("no katas to run")
	}
	start := time.Now()
	return soak(r, katas, func(ctx context.Context, k kata) *ordersResult {
		return r.ordersKata(ctx, k, *seeds, *jobs, *timeout)
	}, func(results []*ordersResult) int {
		failed := printOrders(r.stdout, r.root, results)
		fmt.Fprintf(r.stdout, "\n%d katas in %.1fs (%d binaries at a time): %d runs failed\n",
			len(results), time.Since(start).Seconds(), *jobs, failed)
		return failed
	})
}

// An orderRun is one run of a kata's test binary: one spec alone, or every
// spec in the order of one seed.
type orderRun struct {
	What    string // "alone: <spec>" or "seed 3"
	Args    []string
	LogPath string
	Verdict verdict
}

type ordersResult struct {
	Kata         kata
	Build        verdict
	BuildLog     string
	Alone, Seeds []*orderRun
}

// ordersKata builds the kata's test binary with the solution laid over,
// lists its specs (a dry run), then runs each alone and all of them in the
// order of each seed.
func (r *runner) ordersKata(ctx context.Context, k kata, seeds, jobs int, timeout time.Duration) *ordersResult {
	b := r.buildSolutionBinary(ctx, k, "orders")
	res := &ordersResult{Kata: k, Build: b.Build, BuildLog: b.BuildLog}
	if !res.Build.OK {
		return res
	}
	dir, logDir, bin := b.Dir, b.LogDir, b.Path
	list := filepath.Join(dir, k.Dir+"-list.json")
	listed := r.runTestBinary(ctx, k, bin, list, filepath.Join(logDir, k.Dir+"-list.log"), []string{"-ginkgo.dry-run"}, nil)
	if len(itSpecs(listed.Reports)) == 0 {
		res.Build = fail("listing the specs (a dry run) found none: %s", lastLines(listed.Output, 3))
		return res
	}
	for i, s := range itSpecs(listed.Reports) {
		res.Alone = append(res.Alone, &orderRun{
			What:    "alone: " + s.FullText(),
			Args:    []string{"-ginkgo.focus=" + regexp.QuoteMeta(s.FullText()) + "$"}, // anchored at the end only: the text Ginkgo matches may start before the report's
			LogPath: filepath.Join(logDir, fmt.Sprintf("%s-alone-%03d.log", k.Dir, i+1)),
		})
	}
	for seed := 1; seed <= seeds; seed++ {
		res.Seeds = append(res.Seeds, &orderRun{
			What:    fmt.Sprintf("seed %d", seed),
			Args:    []string{"-ginkgo.randomize-all", "-ginkgo.seed=" + strconv.Itoa(seed)},
			LogPath: filepath.Join(logDir, fmt.Sprintf("%s-seed-%d.log", k.Dir, seed)),
		})
	}
	runs := append(append([]*orderRun{}, res.Alone...), res.Seeds...)
	_ = inParallel(len(runs), jobs, func(i int) error {
		run := runs[i]
		if ctx.Err() != nil {
			run.Verdict = verdict{Note: "not run: interrupted"}
			return nil
		}
		report := filepath.Join(dir, fmt.Sprintf("%s-%d.json", k.Dir, i))
		rctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		o := r.runTestBinary(rctx, k, bin, report, run.LogPath, run.Args, nil)
		run.Verdict = evalSolution(o)
		if rctx.Err() != nil && ctx.Err() == nil {
			run.Verdict = fail("killed after %s (-timeout)", timeout)
		}
		return nil
	})
	fmt.Fprintf(r.stdout, "%s: %d specs alone, %d orders: %d runs failed\n", k.Dir, len(res.Alone), len(res.Seeds), res.failures())
	return res
}

func (o *ordersResult) failures() int {
	n := 0
	if !o.Build.OK {
		n++
	}
	for _, run := range append(append([]*orderRun{}, o.Alone...), o.Seeds...) {
		if !run.Verdict.OK {
			n++
		}
	}
	return n
}

// printOrders prints a line per kata and every failed run with its log,
// and returns how many runs failed.
func printOrders(w io.Writer, root string, results []*ordersResult) int {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KATA\tSPECS ALONE\tFAILED\tORDERS\tFAILED")
	total := 0
	for _, o := range results {
		bad := func(runs []*orderRun) int {
			n := 0
			for _, r := range runs {
				if !r.Verdict.OK {
					n++
				}
			}
			return n
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", o.Kata.Dir, len(o.Alone), bad(o.Alone), len(o.Seeds), bad(o.Seeds))
		total += o.failures()
	}
	tw.Flush()
	for _, o := range results {
		if !o.Build.OK {
			fmt.Fprintf(w, "\n-- %s: %s (log %s)\n", o.Kata.Dir, o.Build.Note, relTo(root, o.BuildLog))
		}
		for _, run := range append(append([]*orderRun{}, o.Alone...), o.Seeds...) {
			if !run.Verdict.OK {
				writeFailedRun(w, root, o.Kata.Dir+", "+run.What, run.Verdict, run.LogPath)
			}
		}
	}
	return total
}
