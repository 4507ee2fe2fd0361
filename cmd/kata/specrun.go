package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// The learner's side of the tool (progress, next, hint, grade) runs a kata's
// specs against the learner's own files and sums the result up as a state.

// kataState is where a learner stands on one kata.
type kataState int

const (
	stateNotStarted kataState = iota // the stub as it came, or every spec panics "is not implemented yet"
	stateFailing                     // some learner spec fails (or the run fails: a data race)
	stateSolved                      // every learner spec passes and the run succeeds
	stateBroken                      // no report: does not build, or the test binary crashed
)

func (s kataState) String() string {
	switch s {
	case stateNotStarted:
		return "not started"
	case stateFailing:
		return "failing"
	case stateSolved:
		return "solved"
	default:
		return "broken"
	}
}

// notImplemented is what every stub's panic says.
const notImplemented = "is not implemented yet"

// kataResult sums up one run of a kata's specs on the learner's files.
// Specs labelled "harness" (they do not exercise learner code) are not
// counted. A spec that skipped itself for a stated reason (Skip("...")) counts
// as passed, and its reason is kept in Skipped so that every tool says so.
type kataResult struct {
	Dir          string        `json:"dir"`
	Hash         string        `json:"hash"` // of the kata's .go files when it ran
	State        kataState     `json:"state"`
	Passed       int           `json:"passed"` // self-skipped specs included
	Total        int           `json:"total"`
	Skipped      []string      `json:"skipped,omitempty"`       // the reasons of the specs that skipped themselves
	FailingTasks []int         `json:"failing_tasks,omitempty"` // task numbers of failed specs, ascending
	Note         string        `json:"note,omitempty"`          // why broken, or what failed the run
	LogPath      string        `json:"-"`
	Elapsed      time.Duration `json:"-"`
}

// taskRE finds the task number in a spec's full text ("Task 2: a bounded pool ...").
var taskRE = regexp.MustCompile(`\bTask ([0-9]+)\b`)

