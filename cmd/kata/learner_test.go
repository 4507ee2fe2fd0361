package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLearnerCommands runs progress, hint, reset, grade and next for real
// (go test -race underneath) in a temporary git clone of the small repo in
// testdata/learner-repo: three katas, committed by a teacher, then edited
// by a learner.
func TestLearnerCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test in a temporary repository")
	}
	t.Setenv("KATA_VIA_MAKE", "") // messages in the tool's terms
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	realRoot := thisRepo(t)
	repo := t.TempDir()
	copyTree(t, "testdata/learner-repo", repo)
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(realRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(repo, f), string(data))
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off") // hermetic: the module cache has what go.sum names
	gitIn := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	gitIn("init", "-q")
	gitIn("config", "user.email", "teacher@example.org")
	gitIn("config", "user.name", "Teacher")
	gitIn("add", ".")
	gitIn("commit", "-q", "-m", "the katas")
	stub01, _ := os.ReadFile(filepath.Join(repo, "katas/01-one/one.go"))

	// The learner: task 1 of kata 01 done and committed, kata 02 solved,
	// kata 03 untouched.
	gitIn("config", "user.email", "learner@example.org")
	mine01 := strings.Replace(string(stub01), `panic("Add is not implemented yet: see README, task 1")`, "return a + b", 1)
	writeFile(t, filepath.Join(repo, "katas/01-one/one.go"), mine01)
	gitIn("commit", "-q", "-am", "kata 01, task 1")
	two := filepath.Join(repo, "katas/02-two/two.go")
	data, _ := os.ReadFile(two)
	writeFile(t, two, strings.Replace(string(data), `panic("Double is not implemented yet: see README, task 1")`, "return 2 * x", 1))

	t.Chdir(repo)
	out, _ := runToolWant(t, 0, "progress")
	checkContains(t, "progress", out,
		"01-one    failing: 1 of 3 specs pass (task 2 to do)",
		"02-two    solved: all 1 specs pass",
		"03-three  not started",
		"next: kata 01")

	// Hints: the first failing task is 2; one more each time.
	out, _ = runToolWant(t, 0, "hint", "1")
	checkContains(t, "first hint", out, "task 2, hint 1 of 2", "Multiplying is adding")
	out, _ = runToolWant(t, 0, "hint", "1")
	checkContains(t, "second hint", out, "hint 2 of 2", "return a * b", "last hint for task 2")
	out, _ = runToolWant(t, 0, "hint", "1")
	checkContains(t, "third ask", out, "no more hints for task 2")
	runToolWant(t, 0, "hint", "1", "-reset")
	out, _ = runToolWant(t, 0, "hint", "-task", "2", "1")
	checkContains(t, "after reset", out, "hint 1 of 2")
	out, _ = runToolWant(t, 0, "hint", "1", "-task", "1")
	checkContains(t, "a task without hints", out, "no staged hints for task 1")
	out, _ = runToolWant(t, 0, "hint", "3")
	checkContains(t, "a kata without hints", out, "has no staged hints", "README.md")

	// Reset: the learner's committed work is backed up, the teacher's stub restored.
	out, _ = runToolWant(t, 0, "reset", "1")
	checkContains(t, "reset", out, "your version is saved in katas/01-one/.backup/one.go.", "restored the stub")
	if now, _ := os.ReadFile(filepath.Join(repo, "katas/01-one/one.go")); !bytes.Equal(now, stub01) {
		t.Errorf("after reset, one.go is not the teacher's stub:\n%s", now)
	}
	backups, _ := filepath.Glob(filepath.Join(repo, "katas/01-one/.backup/one.go.*"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if b, _ := os.ReadFile(backups[0]); string(b) != mine01 {
		t.Errorf("the backup is not the learner's file:\n%s", b)
	}
	out, _ = runToolWant(t, 0, "reset", "1")
	checkContains(t, "second reset", out, "already the stub")

	// Grade: a kata that does not build is a grade, not an error.
	writeFile(t, filepath.Join(repo, "katas/03-three/three.go"), "package three\n\nfunc Double(x int) int { return x +* }\n")
	out, _ = runToolWant(t, 0, "grade")
	checkContains(t, "grade", out, "score: 1 of 4 specs pass (25%); 1 of 3 katas solved", "broken: does not build")
	// kata 01 is the stub again: grade, progress and next all call it not started.
	if !regexp.MustCompile(`01-one\s+0 of 3\s+not started`).MatchString(out) {
		t.Errorf("grade does not call the reset kata 01 not started:\n%s", out)
	}
	out, _ = runToolWant(t, 0, "progress")
	checkContains(t, "progress after reset", out, "01-one    not started")
	for _, k := range []string{"01-one", "02-two", "03-three"} {
		x, err := os.ReadFile(filepath.Join(repo, "reports", k+".xml"))
		if err != nil || !bytes.Contains(x, []byte("<testsuite")) {
			t.Errorf("reports/%s.xml: %v\n%s", k, err, x)
		}
	}
	if !isFile(filepath.Join(repo, "reports", "grade.txt")) {
		t.Error("no reports/grade.txt")
	}

	// next: the first kata not solved, run as `kata N` is (its specs fail: exit 1).
	out, errOut := runToolWant(t, 1, "next")
	checkContains(t, "next", errOut, "next: kata 01-one (not started)")
	checkContains(t, "next's run", out, "Task 1: Add", "Add is not implemented yet: see README, task 1", "next: Task 1 in katas/01-one/README.md")

	// kata N: tasks in order, the stub's panic on one line, no colour in a file.
	out, _ = runToolWant(t, 1, "kata", "1")
	if strings.Contains(out, "\033") || strings.Count(out, "is not implemented yet") != 2 || strings.Index(out, "Task 1") > strings.Index(out, "Task 2") {
		t.Errorf("kata 1:\n%s", out)
	}
	out, _ = runToolWant(t, 1, "kata", "1", "-focus", "Task 2")
	checkContains(t, "kata 1 -focus 'Task 2'", out, "not run (focus \"Task 2\")")
	checkLacks(t, "kata 1 -focus 'Task 2'", out, "Task 1")

	// Bad input: the error first, then the usage; the katas of this copy.
	for _, args := range [][]string{{"hint"}, {"hint", "9"}, {"reset"}, {"reset", "nope"}, {"watch"}, {"watch", "9"}, {"grade", "9"}} {
		_, errOut := runToolWant(t, 2, args...)
		if !strings.HasPrefix(errOut, "kata: ") || !strings.Contains(strings.Split(errOut, "\n")[0], "there are 01 to 03") {
			t.Errorf("kata %s: want the error, naming the katas 01 to 03, first:\n%s", strings.Join(args, " "), errOut)
		}
	}
	for _, args := range [][]string{{"progress", "1"}, {"next", "1"}, {"hint", "1", "-bogus"}} {
		_, errOut := runToolWant(t, 2, args...)
		checkContains(t, strings.Join(args, " "), errOut, "usage: kata "+args[0])
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(to, rel), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
