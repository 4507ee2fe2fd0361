package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

// TestFixtures runs the kata-like suites of testdata/fixtures, whose learner
// code misbehaves on purpose (deadlocks, endless loops, panics, os.Exit,
// leaks, races, a cleanup that never returns), and checks that the harness
// never hangs, never flakes and never lies about them: each run ends within
// its configured timeouts, fails, names the cause and the learner's line,
// still runs the next spec where that is possible, and leaves no process
// behind.
//
// Each fixture is built once (all in one go test -c -race) and its binary
// run the way go test runs it (in the package's folder), in a process group
// of its own that a hard deadline kills, so this test can never hang
// either. Durations are measured on the runs alone, not the build.
func TestFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs ten fixture suites under -race (about 30 s): skipped with -short")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("the fixtures' process checks need Linux's /proc")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH: " + err.Error())
	}
	bin := t.TempDir()
	var pkgs []string
	for _, f := range fixtures {
		pkgs = append(pkgs, "./harness/testdata/fixtures/"+f.name)
	}
	build := exec.Command(goTool, append([]string{"test", "-c", "-race", "-o", bin + "/"}, pkgs...)...)
	build.Dir = ".."
	if out, code, _, err := runBounded(build, 5*time.Minute); err != nil || code != 0 {
		t.Fatalf("building the fixtures failed (exit %d, %v):\n%s", code, err, out)
	}

	slots := make(chan struct{}, 2) // two cores: two fixtures at a time
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			r := runFixture(t, filepath.Join(bin, f.name+".test"), f)
			if t.Failed() || testing.Verbose() {
				t.Logf("exit %d after %s; output:\n%s", r.code, r.elapsed.Round(time.Millisecond), r.out)
			}
		})
	}
}

// The fixtures' budget: their specs carry SpecTimeout(fixtureTimeout), and
// RunSuite gives a timed-out spec harness.GracePeriod to return.
const (
	fixtureTimeout = 2 * time.Second
	// slack covers start-up, leak checks and a loaded machine.
	slack = 15 * time.Second
	// hardSlack is when a run is killed: it would then have hung.
	hardSlack = time.Minute
)

// A fixture is one suite of testdata/fixtures and what its run must show.
type fixture struct {
	name string
	// abandoned is how many specs run into their timeout and then the grace
	// period: the run's time budget is abandoned × (timeout + grace) + slack.
	abandoned int
	// timedOut is how many specs run into their timeout at least: the run
	// cannot end earlier than timedOut × timeout.
	timedOut int
	check    func(t *testing.T, r fixtureRun)
}

// A fixtureRun is what one run of a fixture showed.
type fixtureRun struct {
	dir     string // the fixture's folder
	out     string // stdout and stderr
	code    int    // exit code
	elapsed time.Duration
	report  *types.Report // nil when the binary died before writing it
}

