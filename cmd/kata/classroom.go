package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// GitHub Classroom grades with a workflow, .github/workflows/classroom.yml:
// grader steps, each leaving a base64 JSON result in its `result` output,
// then classroom-resources/autograding-grading-reporter, which reads each
// runner's result from the env variable <ID>_RESULTS, adds up the `score` of
// every test in it against the runner's `max_score`, and sends the total to
// Classroom. The stock autograding-command-grader reports one test, all or
// nothing, from an exit status; our grader step (`kata classroom result N`)
// reports one test per task of the kata, so a learner who has done two tasks
// of three gets their points for two.

// classroomCmd: `classroom workflow` writes the workflow from the kata list,
// `classroom result N` grades kata N for the reporter, `classroom template
// DIR` writes a student template repository.
func (r *runner) classroomCmd(args []string) error {
	if len(args) == 0 {
		return usageError{"classroom needs a subcommand: workflow, result N or template DIR"}
	}
	switch args[0] {
	case "workflow":
		return r.classroomWorkflowCmd(args[1:])
	case "result":
		return r.classroomResultCmd(args[1:])
	case "template":
		return r.classroomTemplateCmd(args[1:])
	default:
		return usageError{fmt.Sprintf("unknown classroom subcommand %q (workflow, result N, template DIR)", args[0])}
	}
}

// Points: each task of a kata, and the whole kata passing under -race.
const (
	taskPoints  = 10
	solvedScore = 10
)

// classroomWorkflowPath is where GitHub Classroom looks for the workflow.
const classroomWorkflowPath = ".github/workflows/classroom.yml"

// gradeStepID is the step id of kata k, also its runner name for the reporter.
func gradeStepID(k kata) string { return fmt.Sprintf("kata_%02d", k.Num) }

// kataTasks lists the task numbers the kata's specs name ("Task 2: ..."),
// read from its spec files so that a kata that does not build keeps its
// maximum score.
func kataTasks(root string, k kata) ([]int, error) {
	files, err := filepath.Glob(k.path(root, "*_test.go"))
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range specTaskRE.FindAllSubmatch(data, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			seen[n] = true
		}
	}
	var out []int
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// specTaskRE finds a task in a spec text literal: `Describe("Task 2: ...`.
var specTaskRE = regexp.MustCompile(`"Task ([0-9]+)\b`)

func maxScore(tasks []int) int { return taskPoints*len(tasks) + solvedScore }

// classroomWorkflow is the workflow text for the katas.
func classroomWorkflow(root string, katas []kata) (string, error) {
	var b strings.Builder
	b.WriteString(`# GitHub Classroom's autograding, written by "go run ./cmd/kata classroom workflow"
# from the katas/ folder: do not edit by hand (a spec in cmd/kata keeps it in step).
# One grader step per kata reports a score per task: ` + strconv.Itoa(taskPoints) + ` points for each task whose specs all
# pass, ` + strconv.Itoa(solvedScore) + ` more when the whole kata passes under -race. The reporter adds the steps
# up and sends the total to GitHub Classroom.
name: Autograding Tests
"on":
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    env:
      GORACE: atexit_sleep_ms=0
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      # The kata project itself carries this file too, with its solutions/
      # and its stubs: there is nothing to grade there, and a red run on every
      # push would say nothing. A student's copy (make classroom) has no solutions/.
      - name: Grade a student's copy only
        id: copy
        run: |
          if [ -d solutions ]; then
            echo "This is the kata project itself (solutions/ is here): nothing to grade. Student repositories come from: make classroom DIR=..."
            echo "student=false" >> "$GITHUB_OUTPUT"
          else
            echo "student=true" >> "$GITHUB_OUTPUT"
          fi
      - name: Set up Go from go.mod
        if: steps.copy.outputs.student == 'true'
        uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - name: Build the kata tool
        if: steps.copy.outputs.student == 'true'
        run: go build -o .kata/bin/kata ./cmd/kata
`)
	var ids, env []string
	for _, k := range katas {
		tasks, err := kataTasks(root, k)
		if err != nil {
			return "", err
		}
		if len(tasks) == 0 {
			return "", fmt.Errorf("katas/%s: no spec names a task (\"Task 1: ...\"): nothing to grade", k.Dir)
		}
		id := gradeStepID(k)
		fmt.Fprintf(&b, `      - name: "Kata %02d: %s (%d tasks, %d points)"
        id: %s
        if: steps.copy.outputs.student == 'true' && (success() || failure())
        timeout-minutes: 12
        run: .kata/bin/kata classroom result -timeout 10m %d >> "$GITHUB_OUTPUT"
`, k.Num, k.Name, len(tasks), maxScore(tasks), id, k.Num)
		ids = append(ids, id)
		env = append(env, fmt.Sprintf("          %s_RESULTS: \"${{ steps.%s.outputs.result }}\"\n", strings.ToUpper(id), id))
	}
	b.WriteString(`      - name: Autograding Reporter
        if: always() && steps.copy.outputs.student == 'true'
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
`)
	b.WriteString(strings.Join(env, ""))
	fmt.Fprintf(&b, "        with:\n          runners: %s\n", strings.Join(ids, ","))
	return b.String(), nil
}

