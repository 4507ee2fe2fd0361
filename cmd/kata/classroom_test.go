package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"go.yaml.in/yaml/v3"
)

// classroomDoc is the part of the workflow GitHub Classroom depends on.
type classroomDoc struct {
	Name        string            `yaml:"name"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		Name  string `yaml:"name"`
		If    string `yaml:"if"`
		Steps []struct {
			Name string            `yaml:"name"`
			ID   string            `yaml:"id"`
			If   string            `yaml:"if"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// checkClassroomWorkflow parses a workflow and checks GitHub Classroom's
// shape: the permissions, the bot guard, a grader step per kata whose id the
// reporter lists, with the env line the reporter reads its result from.
func checkClassroomWorkflow(t *testing.T, data []byte, katas []kata) {
	t.Helper()
	var doc classroomDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s does not parse: %v", classroomWorkflowPath, err)
	}
	want := map[string]string{"checks": "write", "actions": "read", "contents": "read"}
	for k, v := range want {
		if doc.Permissions[k] != v {
			t.Errorf("permissions: %s is %q, want %q", k, doc.Permissions[k], v)
		}
	}
	if len(doc.Jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(doc.Jobs))
	}
	for _, job := range doc.Jobs {
		if job.If != "github.actor != 'github-classroom[bot]'" {
			t.Errorf("job if: %q, want the github-classroom[bot] guard", job.If)
		}
		if job.Name != "Autograding Tests" {
			t.Errorf("job name %q: the reporter looks for the check run \"Autograding Tests\"", job.Name)
		}
		graders := map[string]string{}
		var reporter *struct {
			Env  map[string]string
			With map[string]string
		}
		setupGo := false
		for _, s := range job.Steps {
			setupGo = setupGo || strings.HasPrefix(s.Uses, "actions/setup-go@") && s.With["go-version-file"] == "go.mod"
			if s.ID == "copy" {
				// The gate: a copy with solutions/ (the project itself) grades nothing.
				if !strings.Contains(s.Run, "[ -d solutions ]") || !strings.Contains(s.Run, "student=true") {
					t.Errorf("step copy must tell a student's copy (no solutions/) from the project: %q", s.Run)
				}
				continue
			}
			if s.ID != "" {
				graders[s.ID] = s.Run
				if s.If != "steps.copy.outputs.student == 'true' && (success() || failure())" {
					t.Errorf("step %s: if %q; it must run in a student's copy only, and after a failed step too, or the reporter lacks its result", s.ID, s.If)
				}
			}
			if strings.HasPrefix(s.Uses, "classroom-resources/autograding-grading-reporter@v1") {
				reporter = &struct {
					Env  map[string]string
					With map[string]string
				}{s.Env, s.With}
			}
		}
		if !setupGo {
			t.Error("no actions/setup-go step with go-version-file: go.mod")
		}
		if reporter == nil {
			t.Fatal("no classroom-resources/autograding-grading-reporter@v1 step")
		}
		runners := strings.Split(reporter.With["runners"], ",")
		if len(runners) != len(katas) || len(graders) != len(katas) {
			t.Errorf("%d grader steps, %d runners for %d katas", len(graders), len(runners), len(katas))
		}
		for i, k := range katas {
			id := gradeStepID(k)
			if i < len(runners) && runners[i] != id {
				t.Errorf("runner %d is %q, want %q", i, runners[i], id)
			}
			if run := graders[id]; !strings.Contains(run, "kata classroom result") || !strings.HasSuffix(run, " "+strconv.Itoa(k.Num)+` >> "$GITHUB_OUTPUT"`) {
				t.Errorf("step %s runs %q, want kata classroom result %d into $GITHUB_OUTPUT", id, run, k.Num)
			}
			env := strings.ToUpper(id) + "_RESULTS"
			if got, want := reporter.Env[env], "${{ steps."+id+".outputs.result }}"; got != want {
				t.Errorf("reporter env %s: %q, want %q", env, got, want)
			}
		}
	}
}