var fixtures = []fixture{
	{name: "deadlock", abandoned: 2, timedOut: 2, check: func(t *testing.T, r fixtureRun) {
		r.wantEnded(t, "receives a result", types.SpecStateTimedout, r.line(t, "deadlock.go", "BLOCKS: nobody sends"))
		r.wantEnded(t, "waits for its workers", types.SpecStateTimedout, r.line(t, "deadlock.go", "BLOCKS: Done is never called"))
		r.wantPassedAfter(t, "adds after the deadlocks", "waits for its workers")
		wantOutput(t, r, "[TIMEDOUT] A spec timeout occurred")
	}},
	{name: "spin", abandoned: 2, timedOut: 2, check: func(t *testing.T, r fixtureRun) {
		s := r.wantEnded(t, "counts", types.SpecStateTimedout)
		// Preempted anywhere in the loop: its first line or its body.
		l := r.line(t, "spin.go", "SPINS")
		next := nextLine(l)
		if !strings.Contains(failureText(s), l) && !strings.Contains(failureText(s), next) {
			t.Errorf("the timed-out spec's report does not name the endless loop (%s or %s):\n%s", l, next, failureText(s))
		}
		// An empty loop is a lone jump without a line of its own (Go prints
		// line 1 of the file): the report can name only the function.
		r.wantEnded(t, "waits", types.SpecStateTimedout, "fixtures/spin.Wait(")
		r.wantPassedAfter(t, "adds after the endless loops", "waits")
	}},
	{name: "gopanic", check: func(t *testing.T, r fixtureRun) {
		// Nothing can catch a panic in a goroutine: the binary dies at once,
		// before Ginkgo writes its report, and the later specs never run.
		wantOutput(t, r, "panic: runtime error: index out of range [3] with length 3")
		wantOutput(t, r, r.line(t, "gopanic.go", "PANICS"))
		if r.code != 2 {
			t.Errorf("exit code %d; want 2 (the Go runtime's exit code after a panic)", r.code)
		}
		if r.report != nil {
			t.Errorf("a report was written; the binary should have died first")
		}
	}},
	{name: "osexit0", check: func(t *testing.T, r fixtureRun) {
		// testing turns os.Exit(0) into a panic, which Ginkgo catches.
		r.wantEnded(t, "checks an error", types.SpecStatePanicked,
			"unexpected call to os.Exit(0) during test", r.line(t, "osexit0.go", "EXITS"))
		r.wantPassedAfter(t, "adds after the exit", "checks an error")
	}},
	{name: "osexit1", check: func(t *testing.T, r fixtureRun) {
		// os.Exit(1) ends the process: no report, no summary; only what the
		// learner's code printed, and the exit code.
		wantOutput(t, r, "error: the server said 500")
		if r.code != 1 {
			t.Errorf("exit code %d; want 1, the learner's own", r.code)
		}
		if r.report != nil || strings.Contains(r.out, "Ran ") {
			t.Errorf("Ginkgo reported a result; the process should have ended first")
		}
	}},
	{name: "virtualrace", check: func(t *testing.T, r fixtureRun) {
		// Inside a synctest bubble the race detector fails the bubble's own
		// test, and synctest.Test ends with FailNow: Virtual names the race,
		// where Ginkgo alone would say "Test Panicked <nil>".
		r.wantEnded(t, "counts on two goroutines in a bubble", types.SpecStateFailed,
			"data race detected: read the WARNING: DATA RACE report above, its two stacks point into your code")
		wantOutput(t, r, "WARNING: DATA RACE")
		wantOutput(t, r, r.line(t, "virtualrace.go", "RACES"))
		if strings.Contains(r.out, "Test Panicked") {
			t.Errorf("the race was reported as a panic:\n%s", r.out)
		}
		r.wantPassedAfter(t, "adds after the race", "counts on two goroutines in a bubble")
	}},
	{name: "leak", check: func(t *testing.T, r fixtureRun) {
		r.wantEnded(t, "returns the first answer", types.SpecStateFailed,
			"Goroutines were still running after the spec ended: a goroutine leak.", r.line(t, "leak.go", "LEAKS"))
		r.wantPassedAfter(t, "adds after the leak", "returns the first answer")
	}},
	{name: "procleak", check: func(t *testing.T, r fixtureRun) {
		r.wantEnded(t, "starts a helper", types.SpecStateFailed,
			"Processes started during the spec were still there after it ended: a process leak.", "sleep 60 (still running)")
		r.wantPassedAfter(t, "adds after the leak", "starts a helper")
	}},
	{name: "race", check: func(t *testing.T, r fixtureRun) {
		// The race detector fails the test, not a spec: Ginkgo's own
		// summary says every spec passed, and the harness's note says why
		// the run fails all the same.
		wantOutput(t, r, "WARNING: DATA RACE")
		wantOutput(t, r, r.line(t, "race.go", "RACES"))
		wantOutput(t, r, "race detected during execution of test")
		wantOutput(t, r, "Every spec passed. If the race detector reported a \"WARNING: DATA RACE\" above")
		r.wantEnded(t, "counts on two goroutines", types.SpecStatePassed)
		r.wantPassedAfter(t, "adds after the race", "counts on two goroutines")
		if r.code != 1 {
			t.Errorf("exit code %d; want 1 (the test failed)", r.code)
		}
	}},
	{name: "cleanup", timedOut: 1, abandoned: 1, check: func(t *testing.T, r fixtureRun) {
		s := r.wantEnded(t, "closes the server after the spec", types.SpecStateTimedout)
		if s.Failure.FailureNodeType != types.NodeTypeCleanupAfterEach {
			t.Errorf("the timeout was reported in %s; want the DeferCleanup", s.Failure.FailureNodeType)
		}
		r.wantNames(t, s, r.line(t, "cleanup.go", "BLOCKS"))
		r.wantPassedAfter(t, "adds after the blocked cleanup", "closes the server after the spec")
	}},
}