func (r *runner) classroomWorkflowCmd(args []string) error {
	if len(args) > 0 {
		return usageError{"classroom workflow takes no arguments"}
	}
	n, err := r.writeClassroomWorkflow(r.root)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "wrote %s: %d katas\n", classroomWorkflowPath, n)
	return nil
}

// writeClassroomWorkflow writes the workflow for this repository's katas
// at classroomWorkflowPath under dir (this repository, or a student
// template) and returns how many katas it grades.
func (r *runner) writeClassroomWorkflow(dir string) (int, error) {
	katas, err := discoverKatas(r.root)
	if err != nil {
		return 0, err
	}
	text, err := classroomWorkflow(r.root, katas)
	if err != nil {
		return 0, err
	}
	return len(katas), writeTemplateFile(dir, classroomWorkflowPath, []byte(text), 0o644)
}

// runnerResult is the JSON a grader step leaves for the reporter (the
// shape autograding-command-grader writes, version 1).
type runnerResult struct {
	Version  int          `json:"version"`
	Status   string       `json:"status"` // pass, fail or error
	MaxScore int          `json:"max_score"`
	Tests    []runnerTest `json:"tests"`
}

type runnerTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Score    int    `json:"score"`
	Message  string `json:"message,omitempty"`
	TestCode string `json:"test_code"`
	Filename string `json:"filename"`
	LineNo   int    `json:"line_no"`
	Duration int    `json:"duration"` // milliseconds
}

// classroomResultCmd runs kata N's specs on the learner's files and prints
// `result=<base64 JSON>` for $GITHUB_OUTPUT; a summary goes to stderr. It
// always prints a result, even when the kata does not build or runs out of
// time, so that the reporter can add up the other katas.
func (r *runner) classroomResultCmd(args []string) error {
	fs := flag.NewFlagSet("classroom result", flag.ContinueOnError)
	fs.SetOutput(r.stderr)
	timeout := fs.Duration("timeout", 10*time.Minute, "stop the kata's specs after this long (they then score 0)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"classroom result needs one kata number"}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	k, err := findKata(katas, fs.Arg(0))
	if err != nil {
		return err
	}
	tasks, err := kataTasks(r.root, k)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := r.runLearnerSpecs(ctx, k, "classroom", "")
	if err != nil {
		return err
	}
	var reports []types.Report
	if res.State != stateBroken {
		reports, _ = loadReports(filepath.Join(r.root, ".kata", "reports", k.Dir+"-classroom.json"))
	}
	if ctx.Err() != nil {
		res = kataResult{Dir: k.Dir, State: stateBroken, Note: fmt.Sprintf("the specs ran past %s and were stopped", *timeout)}
		reports = nil
	}
	result := gradeKata(k, tasks, reports, res)
	data, err := json.Marshal(result)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "result=%s\n", base64.StdEncoding.EncodeToString(data))
	score := 0
	for _, t := range result.Tests {
		score += t.Score
		fmt.Fprintf(r.stderr, "%-5s %2d  %s: %s\n", t.Status, t.Score, t.Name, t.Message)
	}
	fmt.Fprintf(r.stderr, "kata %s: %d of %d points\n", k.Dir, score, result.MaxScore)
	return nil
}

