package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// selfSkippedSpec is a spec that skipped itself, saying why (Skip(reason)).
func selfSkippedSpec(text, reason string) types.SpecReport {
	s := itReport(text, types.SpecStateSkipped, "")
	s.Failure = types.Failure{Message: reason}
	return s
}

// TestClassifyStates is the one judgement behind kata, progress, next and
// grade: each case is a run and what every tool must call it.
func TestClassifyStates(t *testing.T) {
	stubPanic := "Pool.Map is not implemented yet: see README, task 2"
	leak := "Process returned the right results, but left a goroutine running: a goroutine leak."
	busy := "the machine is too busy to measure a speed-up"
	cases := []struct {
		name     string
		o        runOutcome
		pristine bool
		state    kataState
		passed   int
		total    int
		tasks    []int
		skipped  []string
		summary  string
	}{
		{name: "the stub as committed, whose specs fail by assertion (a leaky stub), is not started",
			o:        fakeOutcome(1, itReport("Task 1: A|x", types.SpecStateFailed, leak), itReport("Task 2: B|y", types.SpecStateFailed, leak)),
			pristine: true, state: stateNotStarted, total: 2, tasks: []int{1, 2}, summary: "not started"},
		{name: "the same failures in edited files are failing",
			o:     fakeOutcome(1, itReport("Task 1: A|x", types.SpecStateFailed, leak), itReport("Task 2: B|y", types.SpecStateFailed, leak)),
			state: stateFailing, total: 2, tasks: []int{1, 2}, summary: "failing: 0 of 2 specs pass (tasks 1, 2 to do)"},
		{name: "edited files whose specs all still reach a stub panic are not started",
			o:     fakeOutcome(1, itReport("Task 2: B|y", types.SpecStatePanicked, stubPanic)),
			state: stateNotStarted, total: 1, tasks: []int{2}, summary: "not started"},
		{name: "the pristine stub that did not even build is not started (the learner did nothing)",
			o:        runOutcome{ExitCode: 1, Output: "FAIL x [build failed]"},
			pristine: true, state: stateNotStarted, summary: "not started"},
		{name: "a spec that skipped itself for a stated reason counts as passed, and says so",
			o:     fakeOutcome(0, itReport("Task 1: A|x", types.SpecStatePassed, ""), selfSkippedSpec("Task 6: speed|y", busy)),
			state: stateSolved, passed: 2, total: 2, skipped: []string{busy},
			summary: "solved: all 2 specs pass (1 skipped: " + busy + ")"},
		{name: "skipped and failing",
			o:     fakeOutcome(1, selfSkippedSpec("Task 6: speed|y", busy), itReport("Task 7: C|z", types.SpecStateFailed, "Expected 5")),
			state: stateFailing, passed: 1, total: 2, tasks: []int{7}, skipped: []string{busy},
			summary: "failing: 1 of 2 specs pass (1 skipped: " + busy + ") (task 7 to do)"},
		{name: "a spec left out by a filter (no reason) is not passed",
			o:     fakeOutcome(0, itReport("Task 1: A|x", types.SpecStatePassed, ""), itReport("Task 2: B|y", types.SpecStateSkipped, "")),
			state: stateFailing, passed: 1, total: 2, tasks: []int{2}, summary: "failing: 1 of 2 specs pass (task 2 to do)"},
		{name: "every spec passed but the race detector failed the run",
			o:     runOutcome{ExitCode: 1, Output: "WARNING: DATA RACE", Reports: []types.Report{{SpecReports: types.SpecReports{itReport("Task 1: A|x", types.SpecStatePassed, "")}}}},
			state: stateFailing, passed: 1, total: 1,
			summary: "failing: 1 of 1 specs pass; every spec passed but the race detector found a DATA RACE"},
		{name: "does not build",
			o:     runOutcome{ExitCode: 1, Output: "# x\n./x.go:3: syntax error\nFAIL x [build failed]"},
			state: stateBroken, summary: "broken: does not build"},
		{name: "solved, harness specs not counted",
			o:     fakeOutcome(0, itReport("The harness|works", types.SpecStatePassed, "", harnessLabel), itReport("Task 1: A|x", types.SpecStatePassed, "")),
			state: stateSolved, passed: 1, total: 1, summary: "solved: all 1 specs pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := classify("03-pool", c.o, c.pristine)
			if res.State != c.state || res.Passed != c.passed || res.Total != c.total ||
				!reflect.DeepEqual(res.FailingTasks, c.tasks) || !reflect.DeepEqual(res.Skipped, c.skipped) {
				t.Errorf("got %s %d/%d tasks %v skipped %q; want %s %d/%d tasks %v skipped %q",
					res.State, res.Passed, res.Total, res.FailingTasks, res.Skipped, c.state, c.passed, c.total, c.tasks, c.skipped)
			}
			if got := res.summary(); got != c.summary {
				t.Errorf("summary = %q, want %q", got, c.summary)
			}
			// progress and next print summary(), grade prints stateLine():
			// both start with the same state.
			if line := res.stateLine(); !strings.HasPrefix(line, res.State.String()) || !strings.HasPrefix(res.summary(), res.State.String()) {
				t.Errorf("stateLine %q and summary %q disagree on the state %s", line, res.summary(), res.State)
			}
			if len(c.skipped) > 0 && !strings.Contains(res.stateLine(), "1 skipped: "+busy) {
				t.Errorf("grade's stateLine %q does not say a spec skipped itself", res.stateLine())
			}
		})
	}
}

func TestSkipNoteCutsLongReasons(t *testing.T) {
	res := kataResult{State: stateSolved, Skipped: []string{strings.Repeat("x", 200), "y"}}
	n := res.skipNote()
	if !strings.HasPrefix(n, "2 skipped: xxx") || !strings.Contains(n, "…; and 1 more") || len([]rune(n)) > 120 {
		t.Errorf("skipNote = %q", n)
	}
}
