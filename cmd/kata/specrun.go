package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
// counted.
type kataResult struct {
	Dir          string        `json:"dir"`
	Hash         string        `json:"hash"` // of the kata's .go files when it ran
	State        kataState     `json:"state"`
	Passed       int           `json:"passed"`
	Total        int           `json:"total"`
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

// classify turns one run of the learner's files into a kataResult.
func classify(dir string, o runOutcome) kataResult {
	res := kataResult{Dir: dir}
	if o.Reports == nil {
		res.State = stateBroken
		res.Note = noReport(o).Note
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
		case s.State.Is(types.SpecStateFailureStates):
			if !strings.Contains(s.Failure.Message, notImplemented) && !strings.Contains(s.Failure.ForwardedPanic, notImplemented) {
				allNotImplemented = false
			}
		default: // skipped or pending: not passing, not a sign of work either
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

// summary is the result as one phrase: "failing: 5 of 12 specs pass (tasks 3, 4)".
func (res kataResult) summary() string {
	switch res.State {
	case stateNotStarted:
		return "not started"
	case stateSolved:
		return fmt.Sprintf("solved: all %d specs pass", res.Total)
	case stateBroken:
		return "broken: " + res.Note
	}
	s := fmt.Sprintf("failing: %d of %d specs pass", res.Passed, res.Total)
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
	base := k.Dir + "-" + what
	reportPath := filepath.Join(r.root, ".kata", "reports", base+".json")
	logPath := filepath.Join(r.root, ".kata", "logs", base+".log")
	if err := os.MkdirAll(filepath.Dir(reportPath), 0o755); err != nil {
		return kataResult{}, err
	}
	_ = os.Remove(reportPath) // never read a stale report
	hash, err := k.sourceHash(r.root)
	if err != nil {
		return kataResult{}, err
	}
	args := []string{"test", "-race", "-count=1", "-ginkgo.no-color", "-ginkgo.json-report=" + reportPath}
	if junitPath != "" {
		args = append(args, "-ginkgo.junit-report="+junitPath)
	}
	t0 := time.Now()
	code, out, err := runLogged(ctx, k.path(r.root), logPath, args)
	if err != nil {
		return kataResult{}, fmt.Errorf("go test in katas/%s: %w", k.Dir, err)
	}
	o := runOutcome{ExitCode: code, Output: out}
	if reports, err := loadReports(reportPath); err == nil {
		o.Reports = reports
	}
	res := classify(k.Dir, o)
	res.Hash, res.LogPath, res.Elapsed = hash, logPath, time.Since(t0)
	if ctx.Err() == nil {
		_ = r.saveResult(res)
	}
	return res, nil
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
