package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// poolSolution is a small solution file for kata 02-pool.
const poolSolution = `// Package pool is a pool.
//
// This is the reference solution.
package pool

// Workers is how many.
const Workers = 5

func run() {
	start()
	wait()
}
`

func TestPreambleHeader(t *testing.T) {
	what, kb := preambleHeader("mutant: unbounded\nkilled-by: bounds workers\n// killed-by: [race detector]\nkilled-by: bounds workers\n\nA note.\n")
	if what != "unbounded" || !reflect.DeepEqual(kb, []string{"bounds workers", "[race detector]"}) {
		t.Errorf("preambleHeader = %q, %q", what, kb)
	}
}

func TestPatchMutants(t *testing.T) {
	const m = "katas/02-pool/testdata/mutants/"
	good := "mutant: no wait\nkilled-by: waits\n\n--- solutions/02-pool/pool.go\n+++ solutions/02-pool/pool.go\n" +
		"@@ -9,4 +9,3 @@\n func run() {\n \tstart()\n-\twait()\n }\n"
	root := writeTree(t, map[string]string{
		"katas/02-pool/pool.go":      "package pool\n",
		"katas/02-pool/pool_test.go": "package pool_test\n",
		"solutions/02-pool/pool.go":  poolSolution,
		m + "good.patch":             good,
		m + "stale.patch": "mutant: x\nkilled-by: y\n\n--- solutions/02-pool/pool.go\n+++ solutions/02-pool/pool.go\n" +
			"@@ -1,3 +1,3 @@\n // Package pool is a pool.\n-//\n+// Hi.\n // This is the solution.\n",
		m + "other-file.patch":    "mutant: x\nkilled-by: y\n\n--- solutions/02-pool/worker.go\n+++ solutions/02-pool/worker.go\n@@ -1 +1 @@\n-a\n+b\n",
		m + "no-killed-by.patch":  strings.Replace(good, "killed-by: waits\n", "", 1),
		m + "no-mutant.patch":     strings.Replace(good, "mutant: no wait\n", "", 1),
		m + "no-diff.patch":       "mutant: x\nkilled-by: y\n",
		m + "both.patch":          good,
		"harness/loop/loop.go":    "package loop\n",
		m + "stale-harness.patch": "mutant: x\nkilled-by: y\n\n--- harness/loop/loop.go\n+++ harness/loop/loop.go\n@@ -1 +1 @@\n-package other\n+package x\n",
		m + "both/pool.go":        "// mutant: x\n// killed-by: y\npackage pool\n",
	})
	got := mutantsByName(t, kata{Num: 2, Dir: "02-pool", Name: "pool"}, root)
	if len(got) != 8 {
		t.Fatalf("got %d mutants (%v); want 8", len(got), got)
	}
	g := got["good"]
	if g.Err != nil || g.What != "no wait" || !reflect.DeepEqual(g.KilledBy, []string{"waits"}) || g.Patch != filepath.Join(root, m+"good.patch") {
		t.Fatalf("good mutant = %+v", g)
	}
	patched := filepath.Join(root, ".kata/overlays/patched/02-pool/good/pool.go")
	if want := map[string]string{filepath.Join(root, "katas/02-pool/pool.go"): patched}; !reflect.DeepEqual(g.Overlay, want) {
		t.Errorf("overlay = %v; want %v", g.Overlay, want)
	}
	if src, err := os.ReadFile(patched); err != nil || string(src) != strings.Replace(poolSolution, "\twait()\n", "", 1) {
		t.Errorf("patched file = %q, %v", src, err)
	}
	errs := map[string]string{
		"stale":         `mutant 02/stale: hunk 1 (line 3) does not apply to solutions/02-pool/pool.go: expected "// This is the solution.", found "// This is the reference solution." (katas/02-pool/testdata/mutants/stale.patch was made against another version of the solution`,
		"other-file":    `the diff of "solutions/02-pool/worker.go" must name a solution file that replaces a learner file (one of solutions/02-pool/{pool.go})`,
		"no-killed-by":  `mutant 02/no-killed-by: no "killed-by: <text of the spec that must fail>" line in the preamble of katas/02-pool/testdata/mutants/no-killed-by.patch`,
		"no-mutant":     `no "mutant: <what is wrong>" line in the preamble`,
		"no-diff":       "no-diff.patch holds no diff",
		"both":          "is both a folder and a patch",
		"stale-harness": `hunk 1 (line 1) does not apply to harness/loop/loop.go: expected "package other", found "package loop" (katas/02-pool/testdata/mutants/stale-harness.patch was made against another version of it)`,
	}
	checkMutantErrors(t, got, errs)
}

