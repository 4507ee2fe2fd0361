package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

const testRoot = "/home/learner/katas-repo"

// demoSpec builds an It spec of kata 01-demo at line of demo_test.go.
func demoSpec(task, leaf string, line int, state types.SpecState) types.SpecReport {
	return types.SpecReport{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: []string{task},
		LeafNodeText:            leaf,
		LeafNodeLocation:        types.CodeLocation{FileName: testRoot + "/katas/01-demo/demo_test.go", LineNumber: line},
		State:                   state,
	}
}

func stubSpec(task, leaf string, line int, fn string, n int) types.SpecReport {
	s := demoSpec(task, leaf, line, types.SpecStatePanicked)
	s.Failure = types.Failure{
		Message:        "Test Panicked",
		ForwardedPanic: fn + " is not implemented yet: see README, task " + string(rune('0'+n)),
		Location: types.CodeLocation{FileName: testRoot + "/katas/01-demo/demo.go", LineNumber: 10 * n,
			FullStackTrace: "github.com/x/katas/01-demo." + fn + "(...)\n\t" + testRoot + "/katas/01-demo/demo.go:" + string(rune('0'+n)) + "0\n"},
	}
	return s
}

func render(t *testing.T, v view, o runOutcome) string {
	t.Helper()
	var buf bytes.Buffer
	renderRun(&buf, v, o, classify(v.Kata.Dir, o, false))
	return buf.String()
}

func demoView() view {
	return view{Root: testRoot, Kata: kata{Num: 1, Dir: "01-demo"}}
}

func TestRenderTasksInOrderFirstInFull(t *testing.T) {
	failedSpec := demoSpec("Task 2: Sum", "adds two numbers", 40, types.SpecStateFailed)
	failedSpec.Failure = types.Failure{
		Message:  "Expected 5, saw 4.\nSee README, \"Adding\".",
		Location: types.CodeLocation{FileName: testRoot + "/katas/01-demo/demo_test.go", LineNumber: 44},
	}
	failedSpec.CapturedGinkgoWriterOutput = "what the spec printed\n"
	busy := demoSpec("Task 2: Sum", "is fast", 60, types.SpecStateSkipped)
	busy.Failure = types.Failure{Message: "the machine is too busy to measure"}
	// Ginkgo's random order: Task 3 first.
	o := fakeOutcome(1,
		stubSpec("Task 3: Mean", "divides", 70, "Mean", 3),
		stubSpec("Task 3: Mean", "rejects an empty list", 80, "Mean", 3),
		failedSpec,
		busy,
		demoSpec("Task 2: Sum", "adds nothing", 50, types.SpecStatePassed),
		demoSpec("Task 1: Zero", "is zero", 20, types.SpecStatePassed),
		demoSpec("Task 1: Zero", "is zero again", 30, types.SpecStatePassed),
	)
	out := render(t, demoView(), o)
	checkLacks(t, "output without a terminal (escape codes)", out, "\033")
	i1, i2, i3 := strings.Index(out, "Task 1"), strings.Index(out, "Task 2"), strings.Index(out, "Task 3")
	if !(i1 >= 0 && i1 < i2 && i2 < i3) {
		t.Errorf("tasks not in the README's order:\n%s", out)
	}
	checkContains(t, "output", out,
		"ok   Task 1: Zero (2 specs pass)",
		"FAIL Task 2: Sum (2 of 3 pass)",
		"  ok   adds nothing",
		"  FAIL adds two numbers\n      Expected 5, saw 4.\n      See README, \"Adding\".\n      at katas/01-demo/demo_test.go:44",
		"what the spec printed",
		"skip is fast: skipped itself: the machine is too busy to measure",
		"FAIL Task 3: Mean is not implemented yet: see README, task 3 (2 specs)",
		"3 passed, 3 failed, 1 skipped",
		"next: Task 2 in katas/01-demo/README.md; its specs alone: make kata N=1 F='Task 2'",
		"stuck? make hint N=1",
	)
	checkLacks(t, "output (an absolute path)", out, testRoot)
	if n := strings.Count(out, "Mean"); n != 1 {
		t.Errorf("the stub's panic of a later task shown %d times, want once:\n%s", n, out)
	}
}