// gradeKata scores one run: taskPoints per task whose specs all pass,
// solvedScore when the kata is solved (every spec passes and the run
// succeeds, so no data race). reports is nil when the specs did not run.
func gradeKata(k kata, tasks []int, reports []types.Report, res kataResult) runnerResult {
	out := runnerResult{Version: 1, MaxScore: maxScore(tasks), Status: "pass"}
	type tally struct {
		passed, total int
		firstFail     string
	}
	byTask := map[int]*tally{}
	for _, t := range tasks {
		byTask[t] = &tally{}
	}
	for _, s := range itSpecs(reports) {
		if hasLabel(s, harnessLabel) {
			continue
		}
		t := byTask[specTask(s)]
		if t == nil {
			continue // a spec outside every task counts for the whole kata only
		}
		t.total++
		if s.State.Is(types.SpecStatePassed) {
			t.passed++
		} else if t.firstFail == "" {
			t.firstFail = s.FullText()
			if msg := failureHeadline(s); msg != "" {
				t.firstFail += ": " + msg
			}
		}
	}
	for _, n := range tasks {
		t := byTask[n]
		rt := runnerTest{Name: fmt.Sprintf("Kata %02d %s, task %d", k.Num, k.Name, n), TestCode: "make kata N=" + strconv.Itoa(k.Num),
			Filename: "katas/" + k.Dir + "/README.md"}
		switch {
		case reports == nil:
			rt.Status, rt.Message = "error", "the specs did not run: "+res.Note
		case t.total == 0:
			rt.Status, rt.Message = "error", "no spec of this task ran"
		case t.passed == t.total:
			rt.Status, rt.Score, rt.Message = "pass", taskPoints, fmt.Sprintf("all %d specs pass", t.total)
		default:
			rt.Status, rt.Message = "fail", fmt.Sprintf("%d of %d specs pass; first failing: %s", t.passed, t.total, t.firstFail)
		}
		out.Tests = append(out.Tests, rt)
	}
	whole := runnerTest{Name: fmt.Sprintf("Kata %02d %s, the whole kata under -race", k.Num, k.Name), TestCode: "make kata N=" + strconv.Itoa(k.Num),
		Filename: "katas/" + k.Dir + "/README.md", Message: res.summary()}
	switch res.State {
	case stateSolved:
		whole.Status, whole.Score = "pass", solvedScore
	case stateBroken:
		whole.Status = "error"
	default:
		whole.Status = "fail"
	}
	out.Tests = append(out.Tests, whole)
	for _, t := range out.Tests {
		if t.Status == "error" {
			out.Status = "error"
		} else if t.Status == "fail" && out.Status == "pass" {
			out.Status = "fail"
		}
	}
	return out
}

// errNoSolutions is what a command that needs the reference solutions says
// in a student copy (`make classroom`), which has none.
var errNoSolutions = errors.New("the reference solutions are not in this copy of the katas (it is a classroom copy): " +
	"`make kata N=1` runs the specs on your code, `make hint N=1` gives a hint, `make progress` shows where you stand")

// templateExcluded says whether a repository file stays out of the student
// template: the solutions, the wrong versions the proof uses, the
// maintainers' CI and the kata tool's own tests (which need both).
func templateExcluded(p string) bool {
	switch {
	case strings.HasPrefix(p, "solutions/"), strings.HasPrefix(p, ".ci/"), strings.HasPrefix(p, ".github/"),
		strings.HasPrefix(p, "cmd/kata/testdata/"), strings.HasPrefix(p, "cmd/kata/") && strings.HasSuffix(p, "_test.go"),
		p == "scripts/budgets.sh":
		return true
	}
	if m, _ := path.Match("katas/*/testdata/mutants", firstN(p, 4)); m {
		return true
	}
	return false
}