func TestDropCommentDrift(t *testing.T) {
	mutant := strings.NewReplacer(
		"//\n// This is the reference solution.\n", "", // drift: the package doc
		"// Workers is how many.", "// Workers is the number of workers.", // drift: a doc comment
		"\twait()\n", "\t// no wait: the bug\n", // the bug, with its note
	).Replace(poolSolution)
	got, dropped := dropCommentDrift([]byte(poolSolution), []byte(mutant))
	want := strings.Replace(poolSolution, "\twait()\n", "\t// no wait: the bug\n", 1)
	if string(got) != want || dropped != 4 {
		t.Errorf("dropCommentDrift = %q, %d; want %q, 4", got, dropped, want)
	}
	// A line whose code changed keeps its new comment.
	mutant = strings.Replace(poolSolution, "const Workers = 5", "const Workers = 6 // one too many", 1)
	if got, dropped := dropCommentDrift([]byte(poolSolution), []byte(mutant)); string(got) != mutant || dropped != 0 {
		t.Errorf("code change: dropCommentDrift = %q, %d; want the mutant unchanged", got, dropped)
	}
	// Only a trailing comment changed: drift.
	mutant = strings.Replace(poolSolution, "\tstart()\n", "\tstart() // go\n", 1)
	if got, _ := dropCommentDrift([]byte(poolSolution), []byte(mutant)); string(got) != poolSolution {
		t.Errorf("trailing comment: dropCommentDrift = %q; want the solution", got)
	}
}

func TestSplitMutantHeader(t *testing.T) {
	src := "// mutant: no wait\n// killed-by: waits\n//\n// A note on why.\n\n// Package pool is a pool.\npackage pool\n"
	h, b, err := splitMutantHeader([]byte(src))
	if err != nil || string(h) != "// mutant: no wait\n// killed-by: waits\n//\n// A note on why.\n" || string(b) != "// Package pool is a pool.\npackage pool\n" {
		t.Errorf("splitMutantHeader = %q, %q, %v", h, b, err)
	}
	if got := headerPreamble(h); got != "mutant: no wait\nkilled-by: waits\n\nA note on why.\n" {
		t.Errorf("headerPreamble = %q", got)
	}
	h, b, _ = splitMutantHeader([]byte("// mutant: x\n// killed-by: y\n// Package pool is a pool.\npackage pool\n"))
	if string(h) != "// mutant: x\n// killed-by: y\n" || string(b) != "// Package pool is a pool.\npackage pool\n" {
		t.Errorf("header against the doc comment: %q, %q", h, b)
	}
	if _, _, err := splitMutantHeader([]byte("// Package pool\npackage pool\n")); err != errNoHeader {
		t.Errorf("no header: error %v", err)
	}
}

// kataTree is a one-kata repository with a whole-file mutant "no-wait".
func kataTree(t *testing.T, extra map[string]string) (*runner, kata, *bytes.Buffer) {
	t.Helper()
	mutantSrc := "// mutant: no wait\n// killed-by: waits\n\n" + strings.NewReplacer(
		"//\n// This is the reference solution.\n", "",
		"\twait()\n", "\t// no wait\n",
	).Replace(poolSolution)
	files := map[string]string{
		"go.mod":                                         "module example\n",
		"katas/02-pool/pool.go":                          "package pool\n",
		"katas/02-pool/pool_test.go":                     "package pool_test\n",
		"solutions/02-pool/pool.go":                      poolSolution,
		"katas/02-pool/testdata/mutants/no-wait/pool.go": mutantSrc,
	}
	for p, s := range extra {
		files[p] = s
	}
	root := writeTree(t, files)
	var out bytes.Buffer
	return &runner{root: root, stdout: &out, stderr: &out}, kata{Num: 2, Dir: "02-pool", Name: "pool"}, &out
}