// TestClassroomWorkflow keeps .github/workflows/classroom.yml what the kata
// tool writes from the kata list, and checks its shape.
func TestClassroomWorkflow(t *testing.T) {
	root, katas := thisRepoKatas(t)
	committed, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(classroomWorkflowPath)))
	if err != nil {
		t.Fatal(err)
	}
	want, err := classroomWorkflow(root, katas)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != want {
		t.Errorf("%s is not what the kata list gives: run `make classroom-workflow` and commit it", classroomWorkflowPath)
	}
	checkClassroomWorkflow(t, committed, katas)
	if isFile(filepath.Join(root, ".github", "classroom", "autograding.json")) {
		t.Error(".github/classroom/autograding.json is back: the retired education/autograding format; classroom.yml replaces it")
	}
}

// TestClassroomScore: a task scores when all its specs pass, the whole kata
// when it is solved, and a kata that did not run keeps its maximum.
func TestClassroomScore(t *testing.T) {
	k := kata{Num: 3, Dir: "03-pool", Name: "pool"}
	spec := func(task string, state types.SpecState) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, ContainerHierarchyTexts: []string{task}, LeafNodeText: "does it",
			State: state, Failure: types.Failure{Message: "Expected 4 to equal 5"}}
	}
	reports := []types.Report{{SpecReports: types.SpecReports{
		spec("Task 1: one", types.SpecStatePassed), spec("Task 1: one", types.SpecStatePassed),
		spec("Task 2: two", types.SpecStatePassed), spec("Task 2: two", types.SpecStateFailed),
	}}}
	score := func(r runnerResult) (int, []int) {
		total, per := 0, []int{}
		for _, t := range r.Tests {
			total += t.Score
			per = append(per, t.Score)
		}
		return total, per
	}
	res := classify(k.Dir, runOutcome{Reports: reports, ExitCode: 1}, false)
	got := gradeKata(k, []int{1, 2, 3}, reports, res)
	if total, per := score(got); total != 10 || got.MaxScore != 40 || got.Status != "error" || len(per) != 4 {
		t.Errorf("task 1 done, task 2 half, task 3 without specs: score %d of %d (%v), status %s; want 10 of 40, error (a task without specs is a fault of the kata)", total, got.MaxScore, per, got.Status)
	}
	if got.Tests[2].Status != "error" {
		t.Errorf("task 3 has no spec: status %q, want error", got.Tests[2].Status)
	}
	reports[0].SpecReports[3].State = types.SpecStatePassed
	res = classify(k.Dir, runOutcome{Reports: reports}, false)
	got = gradeKata(k, []int{1, 2}, reports, res)
	if total, _ := score(got); total != 30 || got.MaxScore != 30 || got.Status != "pass" {
		t.Errorf("solved: %d of %d, %s; want 30 of 30, pass", total, got.MaxScore, got.Status)
	}
	res = classify(k.Dir, runOutcome{Reports: reports, ExitCode: 66, Output: "WARNING: DATA RACE"}, false)
	got = gradeKata(k, []int{1, 2}, reports, res)
	if total, _ := score(got); total != 20 || got.Status != "fail" {
		t.Errorf("every spec passes but a data race fails the run: %d points, %s; want 20 (not the whole kata's 10), fail", total, got.Status)
	}
	got = gradeKata(k, []int{1, 2}, nil, kataResult{State: stateBroken, Note: "does not build"})
	if total, _ := score(got); total != 0 || got.MaxScore != 30 || got.Status != "error" {
		t.Errorf("does not build: %d of %d, %s; want 0 of 30 (the same maximum), error", total, got.MaxScore, got.Status)
	}
}

