package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// A version is one row of the comparison: a kata's run on one workload.
type cmpVersion struct {
	Kata     int
	Workload string // "io" or "cpu"
	Label    string
	Env      []string // extra environment, such as GOMAXPROCS=1
	Article  string   // the Python version it stands for, "" for none
	// The article's figures in seconds, old and new edition (0: none).
	Old, New float64
}

// versions are the rows of `kata compare`, sequential first in each
// workload (the speed-ups are against it). The article's figures are those
// of CURRICULUM.md.
var cmpVersions = []cmpVersion{
	{Kata: 1, Workload: "io", Label: "sequential, one session", Article: "synchronous", Old: 14.3, New: 14.3},
	{Kata: 3, Workload: "io", Label: "pool of 5 goroutines", Article: "threads (5)", Old: 3.7, New: 3.2},
	{Kata: 6, Workload: "io", Label: "cooperative loop, one session", Article: "asyncio", Old: 2.6, New: 0.49},
	{Kata: 7, Workload: "io", Label: "a goroutine per URL"},
	{Kata: 10, Workload: "io", Label: "process pool (1 per CPU)", Article: "processes", Old: 5.7, New: 3.4},
	{Kata: 1, Workload: "cpu", Label: "sequential", Article: "synchronous", Old: 7.8, New: 35.4},
	{Kata: 4, Workload: "cpu", Label: "pool of 5 goroutines", Article: "threads (5)", Old: 10.4, New: 39.9},
	{Kata: 4, Workload: "cpu", Label: "pool of 5, GOMAXPROCS=1", Env: []string{"GOMAXPROCS=1"}, Article: "(threads under the GIL)"},
	{Kata: 5, Workload: "cpu", Label: "cooperative loop", Article: "asyncio", New: 86.5},
	{Kata: 10, Workload: "cpu", Label: "process pool (1 per CPU)", Article: "processes", Old: 2.5, New: 10.0},
}

// A measured row: the version and what its run gave.
type cmpRow struct {
	cmpVersion
	Median  time.Duration
	Samples int
	Status  string // "" when measured; else why not
}

