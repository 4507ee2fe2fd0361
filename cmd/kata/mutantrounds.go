package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// mutantRounds is `kata dev mutants -rounds N -procs 1,2,8`: each mutant's
// test binary is built once (-race, the mutant laid over the learner's
// file), then run N times under each GOMAXPROCS value with only its
// killed-by specs focused. A mutant must die in every run: a kill that
// depends on the core count or on luck is not a kill. It prints one line
// per mutant and returns how many mutants survived a run.
func (r *runner) mutantRounds(katas []kata, rounds int, procsList string) (int, error) {
	var procs []int
	for _, p := range strings.Split(procsList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return 0, usageError{fmt.Sprintf("-procs %q: want GOMAXPROCS values like 1,2,8", procsList)}
		}
		procs = append(procs, n)
	}
	type job struct {
		k kata
		m mutant
	}
	var jobs []job
	for _, k := range katas {
		ms, err := k.mutants(r.root)
		if err != nil {
			return 0, err
		}
		for _, m := range ms {
			jobs = append(jobs, job{k, m})
		}
	}
	fmt.Fprintf(r.stdout, "\n%d mutants, each run %d times under GOMAXPROCS=%s (one build each)\n", len(jobs), rounds, procsList)
	type result struct {
		runs, kills int
		slowest     time.Duration
		note        string
	}
	results := make([]result, len(jobs))
	var mu sync.Mutex
	dir := filepath.Join(r.root, ".kata", "rounds")
	logDir := filepath.Join(r.root, ".kata", "logs", "rounds")
	_ = os.MkdirAll(dir, 0o755)
	_ = os.MkdirAll(logDir, 0o755)
	ctx := context.Background()
	done := 0
	// Two at a time: one builds while the other runs, on a 2-core machine.
	_ = inParallel(len(jobs), 2, func(i int) error {
		j := jobs[i]
		res := &results[i]
		name := j.k.Dir + "-" + j.m.Name
		if j.m.Err != nil {
			res.note = j.m.Err.Error()
		} else if res.note = r.runRounds(ctx, j.k, j.m, dir, logDir, name, rounds, procs, &res.runs, &res.kills, &res.slowest); res.note == "" && res.kills < res.runs {
			res.note = fmt.Sprintf("survived %d of %d runs", res.runs-res.kills, res.runs)
		}
		mu.Lock()
		done++
		state := "killed every run"
		if res.note != "" {
			state = "FAIL: " + res.note
		}
		fmt.Fprintf(r.stdout, "[%d/%d] %s %s: %d/%d, slowest %.1fs: %s\n", done, len(jobs), j.k.Dir, j.m.Name, res.kills, res.runs, res.slowest.Seconds(), state)
		mu.Unlock()
		return nil
	})
	bad := 0
	tw := tabwriter.NewWriter(r.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nKATA\tMUTANT\tKILLED\tSLOWEST")
	for i, j := range jobs {
		res := results[i]
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%.1fs\n", j.k.Dir, j.m.Name, res.kills, res.runs, res.slowest.Seconds())
		if res.note != "" {
			bad++
		}
	}
	tw.Flush()
	return bad, nil
}

// runRounds builds mutant m's test binary and runs it; it returns a note
// when the mutant could not be run at all.
func (r *runner) runRounds(ctx context.Context, k kata, m mutant, dir, logDir, name string, rounds int, procs []int, runs, kills *int, slowest *time.Duration) string {
	bin := filepath.Join(dir, name+".test")
	buildLog := filepath.Join(logDir, name+"-build.log")
	if v := r.buildTestBinary(ctx, k, m.Overlay, "rounds-"+name, bin, buildLog); !v.OK {
		return fmt.Sprintf("build failed: %s (see %s)", v.Note, relTo(r.root, buildLog))
	}
	defer os.Remove(bin)
	for _, p := range procs {
		for i := 1; i <= rounds; i++ {
			report := filepath.Join(dir, fmt.Sprintf("%s-p%d-%d.json", name, p, i))
			logPath := filepath.Join(logDir, fmt.Sprintf("%s-p%d-%d.log", name, p, i))
			t0 := time.Now()
			o := r.runTestBinary(ctx, k, bin, report, logPath, focusArgs(m.KilledBy), []string{"GOMAXPROCS=" + strconv.Itoa(p)})
			if d := time.Since(t0); d > *slowest {
				*slowest = d
			}
			*runs++
			if evalMutant(m, o).OK {
				*kills++
			} else {
				fmt.Fprintf(r.stderr, "%s %s survived a run with GOMAXPROCS=%d: see %s\n", k.Dir, m.Name, p, relTo(r.root, logPath))
			}
		}
	}
	return ""
}