// firstN is the first n elements of a slash path.
func firstN(p string, n int) string {
	parts := strings.SplitN(p, "/", n+1)
	if len(parts) > n {
		parts = parts[:n]
	}
	return strings.Join(parts, "/")
}

// classroomTemplateCmd writes a student template repository into DIR: the
// committed files (HEAD, so a teacher's own work in progress stays out) less
// templateExcluded, the learner's README, the classroom workflow, and one
// commit, since the learner's tools (reset, progress) find the stubs in git.
func (r *runner) classroomTemplateCmd(args []string) error {
	if len(args) != 1 || args[0] == "" {
		return usageError{"classroom template needs the folder to write: make classroom DIR=../katas-template"}
	}
	dir, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists and is not empty: the template goes into a new or empty folder (nothing there is overwritten)", args[0])
	} else if err != nil && !os.IsNotExist(err) {
		return err
	}
	if rel, err := filepath.Rel(r.root, dir); err == nil && !strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is inside this repository: write the template outside it", args[0])
	}
	archive, err := gitOutput(r.root, "archive", "--format=tar", "HEAD")
	if err != nil {
		return fmt.Errorf("reading the committed files (the template is made from HEAD): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := 0
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg || templateExcluded(h.Name) {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if h.Name == "README.md" {
			data = []byte(learnerReadme(string(data)))
		}
		if err := writeTemplateFile(dir, h.Name, data, os.FileMode(h.Mode).Perm()); err != nil {
			return err
		}
		files++
	}
	if _, err := r.writeClassroomWorkflow(dir); err != nil {
		return err
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"},
		{"-c", "user.name=Concurrency katas", "-c", "user.email=katas@classroom.invalid", "commit", "-q", "-m", "Concurrency katas: the student template"}} {
		if _, err := gitOutput(dir, args...); err != nil {
			return err
		}
	}
	fmt.Fprintf(r.stdout, "wrote the student template to %s: %d files and %s, committed on branch main (no solutions/, no testdata/mutants/)\n",
		args[0], files+1, classroomWorkflowPath)
	fmt.Fprintln(r.stdout, "next: push it to a new GitHub repository, mark it a template, and pick it in a GitHub Classroom assignment (README, Classroom)")
	return nil
}

// writeTemplateFile writes data at rel (slash-separated) under dir, making
// its folders first.
func writeTemplateFile(dir, rel string, data []byte, perm os.FileMode) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, perm|0o600)
}

// learnerReadme is the README for a student copy: the project's README
// without the sections for teachers and maintainers, and a word on the copy.
func learnerReadme(readme string) string {
	drop := map[string]bool{"## Classroom": true, "## Layout": true, "## For maintainers": true}
	var out []string
	skipping := false
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "## ") {
			skipping = drop[strings.TrimSpace(line)]
		}
		if !skipping {
			out = append(out, line)
		}
	}
	text := strings.TrimRight(strings.Join(out, "\n"), "\n")
	// The paragraph on the project's own proof (make test) and its command:
	// this copy has nothing to prove it with.
	if i := strings.Index(text, "The project's own proof"); i >= 0 {
		if open := strings.Index(text[i:], "```"); open >= 0 {
			if end := strings.Index(text[i+open+3:], "```"); end >= 0 {
				text = text[:i] + strings.TrimLeft(text[i+open+3+end+3:], "\n")
			}
		}
	}
	return text + `

## This copy

This is a classroom copy of the katas: the reference solutions are not in it, so ` + "`make solution`" + `,
` + "`make compare REF=1`" + ` and the reference examples say so and stop. Every push runs the
Autograding Tests workflow (the Actions tab): ` + strconv.Itoa(taskPoints) + ` points for each task whose specs all pass, ` + strconv.Itoa(solvedScore) + ` more
for each kata that passes whole under -race. ` + "`make progress`" + ` and ` + "`make grade`" + ` show the same
state on your machine.
`
}

func gitOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out, nil
}