func TestRenderStubTaskOneLinePanic(t *testing.T) {
	o := fakeOutcome(1,
		stubSpec("Task 2: Sum", "adds", 40, "Sum", 2),
		stubSpec("Task 1: Zero", "is zero", 20, "Zero", 1),
		stubSpec("Task 1: Zero", "is zero again", 30, "Zero", 1),
	)
	out := render(t, demoView(), o)
	if n := strings.Count(out, "Zero is not implemented yet: see README, task 1"); n != 1 {
		t.Errorf("the stub's panic shown %d times, want once:\n%s", n, out)
	}
	checkContains(t, "output", out,
		"  FAIL is zero\n  FAIL is zero again\n      Zero is not implemented yet: see README, task 1 (katas/01-demo/demo.go:10)",
		"FAIL Task 2: Sum is not implemented yet: see README, task 2 (1 spec)",
		": not started",
	)
	checkLacks(t, "a stub's panic (a stack)", out, "stack", "panicked")
}

// A spec that catches the stub's panic (a goroutine's recover turned into an
// error) fails with the panic inside its own message: it still counts as the
// stub, shown once with the others.
func TestRenderStubPanicCaughtBySpec(t *testing.T) {
	caught := demoSpec("Task 2: Sum", "adds in the background", 50, types.SpecStateFailed)
	caught.Failure = types.Failure{
		Message:  "Unexpected error:\n    <*errors.errorString | 0xc00004c3b0>:\n    Sum panicked: Sum is not implemented yet: see README, task 2\n    {\n",
		Location: types.CodeLocation{FileName: testRoot + "/katas/01-demo/demo_test.go", LineNumber: 55},
	}
	o := fakeOutcome(1, stubSpec("Task 1: Zero", "is zero", 20, "Zero", 1), stubSpec("Task 2: Sum", "adds", 40, "Sum", 2), caught)
	out := render(t, demoView(), o)
	checkContains(t, "output", out, "FAIL Task 2: Sum is not implemented yet: see README, task 2 (2 specs)")
	if strings.Contains(out, "Unexpected error") {
		t.Errorf("the caught panic shown as the spec's own failure:\n%s", out)
	}
}

func TestRenderPanicPointsAtTheLearnersLine(t *testing.T) {
	s := demoSpec("Task 1: Zero", "is zero", 20, types.SpecStatePanicked)
	s.Failure = types.Failure{
		Message:        "Test Panicked",
		ForwardedPanic: "assignment to entry in nil map",
		Location: types.CodeLocation{FileName: "/usr/local/go/src/runtime/panic.go", LineNumber: 860, FullStackTrace: "panic({0x1, 0x2})\n" +
			"\t/usr/local/go/src/runtime/panic.go:860 +0x13a\n" +
			"github.com/x/katas/01-demo.Zero(...)\n\t" + testRoot + "/katas/01-demo/demo.go:50\n" +
			"github.com/x/katas/01-demo_test.init.func1.1()\n\t" + testRoot + "/katas/01-demo/demo_test.go:22 +0x25f\n" +
			"testing.tRunner(0xc0001418c8, 0xc000276c90)\n\t/usr/local/go/src/testing/testing.go:2036 +0x21d\n"},
	}
	out := render(t, demoView(), fakeOutcome(1, s))
	checkContains(t, "output", out,
		"panicked: assignment to entry in nil map",
		"at katas/01-demo/demo.go:50, the spec at katas/01-demo/demo_test.go:20",
		"katas/01-demo/demo.go:50 01-demo.Zero",
		"katas/01-demo/demo_test.go:22",
	)
	checkLacks(t, "the frames shown (one outside the kata)", out, "testing.go", "runtime/panic.go")
}

func TestRenderTerminalHasSymbolsAndColour(t *testing.T) {
	v := demoView()
	v.TTY = true
	out := render(t, v, fakeOutcome(0, demoSpec("Task 1: Zero", "is zero", 20, types.SpecStatePassed)))
	if !strings.Contains(out, "✓") || !strings.Contains(out, "\033[") {
		t.Errorf("a terminal gets no symbols or colour:\n%q", out)
	}
	if !strings.Contains(out, "solved") || !strings.Contains(out, "make next") {
		t.Errorf("a solved kata's summary:\n%s", out)
	}
}

func TestRenderFocusLeavesOutTheRest(t *testing.T) {
	v := demoView()
	v.Focus, v.Selects = "Task 2", true
	out := render(t, v, fakeOutcome(0,
		demoSpec("Task 1: Zero", "is zero", 20, types.SpecStateSkipped),
		demoSpec("Task 2: Sum", "adds", 40, types.SpecStatePassed)))
	if strings.Contains(out, "Task 1") || !strings.Contains(out, "1 not run (focus \"Task 2\")") || !strings.Contains(out, "part of the kata ran") ||
		!strings.Contains(out, "next: the whole kata, make kata N=1") {
		t.Errorf("focused run:\n%s", out)
	}
}