// runFixture runs one fixture's binary and checks what every run must show,
// then the fixture's own checks.
func runFixture(t *testing.T, binary string, f fixture) fixtureRun {
	dir, err := filepath.Abs(filepath.Join("testdata", "fixtures", f.name))
	if err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(t.TempDir(), "report.json")
	// The flags go test gives a test binary, then ours.
	cmd := exec.Command(binary, "-test.paniconexit0", "-test.timeout=10m0s", "-test.count=1", "-ginkgo.no-color", "-ginkgo.json-report="+reportPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	budget := time.Duration(f.abandoned)*(fixtureTimeout+harness.GracePeriod) + slack
	out, code, elapsed, err := runBounded(cmd, budget+hardSlack)
	r := fixtureRun{dir: dir, out: out, code: code, elapsed: elapsed}
	if err != nil {
		t.Fatalf("the run broke a hard rule (it must end, and leave no process behind): %v\n%s", err, out)
	}
	if b, err := os.ReadFile(reportPath); err == nil {
		var reports []types.Report
		if err := json.Unmarshal(b, &reports); err != nil || len(reports) != 1 {
			t.Fatalf("unreadable report (%v):\n%s", err, b)
		}
		r.report = &reports[0]
	}

	if code == 0 {
		t.Errorf("the run passed; a misbehaving fixture must fail it")
	}
	if elapsed > budget {
		t.Errorf("the run took %s; its timeouts allow %s (%d × (%s + %s grace) + %s)",
			elapsed.Round(time.Millisecond), budget, f.abandoned, fixtureTimeout, harness.GracePeriod, slack)
	}
	if least := time.Duration(f.timedOut) * fixtureTimeout; elapsed < least {
		t.Errorf("the run took %s, less than its %d spec timeouts (%s): it ended for another reason", elapsed, f.timedOut, least)
	}
	f.check(t, r)
	return r
}

// runBounded runs cmd in a process group of its own and returns its output,
// exit code and run time. After limit the whole group is killed; then, and
// in any case once cmd ended, every process left in the group is killed,
// and reported as an error: nothing of a fixture may outlive its run.
func runBounded(cmd *exec.Cmd, limit time.Duration) (string, int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", -1, 0, err
	}
	group := cmd.Process.Pid
	stop := context.AfterFunc(ctx, func() { _ = syscall.Kill(-group, syscall.SIGKILL) })
	defer stop()
	werr := cmd.Wait()
	elapsed := time.Since(start)
	left := groupMembers(group)
	_ = syscall.Kill(-group, syscall.SIGKILL)
	code := cmd.ProcessState.ExitCode()
	switch {
	case ctx.Err() != nil:
		return buf.String(), code, elapsed, fmt.Errorf("killed after %s: %w", limit, ctx.Err())
	case len(left) > 0:
		return buf.String(), code, elapsed, fmt.Errorf("processes left behind: %v", left)
	}
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return buf.String(), code, elapsed, werr
	}
	return buf.String(), code, elapsed, nil
}

// groupMembers returns the live processes of process group g (children,
// grandchildren and orphans of a run all stay in its group).
func groupMembers(g int) []proc.Process {
	all, err := proc.Scan()
	if err != nil {
		return nil
	}
	var out []proc.Process
	for _, p := range all {
		if p.PGID == g && !p.Zombie() {
			out = append(out, p)
		}
	}
	return out
}

