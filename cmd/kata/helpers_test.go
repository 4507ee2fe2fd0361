package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Helpers the tests of the kata tool share: the repository they run in,
// a small repository of their own in a temporary folder, the tool run in
// process, and what its output must hold.

// thisRepo returns the root of the repository the tests run in.
func thisRepo(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// thisRepoKatas returns the root of the repository the tests run in and
// its katas.
func thisRepoKatas(t *testing.T) (string, []kata) {
	t.Helper()
	root := thisRepo(t)
	katas, err := discoverKatas(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, katas
}

// writeFile writes text to path, making its folder first.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeTree creates files (slash path -> content) under a new temporary
// root and returns the root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(p)), content)
	}
	return root
}

// runTool runs the kata tool in process, as `kata args...`, and returns
// its exit code and what it wrote to stdout and to stderr.
func runTool(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// runToolWant runs the tool as runTool does and ends the test unless it
// exits with want.
func runToolWant(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runTool(args...)
	if code != want {
		t.Fatalf("kata %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// checkContains reports each of wants that text lacks; what names the text
// in the report ("output", "grade table").
func checkContains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// checkLacks is checkContains' opposite: text (called what in the
// message) holds none of unwanted.
func checkLacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			t.Errorf("%s holds %q:\n%s", what, u, text)
		}
	}
}