const raceOutput = `••••==================
WARNING: DATA RACE
Read at 0x00c0000194c8 by goroutine 673:
  github.com/x/katas/02-races_test.(*plainCounter).Load()
      /home/learner/katas-repo/katas/02-races/watched_test.go:116 +0x28
  github.com/x/katas/02-races.CountWithMutex.func1()
      /home/learner/katas-repo/katas/02-races/races.go:86 +0x4b

Previous write at 0x00c0000194c8 by goroutine 701:
  github.com/x/katas/02-races.CountWithMutex.func1()
      /home/learner/katas-repo/katas/02-races/races.go:86 +0x61
  sync.(*WaitGroup).Go.func1()
      /usr/local/go/src/sync/waitgroup.go:239 +0x5d

Goroutine 673 (running) created at:
  sync.(*WaitGroup).Go()
      /usr/local/go/src/sync/waitgroup.go:238 +0x72
==================
==================
WARNING: DATA RACE
Write at 0x00c0000194c8 by goroutine 2084:
  github.com/x/katas/02-races.CountWithMutex.func1()
      /home/learner/katas-repo/katas/02-races/races.go:86 +0x61

Previous write at 0x00c0000194c8 by goroutine 1753:
  github.com/x/katas/02-races.CountWithMutex.func1()
      /home/learner/katas-repo/katas/02-races/races.go:86 +0x61

Goroutine 2084 (running) created at:
  sync.(*WaitGroup).Go()
      /usr/local/go/src/sync/waitgroup.go:238 +0x72
==================
`

func TestRacesCutToTheirTwoStacks(t *testing.T) {
	reps := parseRaces(raceOutput)
	if len(reps) != 2 || len(reps[0].Accesses) != 2 || len(reps[0].Accesses[0].Frames) != 2 || len(reps[0].Accesses[1].Frames) != 2 {
		t.Fatalf("parseRaces = %+v", reps)
	}
	if reps[0].Accesses[1].What != "Previous write by goroutine 701" {
		t.Errorf("second access: %q", reps[0].Accesses[1].What)
	}
	v := view{Root: testRoot, Kata: kata{Num: 2, Dir: "02-races"}}
	var buf bytes.Buffer
	v.renderRaces(&buf, raceOutput)
	out := buf.String()
	checkContains(t, "race section", out, "WARNING: DATA RACE", "Read by goroutine 673:", "katas/02-races/races.go:86", "2 race reports in all, 1 distinct")
	checkLacks(t, "race section", out, "created at", "waitgroup.go", testRoot, "Write by goroutine 2084")
}

func TestRenderBuildFailure(t *testing.T) {
	o := runOutcome{ExitCode: 1, Output: "# github.com/x/katas/01-demo\n./demo.go:12:2: undefined: y\nFAIL\tgithub.com/x/katas/01-demo [build failed]\nFAIL\n"}
	var buf bytes.Buffer
	renderRun(&buf, demoView(), o, classify("01-demo", o, false))
	out := buf.String()
	if !strings.Contains(out, "does not compile") || !strings.Contains(out, "./demo.go:12:2: undefined: y") || strings.Contains(out, "[build failed]") {
		t.Errorf("build failure:\n%s", out)
	}
}

func TestRenderRaceWhenEverySpecPassed(t *testing.T) {
	o := fakeOutcome(1, demoSpec("Task 1: Zero", "is zero", 20, types.SpecStatePassed))
	o.Output = raceOutput
	v := demoView()
	v.Kata = kata{Num: 2, Dir: "02-races"}
	out := render(t, v, o)
	checkContains(t, "output", out, "ok   Task 1: Zero", "WARNING: DATA RACE", "katas/02-races/races.go:86",
		"every spec passed but the race detector found a DATA RACE", "next: the DATA RACE above")
}

func TestRenderFocusMatchingNothing(t *testing.T) {
	v := demoView()
	v.Focus, v.Selects = "nothing", true
	out := render(t, v, fakeOutcome(0, demoSpec("Task 1: Zero", "is zero", 20, types.SpecStateSkipped)))
	if !strings.Contains(out, "no spec matched") {
		t.Errorf("a focus that matches nothing:\n%s", out)
	}
}
