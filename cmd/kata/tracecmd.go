package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

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
	src, ok := traceSources[k.Num]
	if !ok {
		return usageError{fmt.Sprintf("trace works for the CPU katas 04 and 11, not %s: the others wait for the network, which the execution tracer shows as idle processors", k.Dir)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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
	bin, err := r.buildTraceProgram(ctx, k, src, *ref)
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
	var runs []traceRun
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

// A traceRun is one recording the traced program made, as its manifest
// (NN.json) lists it.
type traceRun struct {
	Label      string `json:"label"`      // what ran, for the picture
	Trace      string `json:"trace"`      // the file, in the same folder
	Region     string `json:"region"`     // the tasks' region type
	GOMAXPROCS int    `json:"gomaxprocs"` // during the run
}

// buildTraceProgram writes the program that runs kata k's CPU work under the
// tracer, and builds it (over the reference solution if ref), without the
// race detector: the picture is of the real speed.
func (r *runner) buildTraceProgram(ctx context.Context, k kata, src string, ref bool) (string, error) {
	module, err := verModulePath(r.root)
	if err != nil {
		return "", err
	}
	name := k.Dir
	if ref {
		name += "-solution"
	}
	dir := filepath.Join(r.root, ".kata", "trace", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	code, err := format.Source([]byte(strings.NewReplacer("MODULE", module, "KATADIR", k.Dir).Replace(src)))
	if err != nil {
		return "", fmt.Errorf("generated trace program of kata %s: %w", k.Dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), code, 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "trace")
	args := []string{"build", "-o", bin}
	if ref {
		ov, err := k.solutionOverlay(r.root)
		if err != nil {
			return "", err
		}
		ovPath, err := writeOverlay(r.root, k.Dir+"-trace-solution", ov)
		if err != nil {
			return "", err
		}
		args = append(args, "-overlay="+ovPath)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, filepath.Join(dir, "main.go"))...)
	cmd.Dir = r.root
	cmd.Env = kataEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("kata %s does not build:\n%s\nFix it (make kata N=%d shows the same errors), or trace the reference: make trace N=%d REF=1",
				k.Dir, strings.TrimSpace(string(out)), k.Num, k.Num)
		}
		return "", err
	}
	return bin, nil
}

// traceSources are the programs `kata trace` runs, by kata number. Each
// takes the output folder and a file-name stem, records its runs, and
// writes <stem>.json listing them (a []traceRun).
var traceSources = map[int]string{
	4: `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"MODULE/harness/cputrace"
	"MODULE/harness/workload"
	poolcpu "MODULE/katas/KATADIR"
)

func main() {
	out, stem, whose := os.Args[1], os.Args[2], os.Args[3]
	numbers := workload.CPUNumbers()[:8]
	const workers = 4
	var runs []map[string]any
	record := func(suffix, label string) {
		var err error
		rec, terr := cputrace.Record(func() { _, err = poolcpu.FindSums(context.Background(), numbers, workers) })
		if terr != nil {
			fail(terr)
		}
		if err != nil {
			fail(fmt.Errorf("FindSums: %w", err))
		}
		file := stem + suffix + ".trace"
		if err := os.WriteFile(filepath.Join(out, file), rec.Raw, 0o644); err != nil {
			fail(err)
		}
		runs = append(runs, map[string]any{"label": label, "trace": file, "region": workload.SumOfSquaresRegion, "gomaxprocs": rec.GOMAXPROCS})
	}
	workload.SumOfSquares(numbers[0]) // warm up
	record("", fmt.Sprintf("%s FindSums: %d numbers, %d workers, GOMAXPROCS=%d", whose, len(numbers), workers, runtime.GOMAXPROCS(0)))
	runtime.GOMAXPROCS(1)
	record("-gomaxprocs1", fmt.Sprintf("The same with GOMAXPROCS=1: %d workers take turns on one processor", workers))
	b, _ := json.Marshal(runs)
	if err := os.WriteFile(filepath.Join(out, stem+".json"), b, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`,
	11: `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"MODULE/fakeserver"
	"MODULE/harness/cputrace"
	"MODULE/harness/web"
	"MODULE/harness/workload"
	choose "MODULE/katas/KATADIR"
)

func main() {
	out, stem, whose := os.Args[1], os.Args[2], os.Args[3]
	srv := fakeserver.New(fakeserver.WithLatency(20 * time.Millisecond))
	defer srv.Close()
	site := web.NewSite(srv)
	urls := fakeserver.Sites(srv.URL)
	digest := func(body []byte) uint64 { return workload.Digest(body, workload.DigestRounds) }
	var runs []map[string]any
	record := func(suffix, label string) {
		plan := choose.Plan{Downloaders: 8, Digesters: runtime.GOMAXPROCS(0)}
		var err error
		rec, terr := cputrace.Record(func() { _, err = choose.Run(context.Background(), site.NewSession, urls, plan, digest) })
		if terr != nil {
			fail(terr)
		}
		if err != nil {
			fail(fmt.Errorf("Run: %w", err))
		}
		file := stem + suffix + ".trace"
		if err := os.WriteFile(filepath.Join(out, file), rec.Raw, 0o644); err != nil {
			fail(err)
		}
		runs = append(runs, map[string]any{"label": fmt.Sprintf(label, plan.Downloaders, plan.Digesters), "trace": file, "region": workload.DigestRegion, "gomaxprocs": rec.GOMAXPROCS})
	}
	record("", fmt.Sprintf("%s Run: %d pages, 20 ms latency, %%d downloaders, %%d digesters, GOMAXPROCS=%d", whose, len(urls), runtime.GOMAXPROCS(0)))
	runtime.GOMAXPROCS(1)
	record("-gomaxprocs1", "The same with GOMAXPROCS=1: %d downloaders, %d digester, one processor")
	b, _ := json.Marshal(runs)
	if err := os.WriteFile(filepath.Join(out, stem+".json"), b, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`,
}

// verModulePath reads the module line of root/go.mod.
func verModulePath(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1], nil
		}
	}
	return "", errors.New("go.mod has no module line")
}