func TestConvertMutants(t *testing.T) {
	r, k, out := kataTree(t, map[string]string{
		// A rewrite: the patch would be longer than the file.
		"katas/02-pool/testdata/mutants/rewrite/pool.go": "// mutant: all new\n// killed-by: waits\n\npackage pool\n\nfunc run() {}\n",
	})
	if err := r.devCmd([]string{"mutants", "convert"}); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	want := `mutant: no wait
killed-by: waits

--- solutions/02-pool/pool.go
+++ solutions/02-pool/pool.go
@@ -8,5 +8,5 @@
 
 func run() {
 	start()
-	wait()
+	// no wait
 }
`
	got, err := os.ReadFile(k.mutantPatchPath(r.root, "no-wait"))
	if err != nil || string(got) != want {
		t.Fatalf("no-wait.patch = %q, %v; want %q\noutput:\n%s", got, err, want, out)
	}
	if isDir(k.path(r.root, "testdata/mutants/no-wait")) {
		t.Error("the whole-file mutant's folder is still there")
	}
	if !isFile(k.path(r.root, "testdata/mutants/rewrite/pool.go")) || isFile(k.mutantPatchPath(r.root, "rewrite")) {
		t.Error("the rewrite was not kept whole")
	}
	checkContains(t, "output", out.String(), "02/no-wait: katas/02-pool/testdata/mutants/no-wait.patch: 2 lines changed, 2 lines of comment drift dropped",
		"02/rewrite: kept whole")
	// Run again: nothing left to convert, the rewrite stays whole.
	out.Reset()
	if err := r.devCmd([]string{"mutants", "convert"}); err != nil || strings.Contains(out.String(), "no-wait") {
		t.Errorf("second convert: %v\n%s", err, out)
	}
	ms, _ := k.mutants(r.root)
	if len(ms) != 2 || ms[0].Err != nil || ms[1].Err != nil {
		t.Errorf("mutants after convert: %+v", ms)
	}
}

