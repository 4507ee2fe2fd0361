package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionCommandsAnswerBadInput: every command of compare and examples
// answers (timeline's: timelinecmd_test.go) a mistake with the kata list, the usage and what to do.
func TestVersionCommandsAnswerBadInput(t *testing.T) {
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"compare", "3"}, "compare takes no kata number"},
		{[]string{"compare", "-samples", "0"}, "-samples 0"},
		{[]string{"examples"}, "want io or cpu"},
		{[]string{"examples", "disk"}, "want io or cpu"},
		{[]string{"examples", "cpu", "6"}, "kata 06-cooperative has no CPU version to run: examples-cpu works for katas 1, 4, 5, 10"},
		{[]string{"examples", "io", "99"}, "no kata number 99"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(c.args, &out, &errOut)
		e := errOut.String()
		if code != 2 || !strings.Contains(e, c.err) || !strings.Contains(e, "usage: kata") || !strings.Contains(e, "01") {
			t.Errorf("run(%q) = %d, stderr:\n%s\nwant exit 2, the kata list, the usage and %q", c.args, code, e, c.err)
		}
	}
}

// TestAdaptersMatchTheKatas: every adapter names a kata of this copy, each
// compare row and example has an adapter with its workload, and the
// generated runner is valid Go that imports the kata's package.
func TestAdaptersMatchTheKatas(t *testing.T) {
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	katas, err := discoverKatas(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range adapters {
		k, ok := verKataByNum(katas, a.Kata)
		if !ok {
			t.Errorf("adapter for kata %02d: no such kata", a.Kata)
			continue
		}
		if a.IO == "" && a.CPU == "" {
			t.Errorf("adapter for kata %s runs nothing", k.Dir)
		}
		src := a.source("example.com/m", k)
		f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
		if err != nil {
			t.Errorf("kata %s: generated runner does not parse: %v\n%s", k.Dir, err, src)
			continue
		}
		found := false
		for _, imp := range f.Imports {
			if imp.Path.Value == `"example.com/m/katas/`+k.Dir+`"` {
				found = true
			}
		}
		if !found {
			t.Errorf("kata %s: generated runner does not import the kata's package", k.Dir)
		}
	}
	for _, v := range cmpVersions {
		a, ok := adapterFor(v.Kata)
		if !ok || (v.Workload == "io" && a.IO == "") || (v.Workload == "cpu" && a.CPU == "") {
			t.Errorf("compare row %q (kata %02d, %s) has no adapter for its workload", v.Label, v.Kata, v.Workload)
		}
	}
	if cmpVersions[0].Kata != 1 || cmpVersions[0].Workload != "io" {
		t.Errorf("the first I/O row must be the sequential baseline (kata 01)")
	}
	if got := katasWith("io"); got != "1, 3, 6, 7, 10" {
		t.Errorf("katasWith(io) = %q", got)
	}
}

// TestRunnersCompileAgainstTheStubs builds every generated runner over the
// learner's stubs: an adapter that no longer fits its kata's API fails
// here, not in a learner's `make compare`.
func TestRunnersCompileAgainstTheStubs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a program per kata (about 10 s)")
	}
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	katas, _ := discoverKatas(root)
	module, err := verModulePath(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, ".kata", "run", "test-compile")
	for _, a := range adapters {
		k, _ := verKataByNum(katas, a.Kata)
		d := filepath.Join(dir, k.Dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(a.source(module, k)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "vet", filepath.Join(d, "main.go"))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("kata %s: the generated runner does not build against the stub:\n%s", k.Dir, out)
		}
	}
	os.RemoveAll(dir)
}
