package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// spec builds an It spec report: "Task 1: Pool" > text, at file:line.
func spec(text string, line int, state types.SpecState, labels ...string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts:  []string{"Task 1: Pool"},
		ContainerHierarchyLabels: [][]string{nil},
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             text,
		LeafNodeLabels:           labels,
		LeafNodeLocation:         types.CodeLocation{FileName: "pool_test.go", LineNumber: line},
		State:                    state,
	}
}

func reportOf(specs ...types.SpecReport) []types.Report {
	return []types.Report{{SpecReports: specs}}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 1: "B", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestExitFromLog(t *testing.T) {
	cases := map[string]int{
		"ok  \tgithub.com/x/pool\t1.2s\n":            0,
		"PASS\n":                                     0,
		"--- FAIL: TestPool (1.00s)\nFAIL\n":         1,
		"FAIL\tgithub.com/x/pool\t1.2s\n":            1,
		"Ran 3 of 3 Specs\nSUCCESS! -- 3 Passed\n":   0,
		"  [FAILED] FAIL is only a word in a line\n": 0,
	}
	for out, want := range cases {
		if got := exitFromLog(out); got != want {
			t.Errorf("exitFromLog(%q) = %d, want %d", out, got, want)
		}
	}
}

func TestStatesOfFillsSkippedFromLaterReports(t *testing.T) {
	a := spec("bounds the workers", 10, types.SpecStatePassed)
	tm := spec("is faster", 20, types.SpecStateSkipped, timingLabel)
	first := reportOf(a, tm)
	tm.State = types.SpecStateFailed
	a.State = types.SpecStateSkipped // a later report cannot hide a state already known
	second := reportOf(a, tm)
	got := statesOf(first, second)
	want := map[string]types.SpecState{specKey(a): types.SpecStatePassed, specKey(tm): types.SpecStateFailed}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statesOf = %v, want %v", got, want)
	}
}

func TestMutantCell(t *testing.T) {
	named := spec("bounds the workers", 10, types.SpecStatePassed)
	other := spec("keeps the order", 20, types.SpecStatePassed)
	m := mutant{Name: "unbounded", KilledBy: []string{"bounds the workers"}}
	cases := []struct {
		name         string
		named, other types.SpecState
		inReport     bool
		wantNamed    string
		wantOther    string
	}{
		{"killed, other not run", types.SpecStateFailed, types.SpecStateSkipped, true, cellKill, cellNotRun},
		{"killed by timeout, other failed too", types.SpecStateTimedout, types.SpecStateFailed, true, cellKill, cellAlso},
		{"survived", types.SpecStatePassed, types.SpecStatePassed, true, cellMissed, cellPass},
		{"killer filtered out", types.SpecStateSkipped, types.SpecStatePassed, true, cellMissed, cellPass},
		{"no report", 0, 0, false, cellMissed, cellNotRun},
	}
	for _, c := range cases {
		col := mutantColumn{Mutant: m, States: map[string]types.SpecState{}}
		if c.inReport {
			col.States[specKey(named)] = c.named
			col.States[specKey(other)] = c.other
		}
		if got := mutantCell(col, named); got != c.wantNamed {
			t.Errorf("%s: named spec cell %q, want %q", c.name, got, c.wantNamed)
		}
		if got := mutantCell(col, other); got != c.wantOther {
			t.Errorf("%s: other spec cell %q, want %q", c.name, got, c.wantOther)
		}
	}
	race := mutantColumn{Mutant: mutant{KilledBy: []string{raceKiller}}, States: map[string]types.SpecState{specKey(named): types.SpecStatePassed}}
	if got := mutantCell(race, named); got != cellPass {
		t.Errorf("a race-detector mutant names no spec: cell %q, want %q", got, cellPass)
	}
}

func TestStateCell(t *testing.T) {
	s := spec("x", 1, types.SpecStatePassed)
	for st, want := range map[types.SpecState]string{
		types.SpecStatePassed: "ok", types.SpecStateFailed: cellFailed, types.SpecStatePanicked: cellFailed,
		types.SpecStateSkipped: cellSkipped, types.SpecStatePending: cellSkipped,
	} {
		if got := stateCell(map[string]types.SpecState{specKey(s): st}, s); got != want {
			t.Errorf("stateCell(%s) = %q, want %q", st, got, want)
		}
	}
	if got := stateCell(nil, s); got != "?" {
		t.Errorf("stateCell with no report = %q, want ?", got)
	}
}

