package main

import (
	"context"
	"os"
	"strings"
)

// The stress and mutant-rounds commands build a kata's test binary once and
// run it many times: a run then costs the specs alone, not go test's build.

// buildTestBinary compiles kata k's specs, with overlay laid over its files
// (written under .kata/overlays/<overlayName>), into bin: go test -c -race,
// its output in logPath. The verdict fails, saying why, when there is no
// binary to run.
func (r *runner) buildTestBinary(ctx context.Context, k kata, overlay map[string]string, overlayName, bin, logPath string) verdict {
	p, err := writeOverlay(r.root, overlayName, overlay)
	if err != nil {
		return fail("%v", err)
	}
	_ = os.Remove(bin)
	args := []string{"test", "-c", "-race", proofLinkFlags, "-overlay=" + p, "-o", bin, "."}
	code, out, err := runProgramLogged(ctx, "go", k.path(r.root), logPath, args)
	switch {
	case err != nil:
		return fail("go %s: %v", strings.Join(args, " "), err)
	case code != 0:
		v := fail("go test -c failed (exit %d)", code)
		v.Detail = strings.Split(lastLines(out, tailLines), "\n")
		return v
	case !isFile(bin):
		return fail("go test -c wrote no binary (no test files?)")
	}
	return pass("built")
}

// runTestBinary runs kata k's test binary bin once, as go test runs one (in
// the package's folder), its output in logPath, and reads the Ginkgo JSON
// report it writes to reportPath (removed before and after). flags are more
// test flags; env more environment ("GOMAXPROCS=1").
func (r *runner) runTestBinary(ctx context.Context, k kata, bin, reportPath, logPath string, flags, env []string) runOutcome {
	_ = os.Remove(reportPath) // never read a stale report
	defer os.Remove(reportPath)
	args := append([]string{"-test.paniconexit0", "-test.count=1", "-ginkgo.no-color", "-ginkgo.json-report=" + reportPath}, flags...)
	code, out, err := runProgramEnv(ctx, bin, k.path(r.root), logPath, args, env)
	o := runOutcome{ExitCode: code, Output: out}
	if err != nil {
		o.Output += "\n" + err.Error()
	}
	if reports, err := loadReports(reportPath); err == nil {
		o.Reports = reports
	}
	return o
}