func TestEditSaveMutant(t *testing.T) {
	r, k, out := kataTree(t, nil)
	if err := r.devCmd([]string{"mutants", "convert"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := r.devCmd([]string{"mutant", "edit", "2", "no-wait"}); err != nil {
		t.Fatalf("edit: %v\n%s", err, out)
	}
	edit := filepath.Join(r.root, ".kata/mutant-edit/02-pool/no-wait/pool.go")
	if strings.TrimSpace(out.String()) != ".kata/mutant-edit/02-pool/no-wait/pool.go" {
		t.Errorf("edit printed %q; want the file's path", out)
	}
	src, err := os.ReadFile(edit)
	if err != nil || !strings.Contains(string(src), "// no wait") {
		t.Fatalf("edited copy = %q, %v", src, err)
	}
	// The maintainer changes the bug, and saves.
	writeFile(t, edit, strings.Replace(string(src), "\tstart()\n", "", 1))
	if err := r.devCmd([]string{"mutant", "edit", "2", "no-wait"}); err == nil || !strings.Contains(err.Error(), "holds edits that are not saved") {
		t.Errorf("edit over unsaved edits: error %v", err)
	}
	out.Reset()
	if err := r.devCmd([]string{"mutant", "save", "2", "no-wait"}); err != nil {
		t.Fatalf("save: %v\n%s", err, out)
	}
	p, _ := os.ReadFile(k.mutantPatchPath(r.root, "no-wait"))
	if !strings.HasPrefix(string(p), "mutant: no wait\nkilled-by: waits\n\n--- solutions/02-pool/pool.go\n") ||
		!strings.Contains(string(p), "-\tstart()\n-\twait()\n+\t// no wait\n") {
		t.Errorf("saved patch:\n%s", p)
	}
	// Once saved, edit writes the same file again.
	if err := r.devCmd([]string{"mutant", "edit", "2", "no-wait"}); err != nil {
		t.Errorf("edit after save: %v", err)
	}

	// A new mutant: a copy of the solution, saved with an empty preamble to fill in.
	if err := r.devCmd([]string{"mutant", "new", "2", "no-wait"}); err == nil || !strings.Contains(err.Error(), "already has a mutant no-wait") {
		t.Errorf("new over an existing mutant: error %v", err)
	}
	if err := r.devCmd([]string{"mutant", "new", "2", "five"}); err != nil {
		t.Fatal(err)
	}
	if err := r.devCmd([]string{"mutant", "save", "2", "five"}); err == nil || !strings.Contains(err.Error(), "the solution unchanged") {
		t.Errorf("save of an unchanged copy: error %v", err)
	}
	five := filepath.Join(r.root, ".kata/mutant-edit/02-pool/five/pool.go")
	writeFile(t, five, strings.Replace(poolSolution, "= 5", "=  4", 1))
	if err := r.devCmd([]string{"mutant", "save", "2", "five"}); err == nil || !strings.Contains(err.Error(), "not gofmt clean") {
		t.Errorf("save of an unformatted file: error %v", err)
	}
	writeFile(t, five, strings.Replace(poolSolution, "= 5", "= 4", 1))
	if err := r.devCmd([]string{"mutant", "save", "2", "five"}); err != nil {
		t.Fatal(err)
	}
	ms, _ := k.mutants(r.root)
	if len(ms) != 2 || ms[0].Name != "five" || ms[0].Err == nil || !strings.Contains(ms[0].Err.Error(), `no "killed-by:`) {
		t.Errorf("new mutant before its preamble is filled in: %+v", ms)
	}
}

// TestRepoMutantPatchesApply applies every mutant patch of the repository to
// its solution (in memory): a solution changed under a patch fails here,
// naming the mutant and the hunk, before any proof runs.
func TestRepoMutantPatchesApply(t *testing.T) {
	root, katas := thisRepoKatas(t)
	n := 0
	for _, k := range katas {
		patches, _ := filepath.Glob(k.path(root, "testdata", "mutants", "*"+patchExt))
		for _, p := range patches {
			n++
			m := mutant{Name: strings.TrimSuffix(filepath.Base(p), patchExt)}
			files, err := k.applyMutantPatch(root, p)
			if err != nil {
				t.Errorf("%s: %v", m.label(k), err)
				continue
			}
			if what, kb := preambleHeader(files.Preamble); what == "" || len(kb) == 0 {
				t.Errorf("%s: its preamble lacks a mutant: or a killed-by: line", m.label(k))
			}
		}
	}
	if n == 0 {
		t.Error("no mutant patch found in the repository")
	}
}

// TestEditStaleMutant: when the solution changed under a patch, edit starts
// from the solution as it is now, with the old patch beside it, and save
// writes a patch that applies again.
func TestEditStaleMutant(t *testing.T) {
	r, k, out := kataTree(t, nil)
	if err := r.devCmd([]string{"mutants", "convert"}); err != nil {
		t.Fatal(err)
	}
	newSolution := strings.Replace(poolSolution, "\tstart()\n", "\tstart(1)\n", 1)
	writeFile(t, filepath.Join(r.root, "solutions/02-pool/pool.go"), newSolution)
	ms, _ := k.mutants(r.root)
	if len(ms) != 1 || ms[0].Err == nil || !strings.Contains(ms[0].Err.Error(), `mutant 02/no-wait: hunk 1 (line 10) does not apply to solutions/02-pool/pool.go: expected "\tstart()", found "\tstart(1)"`) {
		t.Fatalf("stale mutant: %+v", ms)
	}
	out.Reset()
	if err := r.devCmd([]string{"mutant", "edit", "2", "no-wait"}); err != nil {
		t.Fatalf("edit: %v\n%s", err, out)
	}
	dir := filepath.Join(r.root, ".kata/mutant-edit/02-pool/no-wait")
	if src, _ := os.ReadFile(filepath.Join(dir, "pool.go")); string(src) != newSolution {
		t.Errorf("edit copy = %q; want the solution as it is now", src)
	}
	if !isFile(filepath.Join(dir, "was.patch")) || !strings.Contains(out.String(), "was.patch") {
		t.Errorf("no old patch beside the copy; output:\n%s", out)
	}
	writeFile(t, filepath.Join(dir, "pool.go"), strings.Replace(newSolution, "\twait()\n", "", 1))
	if err := r.devCmd([]string{"mutant", "save", "2", "no-wait"}); err != nil {
		t.Fatal(err)
	}
	if ms, _ := k.mutants(r.root); len(ms) != 1 || ms[0].Err != nil || ms[0].What != "no wait" {
		t.Errorf("mutant after save: %+v", ms)
	}
}

// devCmd is `kata dev mutant ...` / `kata dev mutants ...` without the
// command table, as these tests call it.
func (r *runner) devCmd(args []string) error {
	if args[0] == "mutants" {
		return r.devMutants(args[1:])
	}
	return r.devMutant(args[1:])
}