func TestNeverFailedAndProblems(t *testing.T) {
	onStub := spec("fails on the stub", 1, types.SpecStateFailed)
	onMutant := spec("passes on the stub, fails on a mutant", 2, types.SpecStatePassed)
	never := spec("never fails", 3, types.SpecStatePassed)
	harness := spec("checks the fake server", 4, types.SpecStatePassed, harnessLabel)
	mk := kataMatrix{
		Kata:  kata{Dir: "03-pool"},
		Specs: types.SpecReports{onStub, onMutant, never, harness},
		Stub:  statesOf(reportOf(onStub, onMutant, never, harness)),
		Mutants: []mutantColumn{
			{Mutant: mutant{Name: "good"}, Verdict: verdict{OK: true},
				States: map[string]types.SpecState{specKey(onMutant): types.SpecStateFailed, specKey(never): types.SpecStateSkipped}},
			{Mutant: mutant{Name: "survivor"}, Verdict: verdict{Note: "survived: no spec failed"},
				States: map[string]types.SpecState{specKey(never): types.SpecStatePassed}},
		},
	}
	if got, want := mk.neverFailed(), []string{"Task 1: Pool never fails"}; !reflect.DeepEqual(got, want) {
		t.Errorf("neverFailed = %q, want %q", got, want)
	}
	probs := mk.problems()
	if len(probs) != 2 || !strings.Contains(probs[0], "mutant survivor: survived") || !strings.Contains(probs[1], "never fails") {
		t.Errorf("problems = %q, want the survivor and the spec never seen failing", probs)
	}
	if got := (kataMatrix{Err: "no stub report"}).problems(); len(got) != 1 {
		t.Errorf("a kata without reports must be a problem, got %q", got)
	}
}

func TestSortSpecs(t *testing.T) {
	specs := types.SpecReports{spec("b", 9, 0), spec("a", 5, 0), spec("a", 3, 0)}
	sortSpecs(specs)
	var got []string
	for _, s := range specs {
		got = append(got, s.LeafNodeText+s.LeafNodeLocation.String())
	}
	if want := []string{"apool_test.go:3", "apool_test.go:5", "bpool_test.go:9"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sortSpecs order %q, want %q", got, want)
	}
}

func TestPrintMatrix(t *testing.T) {
	killer := spec("bounds the workers", 10, types.SpecStateFailed)
	mk := kataMatrix{
		Kata:     kata{Dir: "03-pool"},
		Specs:    types.SpecReports{killer},
		Stub:     statesOf(reportOf(killer)),
		Solution: map[string]types.SpecState{specKey(killer): types.SpecStatePassed},
		Mutants: []mutantColumn{{Mutant: mutant{Name: "unbounded", What: "no bound", KilledBy: []string{"bounds the workers"}},
			Verdict: verdict{OK: true}, States: map[string]types.SpecState{specKey(killer): types.SpecStateFailed}}},
	}
	var b strings.Builder
	printMatrix(&b, mk)
	out := b.String()
	checkContains(t, "printMatrix output", out, "== 03-pool: 1 specs (0 harness), 1 mutants, 1 killed ==", "A  unbounded  killed  no bound       bounds the workers",
		"SOL STUB A  SPEC", "ok  F    K  Task 1: Pool bounds the workers")
	checkLacks(t, "printMatrix output of a kata with no problem", out, "FAIL")
}

func TestStressSummaries(t *testing.T) {
	ok := stressRun{N: 1, Elapsed: 2 * time.Second, Verdict: pass("18 specs passed"),
		Skipped: []skippedSpec{{Spec: "Task 3: is faster", Reason: "too busy: 0.58×"}}}
	bad := stressRun{N: 2, Elapsed: 3 * time.Second, Verdict: fail("1 of 18 specs failed on the solution"), LogPath: "/x/11-choose-02.log",
		Skipped: []skippedSpec{{Spec: "Task 3: is faster", Reason: "too busy: 0.80×"}}}
	res := []*stressResult{
		{Kata: kata{Dir: "11-choose"}, Build: pass("built"), Runs: []stressRun{ok, bad}},
		{Kata: kata{Dir: "12-broken"}, Build: fail("does not build")},
	}
	if got := res[0].slowest(); got != 3*time.Second {
		t.Errorf("slowest = %s, want 3s", got)
	}
	if runs, failed := stressTotals(res); runs != 2 || failed != 2 {
		t.Errorf("stressTotals = %d runs, %d failed; want 2 runs, 2 failed (a failed run and a failed build)", runs, failed)
	}
	if got, want := stressProgressLine("11-choose", 20, bad), "[11-choose  2/20] FAIL   3.0s: 1 of 18 specs failed on the solution (log /x/11-choose-02.log)"; got != want {
		t.Errorf("progress line\n got %q\nwant %q", got, want)
	}
	sum := skipSummary(res)
	if len(sum) != 3 || !strings.Contains(sum[2], `11-choose: 2 of 2 runs skipped "Task 3: is faster", e.g.: too busy: 0.58×`) {
		t.Errorf("skipSummary = %q", sum)
	}
	var b strings.Builder
	printStress(&b, "/x", res)
	checkContains(t, "printStress output", b.String(), "KATA       RUNS  FAILURES  SLOWEST  SKIPPED SPECS", "11-choose  2     1         3.0s     2", "12-broken  0     1         -        0",
		"-- 11-choose run 2 (3.0s): 1 of 18 specs failed", "log: 11-choose-02.log", "-- 12-broken: the build failed: does not build")
}

func TestStartLoadStops(t *testing.T) {
	stop := startLoad(2)
	time.Sleep(10 * time.Millisecond)
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the busy loops did not stop within 5s")
	}
}
