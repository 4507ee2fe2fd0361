package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The soak commands, stress and orders, share one shape: build each kata's
// test binary once with its reference solution laid over, run it many ways,
// kata after kata until Ctrl-C, print what failed, and exit 130 when
// interrupted, 1 when a run failed.

// soak runs one kata after another (run), until Ctrl-C or SIGTERM stops the
// rest, then hands what ran to report, which prints it and returns how many
// runs failed. It returns exitCode(130) when interrupted (saying that the
// figures are partial), exitCode(1) when a run failed or a kata did not run,
// and nil otherwise.
func soak[T any](r *runner, katas []kata, run func(context.Context, kata) T, report func([]T) (failed int)) error {
	ctx, stop := untilInterrupted()
	defer stop()
	var results []T
	for _, k := range katas {
		if ctx.Err() != nil {
			break
		}
		results = append(results, run(ctx, k))
	}
	failed := report(results)
	if ctx.Err() != nil {
		fmt.Fprintln(r.stdout, "interrupted (Ctrl-C): the figures cover the runs that ended")
		return exitCode(130)
	}
	if failed > 0 || len(results) < len(katas) {
		return exitCode(1)
	}
	return nil
}

// A solutionBinary is kata k's test binary with its reference solution laid
// over, built once for a soak command named what: it lives in
// .kata/<what>/, its logs in .kata/logs/<what>/.
type solutionBinary struct {
	Dir, LogDir string
	Path        string // .kata/<what>/<kata>.test
	BuildLog    string
	Build       verdict // runs happen only if OK
}

// buildSolutionBinary makes the folders and builds kata k's binary (go test
// -c -race, the solution overlaid), saying so on stdout first.
func (r *runner) buildSolutionBinary(ctx context.Context, k kata, what string) solutionBinary {
	b := solutionBinary{
		Dir:    filepath.Join(r.root, ".kata", what),
		LogDir: filepath.Join(r.root, ".kata", "logs", what),
	}
	_ = os.MkdirAll(b.Dir, 0o755)
	_ = os.MkdirAll(b.LogDir, 0o755)
	b.Path = filepath.Join(b.Dir, k.Dir+".test")
	b.BuildLog = filepath.Join(b.LogDir, k.Dir+"-build.log")
	fmt.Fprintf(r.stdout, "%s: building the test binary (-race, solution overlaid)\n", k.Dir)
	ov, err := k.solutionOverlay(r.root)
	if err != nil {
		b.Build = fail("%v", err)
		return b
	}
	b.Build = r.buildTestBinary(ctx, k, ov, k.Dir+"-"+what, b.Path, b.BuildLog)
	return b
}

// writeFailedRun prints one failed run after a soak command's table: the
// heading and the verdict's note, its detail lines, and where its log is.
func writeFailedRun(w io.Writer, root, heading string, v verdict, logPath string) {
	fmt.Fprintf(w, "\n-- %s: %s\n", heading, v.Note)
	for _, d := range v.Detail {
		fmt.Fprintf(w, "   %s\n", d)
	}
	fmt.Fprintf(w, "   log: %s\n", relTo(root, logPath))
}
