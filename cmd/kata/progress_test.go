package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// itReport builds an It spec report for classify.
func itReport(text string, state types.SpecState, failure string, labels ...string) types.SpecReport {
	s := types.SpecReport{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: []string{strings.SplitN(text, "|", 2)[0]},
		LeafNodeText:            strings.SplitN(text, "|", 2)[1],
		LeafNodeLabels:          labels,
		State:                   state,
	}
	if state == types.SpecStatePanicked {
		s.Failure = types.Failure{Message: "Test Panicked", ForwardedPanic: failure}
	} else {
		s.Failure = types.Failure{Message: failure}
	}
	return s
}

func fakeOutcome(code int, specs ...types.SpecReport) runOutcome {
	return runOutcome{ExitCode: code, Reports: []types.Report{{SpecReports: specs}}}
}

func TestClassify(t *testing.T) {
	harnessSpec := itReport("The harness|works", types.SpecStatePassed, "", harnessLabel)
	stubPanic := "Pool.Map is not implemented yet: see README, task 2"
	cases := []struct {
		name  string
		o     runOutcome
		state kataState
		pass  int
		total int
		tasks []int
	}{
		{"every spec panics as a stub does", fakeOutcome(1,
			harnessSpec,
			itReport("Task 1: A|x", types.SpecStatePanicked, stubPanic),
			itReport("Task 2: B|y", types.SpecStatePanicked, stubPanic)),
			stateNotStarted, 0, 2, []int{1, 2}},
		{"task 1 done", fakeOutcome(1,
			harnessSpec,
			itReport("Task 1: A|x", types.SpecStatePassed, ""),
			itReport("Task 2: B|y", types.SpecStatePanicked, stubPanic),
			itReport("Task 3: C|z", types.SpecStateFailed, "Expected 5 workers")),
			stateFailing, 1, 3, []int{2, 3}},
		{"failing without a stub panic is started", fakeOutcome(1,
			itReport("Task 1: A|x", types.SpecStateFailed, "Expected 1 connection"),
			itReport("Task 2: B|y", types.SpecStatePanicked, stubPanic)),
			stateFailing, 0, 2, []int{1, 2}},
		{"all pass", fakeOutcome(0, harnessSpec, itReport("Task 1: A|x", types.SpecStatePassed, "")),
			stateSolved, 1, 1, nil},
		{"all pass but the race detector failed the run", fakeOutcome(1, itReport("Task 1: A|x", types.SpecStatePassed, "")),
			stateFailing, 1, 1, nil},
		{"no report", runOutcome{ExitCode: 1, Output: "# x\n./x.go:3: syntax error\nFAIL x [build failed]"},
			stateBroken, 0, 0, nil},
	}
	for _, c := range cases {
		res := classify("03-pool", c.o, false)
		if res.State != c.state || res.Passed != c.pass || res.Total != c.total || !reflect.DeepEqual(res.FailingTasks, c.tasks) {
			t.Errorf("%s: got %s %d/%d tasks %v, want %s %d/%d tasks %v", c.name, res.State, res.Passed, res.Total, res.FailingTasks, c.state, c.pass, c.total, c.tasks)
		}
	}
}

func TestClassifyRealReports(t *testing.T) {
	sol, err := loadReports("testdata/report-solution.json")
	if err != nil {
		t.Fatal(err)
	}
	if res := classify("x", runOutcome{Reports: sol}, false); res.State != stateSolved {
		t.Errorf("solution report: %s", res.summary())
	}
	stub, err := loadReports("testdata/report-stub.json")
	if err != nil {
		t.Fatal(err)
	}
	if res := classify("x", runOutcome{ExitCode: 1, Reports: stub}, false); res.State != stateFailing || res.Passed != 0 || res.Total == 0 {
		t.Errorf("stub report whose specs fail by assertion: %s", res.summary())
	}
}

func TestSummary(t *testing.T) {
	cases := map[string]kataResult{
		"not started":              {State: stateNotStarted},
		"solved: all 7 specs pass": {State: stateSolved, Passed: 7, Total: 7},
		"failing: 5 of 12 specs pass (tasks 3, 4 to do)": {State: stateFailing, Passed: 5, Total: 12, FailingTasks: []int{3, 4}},
		"failing: 2 of 3 specs pass (task 1 to do)":      {State: stateFailing, Passed: 2, Total: 3, FailingTasks: []int{1}},
		"broken: does not build":                         {State: stateBroken, Note: "does not build"},
	}
	for want, res := range cases {
		if got := res.summary(); got != want {
			t.Errorf("summary = %q, want %q", got, want)
		}
	}
}

func TestNextLine(t *testing.T) {
	katas := []kata{{Num: 1, Dir: "01-a"}, {Num: 2, Dir: "02-b"}}
	got := nextLine(katas, []kataResult{{State: stateSolved}, {State: stateFailing}})
	if !strings.Contains(got, "kata 02") || !strings.Contains(got, "make kata N=2") {
		t.Errorf("nextLine = %q", got)
	}
	if got := nextLine(katas, []kataResult{{State: stateSolved}, {State: stateSolved}}); !strings.Contains(got, "All 2 katas solved") {
		t.Errorf("all solved: %q", got)
	}
}

func TestGradeTable(t *testing.T) {
	katas := []kata{{Num: 1, Dir: "01-a"}, {Num: 2, Dir: "02-b"}, {Num: 3, Dir: "03-c"}}
	var buf bytes.Buffer
	writeGradeTable(&buf, katas, []kataResult{
		{State: stateSolved, Passed: 4, Total: 4},
		{State: stateFailing, Passed: 1, Total: 4},
		{State: stateBroken, Note: "does not build"},
	})
	out := buf.String()
	checkContains(t, "grade table", out, "01-a", "solved", "failing", "broken: does not build", "score: 5 of 8 specs pass (62%); 1 of 3 katas solved")
}