// specTask is the task number of a spec, 0 when its text names none.
func specTask(s types.SpecReport) int {
	m := taskRE.FindStringSubmatch(s.FullText())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// selfSkipped reports whether s skipped itself and says why: Skip("...")
// leaves its reason in the failure message, where a spec skipped by a focus
// or a label filter has none.
func selfSkipped(s types.SpecReport) bool {
	return s.State == types.SpecStateSkipped && strings.TrimSpace(s.Failure.Message) != ""
}

// isNotImplemented reports whether s failed on a stub's panic ("... is not
// implemented yet").
func isNotImplemented(s types.SpecReport) bool {
	return strings.Contains(s.Failure.Message, notImplemented) || strings.Contains(s.Failure.ForwardedPanic, notImplemented)
}

// classify turns one run of the learner's files into a kataResult. It is
// the one judgement behind progress, next, grade and kata: pristine says
// that the learner's files are the stub as committed (see isPristine), which
// is "not started" whatever its specs do (some stubs are wrong versions that
// run, not panics).
func classify(dir string, o runOutcome, pristine bool) kataResult {
	res := kataResult{Dir: dir}
	if o.Reports == nil {
		res.State = stateBroken
		res.Note = noReport(o).Note
		if pristine {
			res.State, res.Note = stateNotStarted, ""
		}
		return res
	}
	tasks := map[int]bool{}
	allNotImplemented := true
	for _, s := range itSpecs(o.Reports) {
		if hasLabel(s, harnessLabel) {
			continue
		}
		res.Total++
		switch {
		case s.State.Is(types.SpecStatePassed):
			res.Passed++
			continue
		case selfSkipped(s):
			res.Passed++
			res.Skipped = append(res.Skipped, failureLine(s))
			continue
		case s.State.Is(types.SpecStateFailureStates):
			if !isNotImplemented(s) {
				allNotImplemented = false
			}
		default: // skipped by a filter, or pending: not passing, not a sign of work either
		}
		if t := specTask(s); t > 0 {
			tasks[t] = true
		}
	}
	for t := range tasks {
		res.FailingTasks = append(res.FailingTasks, t)
	}
	slices.Sort(res.FailingTasks)
	suiteFailed := len(failedNodes(o.Reports)) > 0 || o.ExitCode != 0
	switch {
	case pristine:
		res.State = stateNotStarted
	case res.Total == 0:
		res.State = stateBroken
		res.Note = "the report holds no learner spec"
	case res.Passed == res.Total && !suiteFailed:
		res.State = stateSolved
	case res.Passed == 0 && allNotImplemented:
		res.State = stateNotStarted
	default:
		res.State = stateFailing
		if res.Passed == res.Total {
			res.Note = "every spec passed but the run failed"
			if strings.Contains(o.Output, "WARNING: DATA RACE") {
				res.Note = "every spec passed but the race detector found a DATA RACE"
			}
			for _, n := range suiteNotes(o.Reports) {
				res.Note += "; " + n
			}
		}
	}
	return res
}

// skipNote says which specs skipped themselves and why: "1 skipped: the
// machine is too busy ...". Long reasons are cut; `make kata` shows them whole.
func (res kataResult) skipNote() string {
	if len(res.Skipped) == 0 {
		return ""
	}
	reason := res.Skipped[0]
	if r := []rune(reason); len(r) > 90 {
		reason = string(r[:89]) + "…"
	}
	if len(res.Skipped) > 1 {
		reason += fmt.Sprintf("; and %d more", len(res.Skipped)-1)
	}
	return fmt.Sprintf("%d skipped: %s", len(res.Skipped), reason)
}

// stateLine is the state with what qualifies it, for tables: "solved (1
// skipped: ...)", "broken: does not build".
func (res kataResult) stateLine() string {
	s := res.State.String()
	if res.State == stateBroken && res.Note != "" {
		s += ": " + res.Note
	}
	if n := res.skipNote(); n != "" && res.State != stateNotStarted {
		s += " (" + n + ")"
	}
	return s
}

// summary is the result as one phrase: "failing: 5 of 12 specs pass (tasks 3, 4)".
func (res kataResult) summary() string {
	skip := ""
	if n := res.skipNote(); n != "" {
		skip = " (" + n + ")"
	}
	switch res.State {
	case stateNotStarted:
		return "not started"
	case stateSolved:
		return fmt.Sprintf("solved: all %d specs pass%s", res.Total, skip)
	case stateBroken:
		return "broken: " + res.Note
	}
	s := fmt.Sprintf("failing: %d of %d specs pass%s", res.Passed, res.Total, skip)
	if len(res.FailingTasks) > 0 {
		var ts []string
		for _, t := range res.FailingTasks {
			ts = append(ts, strconv.Itoa(t))
		}
		word := "task"
		if len(ts) > 1 {
			word = "tasks"
		}
		s += fmt.Sprintf(" (%s %s to do)", word, strings.Join(ts, ", "))
	}
	if res.Note != "" {
		s += "; " + res.Note
	}
	return s
}

// runLearnerSpecs runs the kata's specs once under -race on the learner's
// files, with a JSON report (and a JUnit report when junitPath is set), and
// classifies the outcome. err is a failure of the tool, not of the specs.
func (r *runner) runLearnerSpecs(ctx context.Context, k kata, what, junitPath string) (kataResult, error) {
	res, _, err := r.runSpecs(ctx, k, specRun{What: what, JUnit: junitPath, Keep: true})
	return res, err
}

// specRun says how runSpecs runs a kata's specs.
type specRun struct {
	What  string    // names the report and the log: .kata/reports/NN-name-<What>.json
	JUnit string    // where a JUnit report goes ("": none)
	Flags []string  // more flags for the test binary (-ginkgo.focus=..., -ginkgo.v)
	Tee   io.Writer // also gets the output as it comes (nil: nobody)
	Keep  bool      // keep the result in .kata/progress.json (a whole run, not a focused one)
	Color bool      // Ginkgo's colours in the output (for a terminal)
}

// runSpecs runs `go test -race -count=1` on the kata's package with a JSON
// report, and classifies the outcome. It is plain go test plus report flags,
// so it costs what `go test -race ./katas/NN-name` costs. err is a failure of
// the tool, not of the specs.
func (r *runner) runSpecs(ctx context.Context, k kata, sr specRun) (kataResult, runOutcome, error) {
	base := k.Dir + "-" + sr.What
	reportPath := filepath.Join(r.root, ".kata", "reports", base+".json")
	logPath := filepath.Join(r.root, ".kata", "logs", base+".log")
	if err := os.MkdirAll(filepath.Dir(reportPath), 0o755); err != nil {
		return kataResult{}, runOutcome{}, err
	}
	_ = os.Remove(reportPath) // never read a stale report
	hash, err := k.sourceHash(r.root)
	if err != nil {
		return kataResult{}, runOutcome{}, err
	}
	// Whether the files are the stub as committed asks git; it runs beside
	// the specs, so it costs no time.
	pristine := make(chan bool, 1)
	go func() { pristine <- r.isPristine(k) }()
	args := []string{"test", "-race", "-count=1", "-ginkgo.json-report=" + reportPath}
	if !sr.Color {
		args = append(args, "-ginkgo.no-color")
	}
	if sr.JUnit != "" {
		args = append(args, "-ginkgo.junit-report="+sr.JUnit)
	}
	args = append(args, sr.Flags...)
	t0 := time.Now()
	var tee []io.Writer
	if sr.Tee != nil {
		tee = append(tee, sr.Tee)
	}
	code, out, err := runProgramLogged(ctx, "go", k.path(r.root), logPath, args, tee...)
	if err != nil {
		return kataResult{}, runOutcome{}, fmt.Errorf("go test in katas/%s: %w", k.Dir, err)
	}
	o := runOutcome{ExitCode: code, Output: out}
	if reports, err := loadReports(reportPath); err == nil {
		o.Reports = reports
	}
	res := classify(k.Dir, o, <-pristine)
	res.Hash, res.LogPath, res.Elapsed = hash, logPath, time.Since(t0)
	if sr.Keep && ctx.Err() == nil {
		_ = r.saveResult(res)
	}
	return res, o, nil
}

// sourceHash identifies the kata's code as it is now: every .go file
// directly in its folder (the learner's files and the specs).
func (k kata) sourceHash(root string) (string, error) {
	files, err := filepath.Glob(k.path(root, "*.go"))
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	// The judgement's version: results kept by an older classify (one that
	// counted self-skipped specs as failing) are not reused.
	fmt.Fprintln(h, "classify 2")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// The last result of each kata is kept in .kata/progress.json, so that
// `next` and `hint` need not run specs that have not changed since.
var resultsMu sync.Mutex

func (r *runner) resultsPath() string { return filepath.Join(r.root, ".kata", "progress.json") }

func (r *runner) loadResults() map[string]kataResult {
	out := map[string]kataResult{}
	data, err := os.ReadFile(r.resultsPath())
	if err == nil {
		_ = json.Unmarshal(data, &out) // a damaged cache is an empty one
	}
	return out
}

func (r *runner) saveResult(res kataResult) error {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	all := r.loadResults()
	all[res.Dir] = res
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(r.resultsPath()), 0o755); err != nil {
		return err
	}
	return os.WriteFile(r.resultsPath(), data, 0o644)
}

// cachedResult is the kept result of k if its code has not changed since.
func (r *runner) cachedResult(k kata) (kataResult, bool) {
	res, ok := r.loadResults()[k.Dir]
	if !ok {
		return kataResult{}, false
	}
	hash, err := k.sourceHash(r.root)
	if err != nil || hash != res.Hash {
		return kataResult{}, false
	}
	return res, true
}

// currentResult is k's state now: "not started" straight away when the
// learner's files are the stub as committed (see stubFiles), else the kept
// result if the code has not changed, else a fresh quiet run.
func (r *runner) currentResult(ctx context.Context, k kata) (kataResult, error) {
	if r.isPristine(k) {
		return kataResult{Dir: k.Dir, State: stateNotStarted}, nil
	}
	if res, ok := r.cachedResult(k); ok {
		return res, nil
	}
	fmt.Fprintf(r.stderr, "running kata %s's specs (go test -race)...\n", k.Dir)
	return r.runLearnerSpecs(ctx, k, "progress", "")
}
