package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// marshalJUnit renders doc as writeJUnit does.
func marshalJUnit(t *testing.T, doc junitSuites) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.xml")
	if err := writeJUnit(p, doc); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkJUnitFile validates a report against the schema and checks what
// grade promises beyond it: its counts are grade.txt's (res), no absolute
// path of the machine appears, passing specs carry nothing.
func checkJUnitFile(t *testing.T, name string, data []byte, root string, res kataResult) junitSuites {
	t.Helper()
	for _, e := range validateJUnit(t, data) {
		t.Errorf("%s: not valid against testdata/junit.xsd: %s", name, e)
	}
	if root != "" && bytes.Contains(data, []byte(root)) {
		t.Errorf("%s holds the absolute path %s of the grading machine", name, root)
	}
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%s: %d testsuites, want 1", name, len(doc.Suites))
	}
	s := doc.Suites[0]
	// A spec that skipped itself for a stated reason is <skipped> in JUnit
	// and counts as passed in grade.txt (the tools say so): both count it
	// among the specs that did not fail.
	passing, skipped := 0, 0
	for _, c := range s.Cases {
		switch {
		case c.Error == nil && c.Failure == nil && c.Skipped == nil:
			passing++
		case c.Error == nil && c.Failure == nil:
			skipped++
		}
	}
	if res.State != stateBroken && (s.Tests != res.Total || len(s.Cases) != res.Total || passing+skipped != res.Passed) {
		t.Errorf("%s: %d tests (%d testcases), %d passing and %d skipped; grade.txt counts %d of %d", name, s.Tests, len(s.Cases), passing, skipped, res.Passed, res.Total)
	}
	if s.Failures+s.Errors+s.Skipped != len(s.Cases)-passing {
		t.Errorf("%s: failures %d + errors %d + skipped %d != %d testcases not passing", name, s.Failures, s.Errors, s.Skipped, len(s.Cases)-passing)
	}
	if strings.HasPrefix(s.Package, "/") {
		t.Errorf("%s: package %q is an absolute path", name, s.Package)
	}
	return doc
}