// compareCmd measures every version on both workloads and prints the
// article's table beside ours.
//
//	kata compare [-ref] [-samples 3] [-latency 20ms]
func (r *runner) compareCmd(args []string) error {
	fs := r.flags()
	ref := fs.Bool("ref", false, "measure the reference solutions instead of your code")
	samples := fs.Int("samples", 3, "timed runs per version (the median is shown)")
	latency := fs.Duration("latency", fakeserver.DefaultLatency, "the fake server's latency")
	katas, _, err := r.parse(fs, args, noArgs)
	if err != nil {
		return err
	}
	if *samples < 1 {
		return usageError{fmt.Sprintf("-samples %d: want at least 1", *samples)}
	}
	ctx, stop := untilInterrupted()
	defer stop()

	whose := "your code (REF=1 measures the reference solutions)"
	if *ref {
		whose = "the reference solutions"
	}
	fmt.Fprintf(r.stdout, "Measuring %s: %d runs each, the median shown; %d CPUs, GOMAXPROCS=%d.\n\n",
		whose, *samples, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	prog := newStatusLine(r.stderr)
	built := map[int]verProgram{}
	buildErr := map[int]error{}
	var rows []cmpRow
	for i, v := range cmpVersions {
		m := cmpRow{cmpVersion: v}
		k, found := verKataByNum(katas, v.Kata)
		if !found {
			m.Status = fmt.Sprintf("kata %02d is not in this copy", v.Kata)
			rows = append(rows, m)
			continue
		}
		if _, done := built[v.Kata]; !done && buildErr[v.Kata] == nil {
			prog.show("[%d/%d] building kata %s's runner", i+1, len(cmpVersions), k.Dir)
			p, err := r.buildProgram(ctx, k, *ref)
			if err != nil {
				buildErr[v.Kata] = err
			} else {
				built[v.Kata] = p
			}
		}
		if err := buildErr[v.Kata]; err != nil {
			var be *verBuildError
			if !errors.As(err, &be) {
				prog.clear()
				return err
			}
			m.Status = fmt.Sprintf("does not compile (make kata N=%d)", v.Kata)
			rows = append(rows, m)
			continue
		}
		prog.show("[%d/%d] %s: %s (kata %02d)…", i+1, len(cmpVersions), workloadTitle(v.Workload), v.Label, v.Kata)
		o, err := r.runProgram(ctx, built[v.Kata], []string{"-workload", v.Workload, "-samples", strconv.Itoa(*samples),
			"-latency", latency.String(), "-budget", "15s"}, v.Env, io.Discard)
		if err != nil {
			prog.clear()
			return err
		}
		if ctx.Err() != nil {
			prog.clear()
			return ctx.Err()
		}
		switch {
		case o.OK():
			m.Median, m.Samples = o.Result.Median, len(o.Result.Samples)
		case o.NotSolved():
			m.Status = fmt.Sprintf("not solved yet (make kata N=%d)", v.Kata)
		default:
			m.Status = cmpTruncate(o.Problem(), 60) + fmt.Sprintf(" (make kata N=%d)", v.Kata)
		}
		rows = append(rows, m)
	}
	prog.clear()
	writeCompareTable(r.stdout, rows, *latency)
	return nil
}

func verKataByNum(katas []kata, n int) (kata, bool) {
	for _, k := range katas {
		if k.Num == n {
			return k, true
		}
	}
	return kata{}, false
}

func workloadTitle(w string) string {
	if w == "cpu" {
		return "CPU"
	}
	return "I/O"
}

// writeCompareTable prints one table per workload: our time and speed-up
// beside the article's (old edition / new edition).
func writeCompareTable(w io.Writer, rows []cmpRow, latency time.Duration) {
	for _, wl := range []string{"io", "cpu"} {
		var these []cmpRow
		for _, m := range rows {
			if m.Workload == wl {
				these = append(these, m)
			}
		}
		if wl == "io" {
			fmt.Fprintf(w, "I/O: %d downloads (the big and the small page in turn), %v latency each, fake server on loopback\n",
				fakeserver.SiteCount, latency)
		} else {
			ns := workload.CPUNumbers()
			fmt.Fprintf(w, "\nCPU: sum of i*i for i < n, for the %d numbers n = %d … %d (the article's started at %d)\n",
				len(ns), ns[0], ns[len(ns)-1], workload.OriginalCPUBase)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  kata\tversion\there\tspeed-up\t\tarticle (Python)\told / new edition\tspeed-up")
		var base time.Duration
		if len(these) > 0 && these[0].Status == "" {
			base = these[0].Median
		}
		for _, m := range these {
			here, speed := m.Status, ""
			if m.Status == "" {
				here = fmt.Sprintf("%.3f s", m.Median.Seconds())
				if base > 0 {
					speed = fmt.Sprintf("%.1f×", float64(base)/float64(m.Median))
				}
			}
			article, figures, aspeed := "—", "", ""
			if m.Article != "" {
				article = m.Article
				figures = fmt.Sprintf("%s / %s s", cmpFig(m.Old), cmpFig(m.New))
				aspeed = fmt.Sprintf("%s / %s", cmpRatio(these[0].Old, m.Old), cmpRatio(these[0].New, m.New))
				if m.Old == 0 && m.New == 0 {
					figures, aspeed = "(not measured)", ""
				}
			}
			fmt.Fprintf(tw, "  %02d\t%s\t%s\t%s\t\t%s\t%s\t%s\n", m.Kata, m.Label, here, speed, article, figures, aspeed)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nspeed-up: the sequential version's time divided by this one's (above 1 is faster).")
	fmt.Fprintln(w, "The article's figures are its old and new editions' (4 cores); a dash where it had no such version.")
}

func cmpFig(s float64) string {
	if s == 0 {
		return "—"
	}
	return strconv.FormatFloat(s, 'f', -1, 64)
}

func cmpRatio(base, t float64) string {
	if base == 0 || t == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", base/t)
}

func cmpTruncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