// spec returns the report of the spec whose text is text.
func (r fixtureRun) spec(t *testing.T, text string) types.SpecReport {
	t.Helper()
	if r.report == nil {
		t.Fatalf("no report: the suite did not end normally")
	}
	for _, s := range r.report.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && s.LeafNodeText == text {
			return s
		}
	}
	t.Fatalf("no spec %q in the report", text)
	return types.SpecReport{}
}

// wantPassedAfter checks that the well-behaved spec good passed, and ran
// after the misbehaving spec bad.
func (r fixtureRun) wantPassedAfter(t *testing.T, goodPrefix, bad string) {
	t.Helper()
	b := r.spec(t, bad)
	for _, s := range r.report.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && strings.HasPrefix(s.LeafNodeText, goodPrefix) {
			wantState(t, s, types.SpecStatePassed)
			if !s.StartTime.After(b.StartTime) {
				t.Errorf("%q ran before %q; the check needs it after", s.LeafNodeText, bad)
			}
			return
		}
	}
	t.Errorf("no spec %q… in the report", goodPrefix)
}

// wantEnded checks that the spec whose text is text ended in state want
// and that its failure names each of names (see wantNames); it returns the
// spec's report.
func (r fixtureRun) wantEnded(t *testing.T, text string, want types.SpecState, names ...string) types.SpecReport {
	t.Helper()
	s := r.spec(t, text)
	wantState(t, s, want)
	for _, what := range names {
		r.wantNames(t, s, what)
	}
	return s
}

// wantNames checks that spec s's failure (message, location, progress
// report with its goroutines' stacks) contains what.
func (r fixtureRun) wantNames(t *testing.T, s types.SpecReport, what string) {
	t.Helper()
	if !strings.Contains(failureText(s), what) {
		t.Errorf("the failure of %q does not name %q:\n%s", s.LeafNodeText, what, failureText(s))
	}
}

// failureText is everything a spec's failure says: message, panic,
// location, stack trace and the stacks of its progress report ("…/file.go:12"), additional failures
// included.
func failureText(s types.SpecReport) string {
	var b strings.Builder
	for _, f := range append([]types.Failure{s.Failure}, failuresOf(s.AdditionalFailures)...) {
		fmt.Fprintf(&b, "%s\n%s\n%s\n%s\n", f.Message, f.ForwardedPanic, f.Location, f.Location.FullStackTrace)
		for _, g := range f.ProgressReport.Goroutines {
			for _, c := range g.Stack {
				fmt.Fprintf(&b, "  %s\n    %s:%d\n", c.Function, c.Filename, c.Line)
			}
		}
	}
	return b.String()
}

func failuresOf(as []types.AdditionalFailure) []types.Failure {
	var out []types.Failure
	for _, a := range as {
		out = append(out, a.Failure)
	}
	return out
}

func wantState(t *testing.T, s types.SpecReport, want types.SpecState) {
	t.Helper()
	if s.State != want {
		t.Errorf("spec %q: state %s; want %s", s.LeafNodeText, s.State, want)
	}
}

func wantOutput(t *testing.T, r fixtureRun, what string) {
	t.Helper()
	if !strings.Contains(r.out, what) {
		t.Errorf("the output does not contain %q", what)
	}
}

// line returns "file:N" for the line of the fixture's file that holds mark.
func (r fixtureRun) line(t *testing.T, file, mark string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, file))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, mark) {
			return file + ":" + strconv.Itoa(i+1)
		}
	}
	t.Fatalf("no line of %s holds %q", file, mark)
	return ""
}

// nextLine turns "file:N" into "file:N+1".
func nextLine(fileLine string) string {
	m := regexp.MustCompile(`^(.*):(\d+)$`).FindStringSubmatch(fileLine)
	n, _ := strconv.Atoi(m[2])
	return m[1] + ":" + strconv.Itoa(n+1)
}