// TestJUnitFromProofReports: the real Ginkgo reports of testdata (a stub that
// fails, a solution that passes, each with a harness spec) become valid JUnit
// with grade.txt's counts, the harness spec in neither.
func TestJUnitFromProofReports(t *testing.T) {
	k := kata{Num: 0, Dir: "00-demo", Name: "demo", Title: "Kata 00: demo"}
	for _, f := range []string{"report-stub.json", "report-solution.json"} {
		reports, err := loadReports(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		res := classify(k.Dir, runOutcome{Reports: reports}, false)
		doc := checkJUnitFile(t, f, marshalJUnit(t, kataJUnit("/repo", k, reports, res)), "/repo/", res)
		for _, c := range doc.Suites[0].Cases {
			if strings.Contains(c.Name, "working test setup") {
				t.Errorf("%s: the harness spec %q is a testcase; grade.txt does not count it", f, c.Name)
			}
			if f == "report-stub.json" && (c.Failure == nil || c.Failure.Type != "wrong answer" || !strings.HasPrefix(c.Failure.Message, "wrong answer: Expected")) {
				t.Errorf("%s: %q: want a <failure type=\"wrong answer\" message=\"wrong answer: Expected ...\">, got %+v %+v", f, c.Name, c.Failure, c.Error)
			}
		}
	}
}

// TestJUnitFailuresAndErrors: each way a spec can fail becomes the element
// and the message the comment at the top of junit.go promises.
func TestJUnitFailuresAndErrors(t *testing.T) {
	root := "/home/grader/work"
	loc := types.CodeLocation{FileName: root + "/katas/03-pool/pool_test.go", LineNumber: 42}
	spec := func(text string, state types.SpecState, f types.Failure) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, ContainerHierarchyTexts: []string{"Task 1: Pool"}, LeafNodeText: text,
			State: state, Failure: f, RunTime: 1500 * time.Millisecond,
			CapturedGinkgoWriterOutput: "a timeline of " + root}
	}
	reports := []types.Report{{StartTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RunTime: 3 * time.Second, SpecReports: types.SpecReports{
		spec("passes", types.SpecStatePassed, types.Failure{}),
		spec("stub", types.SpecStatePanicked, types.Failure{Message: "Test Panicked", ForwardedPanic: "Pool is not implemented yet: see README, task 1", Location: loc}),
		spec("wrong", types.SpecStateFailed, types.Failure{Message: "Expected\n    <int>: 4\nto equal\n    <int>: 5", Location: loc}),
		spec("panics", types.SpecStatePanicked, types.Failure{Message: "Test Panicked", ForwardedPanic: "runtime error: index out of range [3] with length 3\n" + root + "/katas/03-pool/pool.go:12", Location: loc}),
		spec("hangs", types.SpecStateTimedout, types.Failure{Message: "A spec timeout occurred", Location: loc}),
		spec("skips", types.SpecStateSkipped, types.Failure{Message: "the machine is too busy to measure"}),
	}}}
	k := kata{Num: 3, Dir: "03-pool", Name: "pool", Title: "Kata 03: a pool"}
	res := classify(k.Dir, runOutcome{Reports: reports, ExitCode: 1}, false)
	data := marshalJUnit(t, kataJUnit(root, k, reports, res))
	doc := checkJUnitFile(t, "synthetic", data, root, res)
	want := map[string]struct{ elem, typ, msg string }{
		"passes": {},
		"stub":   {"error", "not implemented", "not implemented yet: Pool is not implemented yet: see README, task 1"},
		"wrong":  {"failure", "wrong answer", "wrong answer: Expected ..."},
		"panics": {"error", "panic", "the code panicked, so no answer could be checked: runtime error: index out of range [3] with length 3 ..."},
		"hangs":  {"error", "timeout", "the spec ran out of time"},
		"skips":  {"skipped", "", ""},
	}
	s := doc.Suites[0]
	if s.Tests != 6 || s.Errors != 3 || s.Failures != 1 || s.Skipped != 1 || s.Timestamp != "2026-01-02T03:04:05" || s.Time != "3.000" {
		t.Errorf("suite: tests %d errors %d failures %d skipped %d timestamp %s time %s; want 6 3 1 1 2026-01-02T03:04:05 3.000",
			s.Tests, s.Errors, s.Failures, s.Skipped, s.Timestamp, s.Time)
	}
	for _, c := range s.Cases {
		leaf := c.Name[strings.LastIndexByte(c.Name, ' ')+1:]
		w := want[leaf]
		var elem, typ, msg string
		switch {
		case c.Error != nil:
			elem, typ, msg = "error", c.Error.Type, c.Error.Message
			if !strings.HasPrefix(c.Error.Text, "katas/03-pool/pool_test.go:42") {
				t.Errorf("%s: the detail starts %q, want the spec's relative location", leaf, headline(c.Error.Text))
			}
		case c.Failure != nil:
			elem, typ, msg = "failure", c.Failure.Type, c.Failure.Message
		case c.Skipped != nil:
			elem = "skipped"
		}
		if elem != w.elem || typ != w.typ || !strings.HasPrefix(msg, w.msg) {
			t.Errorf("%s: <%s type=%q message=%q>, want <%s type=%q message=%q...>", leaf, elem, typ, msg, w.elem, w.typ, w.msg)
		}
	}
	if bytes.Contains(data, []byte("a timeline of")) {
		t.Error("the specs' captured output (timelines) is in the report; a passing spec must carry nothing")
	}

	broken := kataResult{Dir: k.Dir, State: stateBroken, Note: "does not build"}
	doc = checkJUnitFile(t, "broken", marshalJUnit(t, brokenJUnit(root, k, broken)), root, broken)
	if c := doc.Suites[0].Cases; len(c) != 1 || c[0].Error == nil || c[0].Error.Message != "the specs could not run: does not build" {
		t.Errorf("a kata that does not build: want one <error message=\"the specs could not run: does not build\">, got %+v", c)
	}
}
