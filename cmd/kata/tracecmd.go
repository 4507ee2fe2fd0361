package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/concurrency-katas/go-katas/cmd/kata/internal/traced"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
)

// traceCmd runs the learner's CPU work (kata 04's FindSums, kata 11's Run)
// under Go's execution tracer, twice: with the machine's GOMAXPROCS and with
// GOMAXPROCS=1. It writes each trace to .kata/traces/ (for `go tool trace`),
// and beside them an SVG with one row per processor (P) and the tasks on
// it. With -open, on a terminal, it also starts `go tool trace` on the
// first trace, in the background: the command itself never waits for it.
//
//	kata trace [-ref] [-open] N
func (r *runner) traceCmd(args []string) error {
	fs := r.flags()
	ref := fs.Bool("ref", false, "trace the reference solution instead of your code")
	open := fs.Bool("open", false, "start `go tool trace` on the trace (only on a terminal)")
	katas, _, err := r.parse(fs, args, oneKata)
	if err != nil {
		return err
	}
	k := katas[0]
	if !tracedKatas[k.Num] {
		return usageError{fmt.Sprintf("trace works for the CPU katas 04 and 11, not %s: the others wait for the network, which the execution tracer shows as idle processors", k.Dir)}
	}
	ctx, stop := untilInterrupted()
	defer stop()

	name := fmt.Sprintf("%02d", k.Num)
	whose := "your code"
	if *ref {
		name += "-solution"
		whose = "the reference solution"
	}
	outDir := filepath.Join(r.root, ".kata", "traces")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	bin, err := r.buildKataProgram(ctx, k, *ref, "trace", "./"+tracedDir+"/"+k.Dir)
	var buildErr *verBuildError
	if errors.As(err, &buildErr) {
		return fmt.Errorf("%v\nFix it (make kata N=%d shows the same errors), or trace the reference: make trace N=%d REF=1", buildErr, k.Num, k.Num)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "Kata %s, %s, under Go's execution tracer...\n", k.Dir, whose)
	cmd := exec.CommandContext(ctx, bin, outDir, name, map[bool]string{true: "The reference", false: "Your"}[*ref])
	cmd.Dir = r.root
	cmd.Env = kataEnv()
	var stderr strings.Builder
	cmd.Stdout = r.stdout
	cmd.Stderr = io.MultiWriter(r.stderr, &stderr)
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "not implemented yet") {
			return fmt.Errorf("kata %s is not solved yet: solve it (make kata N=%d), or trace the reference solution: make trace N=%d REF=1", k.Dir, k.Num, k.Num)
		}
		return fmt.Errorf("kata %s, %s: the traced run failed: %v", k.Dir, whose, err)
	}
	var runs []traced.Run
	manifest, err := os.ReadFile(filepath.Join(outDir, name+".json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(manifest, &runs); err != nil {
		return fmt.Errorf("the traced run's manifest: %w", err)
	}
	var panels []tracePanel
	for _, run := range runs {
		f, err := os.Open(filepath.Join(outDir, run.Trace))
		if err != nil {
			return err
		}
		rec, err := cputrace.Parse(f)
		f.Close()
		if err != nil {
			return err
		}
		rec.GOMAXPROCS = run.GOMAXPROCS
		panels = append(panels, tracePanel{Run: run, Rec: rec})
		tasks := rec.Tasks(run.Region)
		fmt.Fprintf(r.stdout, "\n%s\n  %d tasks (%s), at most %d running at the same moment, on %d of %d processor(s); %v from the first task to the last\n  trace: %s\n",
			run.Label, len(tasks), run.Region, rec.PeakRunning(run.Region), len(rec.ProcsUsed(run.Region)), run.GOMAXPROCS,
			taskExtent(tasks).Round(1e6), relTo(r.root, filepath.Join(outDir, run.Trace)))
	}
	svgPath := filepath.Join(outDir, name+".svg")
	title := fmt.Sprintf("Kata %s (%s): which processor ran which task, under Go's execution tracer", k.Dir, whose)
	if err := os.WriteFile(svgPath, traceSVG(title, panels), 0o644); err != nil {
		return err
	}
	first := relTo(r.root, filepath.Join(outDir, runs[0].Trace))
	fmt.Fprintf(r.stdout, "\nThe picture: %s (open it in a browser): one row per processor (P), one box per task.\n", relTo(r.root, svgPath))
	fmt.Fprintf(r.stdout, "The whole trace in Go's own viewer: go tool trace %s\n", first)
	fmt.Fprintf(r.stdout, "  (in its web page: \"View trace by proc\" shows the same rows; \"User-defined regions\" lists the tasks)\n")
	if *open {
		return r.openTraceViewer(first)
	}
	return nil
}

// openTraceViewer starts `go tool trace` on path in the background, in its
// own process group, and returns at once: the viewer is a web server that
// runs until it is stopped, which make must not wait for. On anything but a
// terminal it only says how to start it.
func (r *runner) openTraceViewer(path string) error {
	if !isTerminal(r.stdout) {
		fmt.Fprintf(r.stdout, "Not a terminal: start the viewer yourself with go tool trace %s\n", path)
		return nil
	}
	logPath := strings.TrimSuffix(filepath.Join(r.root, path), ".trace") + ".viewer.log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command("go", "tool", "trace", path)
	cmd.Dir = r.root
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // not stopped by the terminal's Ctrl-C meant for make
	if err := cmd.Start(); err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "Started go tool trace (process %d): it opens your browser; its address is in %s.\nStop it with: kill %d\n",
		cmd.Process.Pid, relTo(r.root, logPath), cmd.Process.Pid)
	return cmd.Process.Release()
}

// tracedKatas are the katas `kata trace` has a program for: its main
// package is cmd/kata/internal/traced/<kata folder>.
var tracedKatas = map[int]bool{4: true, 11: true}

// tracedDir holds the trace programs' packages, relative to the repository root.
const tracedDir = "cmd/kata/internal/traced"