// TestClassroomTemplate builds a student template in a temporary folder and
// runs it as a student would: no solutions or mutants in it, `make kata N=1`
// fails on the stub there as here, `make solution N=1` explains, the
// workflow parses, the grader step scores, and make grade's JUnit validates.
func TestClassroomTemplate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a template and runs kata 01 there (about a minute)")
	}
	root, katas := thisRepoKatas(t)
	tool := filepath.Join(t.TempDir(), "kata")
	build := exec.Command("go", "build", "-o", tool, "./cmd/kata")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(dir string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	dir := filepath.Join(t.TempDir(), "class")
	if out, err := run(root, tool, "classroom", "template", dir); err != nil {
		t.Fatalf("kata classroom template: %v\n%s", err, out)
	}

	// DIR is never overwritten; make says when it is missing.
	if out, err := run(root, tool, "classroom", "template", dir); err == nil || !strings.Contains(out, "exists and is not empty") {
		t.Errorf("a second template into the same folder: %v\n%s\nwant an error saying the folder is not empty", err, out)
	}
	if out, err := run(root, "make", "-s", "classroom"); err == nil || !strings.Contains(out, "DIR=") {
		t.Errorf("make classroom without DIR: %v\n%s\nwant an error naming DIR", err, out)
	}

	for _, p := range []string{"solutions", ".github/classroom", "katas/01-sequential/testdata/mutants", "cmd/kata/testdata"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("the template holds %s", p)
		}
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "mutants" {
			t.Errorf("the template holds %s", p)
		}
		return nil
	})
	wf, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(classroomWorkflowPath)))
	if err != nil {
		t.Fatal(err)
	}
	checkClassroomWorkflow(t, wf, katas)
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"mutant", "## For maintainers", "## Classroom"} {
		if bytes.Contains(bytes.ToLower(readme), bytes.ToLower([]byte(word))) {
			t.Errorf("the learner's README in the template says %q", word)
		}
	}
	if out, err := run(dir, "git", "status", "--porcelain"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("the template is not one clean commit: %v %s", err, out)
	}

	// make kata N=1 fails on the stub, here as there.
	for _, where := range []string{root, dir} {
		out, err := run(where, "make", "-s", "kata", "N=1")
		if err == nil || !strings.Contains(out, notImplemented) {
			t.Errorf("make kata N=1 in %s: %v; want a failure saying %q\n%s", where, err, notImplemented, tail([]byte(out), 2000))
		}
	}
	if out, err := run(dir, "make", "-s", "solution", "N=1"); err == nil || !strings.Contains(out, "not in this copy") {
		t.Errorf("make solution N=1 in the template: %v; want a failure saying the solutions are not in this copy\n%s", err, out)
	}

	// The grader step of the workflow, as the reporter reads it.
	out, err := run(dir, tool, "classroom", "result", "1")
	if err != nil {
		t.Fatalf("kata classroom result 1: %v\n%s", err, out)
	}
	var result runnerResult
	for _, line := range strings.Split(out, "\n") {
		if b64, ok := strings.CutPrefix(line, "result="); ok {
			data, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				t.Fatalf("result is not base64: %v", err)
			}
			if err := json.Unmarshal(data, &result); err != nil {
				t.Fatalf("result is not JSON: %v", err)
			}
		}
	}
	tasks, _ := kataTasks(dir, katas[0])
	if result.Version != 1 || result.MaxScore != maxScore(tasks) || len(result.Tests) != len(tasks)+1 || result.Status != "fail" {
		t.Errorf("result of the stub: version %d, max_score %d, %d tests, status %q; want 1, %d, %d, fail\n%s",
			result.Version, result.MaxScore, len(result.Tests), result.Status, maxScore(tasks), len(tasks)+1, out)
	}
	for _, rt := range result.Tests {
		if rt.Score != 0 {
			t.Errorf("the stub scores %d on %q", rt.Score, rt.Name)
		}
	}

	// make grade's JUnit: valid, relative, grade.txt's counts.
	if out, err := run(dir, tool, "grade", "1"); err != nil {
		t.Fatalf("kata grade 1: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "reports", "01-sequential.xml"))
	if err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile(filepath.Join(dir, "reports", "grade.txt"))
	if err != nil {
		t.Fatal(err)
	}
	res, ok := (&runner{root: dir}).loadResults()["01-sequential"]
	if !ok {
		t.Fatal("grade kept no result for kata 01")
	}
	if !strings.Contains(string(table), fmt.Sprintf("%d of %d", res.Passed, res.Total)) {
		t.Fatalf("grade.txt does not show the kept result %d of %d:\n%s", res.Passed, res.Total, table)
	}
	doc := checkJUnitFile(t, "reports/01-sequential.xml", data, dir, res)
	for _, c := range doc.Suites[0].Cases {
		if c.Error == nil || c.Error.Type != "not implemented" {
			t.Errorf("stub spec %q: want <error type=\"not implemented\">, got %+v %+v", c.Name, c.Error, c.Failure)
		}
	}
}
