package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// The fixtures are real Ginkgo JSON reports of a three-spec demo kata:
// "Sum adds numbers", "Sum adds a single number" and "Sum has a working test
// setup" (labelled harness), trimmed of machine-specific fields.
func fixture(t *testing.T, name string) []types.Report {
	t.Helper()
	reports, err := loadReports(filepath.Join("testdata", "report-"+name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return reports
}

func outcome(t *testing.T, name string, exit int, output string) runOutcome {
	return runOutcome{Reports: fixture(t, name), ExitCode: exit, Output: output}
}

func expect(t *testing.T, what string, v verdict, ok bool, noteHas string) {
	t.Helper()
	if v.OK != ok || !strings.Contains(v.Note, noteHas) {
		t.Errorf("%s: verdict OK=%v note=%q detail=%q; want OK=%v and a note containing %q", what, v.OK, v.Note, v.Detail, ok, noteHas)
	}
}

func TestFixturesParse(t *testing.T) {
	specs := itSpecs(fixture(t, "stub"))
	if len(specs) != 3 {
		t.Fatalf("stub fixture: %d specs; want 3", len(specs))
	}
	if got := specs[0].FullText(); got != "Sum adds numbers" {
		t.Errorf("FullText = %q", got)
	}
	if !hasLabel(specs[2], harnessLabel) {
		t.Errorf("spec %q should carry the harness label", specs[2].FullText())
	}
}

func TestEvalSolution(t *testing.T) {
	expect(t, "passing solution", evalSolution(outcome(t, "solution", 0, "ok")), true, "3 specs passed")
	expect(t, "failing solution", evalSolution(outcome(t, "stub", 1, "FAIL")), false, "2 of 3 specs failed")
	v := evalSolution(outcome(t, "stub", 1, "FAIL"))
	if len(v.Detail) == 0 || !strings.Contains(v.Detail[0], "[failed] Sum adds numbers") {
		t.Errorf("failing solution: detail %q should name the failed spec", v.Detail)
	}
	expect(t, "racy solution", evalSolution(outcome(t, "mutant-racy", 1, "WARNING: DATA RACE\n...")), false, "DATA RACE")
	expect(t, "solution whose run failed", evalSolution(outcome(t, "solution", 1, "")), false, "run failed")
	expect(t, "solution that does not build", evalSolution(runOutcome{ExitCode: 1, Output: "FAIL\tx [build failed]"}), false, "does not build")
	expect(t, "solution with no specs", evalSolution(runOutcome{Reports: []types.Report{{SuiteSucceeded: true}}}), false, "zero specs")

	it := func(text string, state types.SpecState, msg string) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, State: state, Failure: types.Failure{Message: msg}}
	}
	filteredOut := runOutcome{Reports: []types.Report{{SuiteSucceeded: true, SpecReports: types.SpecReports{
		it("is fast", types.SpecStateSkipped, ""),
	}}}}
	expect(t, "solution whose specs were all filtered out", evalSolution(filteredOut), false, "no spec passed")
	busy := runOutcome{Reports: []types.Report{{SuiteSucceeded: true, SpecReports: types.SpecReports{
		it("is fast", types.SpecStateSkipped, "the machine gave 1.1× to a reference: too busy to measure"),
		it("keeps order", types.SpecStateSkipped, ""),
	}}}}
	v = evalSolution(busy)
	expect(t, "timing spec that skipped itself", v, true, "1 skipped themselves")
	if len(v.Detail) != 1 || !strings.Contains(v.Detail[0], "is fast skipped itself: the machine gave 1.1×") {
		t.Errorf("a self-skip must be shown with its reason, detail %q", v.Detail)
	}
}

func TestEvalStub(t *testing.T) {
	expect(t, "failing stub", evalStub(outcome(t, "stub", 1, "")), true, "all 2 learner specs failed")
	v := evalStub(outcome(t, "mutant-wrong-spec", 1, ""))
	expect(t, "stub passing a learner spec", v, false, "1 of 2 learner specs did not fail")
	if len(v.Detail) != 1 || !strings.Contains(v.Detail[0], "[passed] Sum adds a single number") {
		t.Errorf("detail %q should name the spec that passed on the stub", v.Detail)
	}
	expect(t, "stub with zero specs", evalStub(runOutcome{Reports: []types.Report{{}}, ExitCode: 0}), false, "zero specs")
	expect(t, "stub without report", evalStub(runOutcome{ExitCode: 0, Output: "?   \tx\t[no test files]"}), false, "no test files")
	expect(t, "crashed stub", evalStub(runOutcome{ExitCode: 2, Output: "oops"}), false, "crashed")
	expect(t, "stub panicking in a goroutine", evalStub(runOutcome{ExitCode: 2, Output: "---\npanic: Run is not implemented yet\n\ngoroutine 7"}), false, "crashed: panic: Run is not implemented yet")

	onlyHarness := fixture(t, "solution")
	for i := range onlyHarness[0].SpecReports {
		onlyHarness[0].SpecReports[i].LeafNodeLabels = []string{harnessLabel}
	}
	expect(t, "all specs labelled harness", evalStub(runOutcome{Reports: onlyHarness}), false, "no spec exercises")
}

func TestEvalMutant(t *testing.T) {
	m := func(killedBy ...string) mutant { return mutant{Name: "m", KilledBy: killedBy} }
	expect(t, "killed", evalMutant(m("Sum adds numbers"), outcome(t, "mutant-wrong-spec", 1, "")), true, `killed by "Sum adds numbers" (failed)`)
	expect(t, "killed by a timeout", evalMutant(m("adds numbers"), outcome(t, "mutant-deadlock", 1, "")), true, "(timedout)")
	expect(t, "killed by the wrong spec", evalMutant(m("adds a single number"), outcome(t, "mutant-wrong-spec", 1, "")), false, "wrong spec")
	expect(t, "survivor", evalMutant(m("adds numbers"), outcome(t, "solution", 0, "")), false, "survived: no spec failed")
	v := evalMutant(m("Sum subtracts"), outcome(t, "stub", 1, ""))
	expect(t, "killed-by naming no spec", v, false, `"Sum subtracts" matches no spec`)
	if !strings.Contains(strings.Join(v.Detail, "\n"), "Sum adds a single number") {
		t.Errorf("detail %q should list the specs there are", v.Detail)
	}
	expect(t, "two killed-by, one survives", evalMutant(m("adds numbers", "single"), outcome(t, "mutant-wrong-spec", 1, "")), false, "wrong spec")
	expect(t, "mutant that does not build", evalMutant(m("adds numbers"), runOutcome{ExitCode: 1, Output: "[build failed]"}), false, "does not build")

	race := m(raceKiller)
	expect(t, "racy mutant", evalMutant(race, outcome(t, "mutant-racy", 1, "WARNING: DATA RACE")), true, "race detector")
	expect(t, "race-free racy mutant", evalMutant(race, outcome(t, "solution", 0, "ok")), false, "survived")
	v = evalMutant(m("adds numbers"), outcome(t, "mutant-racy", 1, "WARNING: DATA RACE"))
	if v.OK || !strings.Contains(strings.Join(v.Detail, "\n"), raceKiller) {
		t.Errorf("a race without a failed spec: verdict %+v should point to killed-by %s", v, raceKiller)
	}
}
