package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMutantHeader(t *testing.T) {
	cases := []struct {
		src      string
		what     string
		killedBy []string
	}{
		{"// mutant: forgets close(jobs)\n// killed-by: Pool closes the jobs channel\npackage pool\n", "forgets close(jobs)", []string{"Pool closes the jobs channel"}},
		{"//mutant:racy\n//killed-by:   [race detector]  \n\npackage x\n", "racy", []string{"[race detector]"}},
		{"// Copyright\n\n// mutant: a\n// killed-by: s1\n// killed-by: s2\n// killed-by: s1\npackage x\n", "a", []string{"s1", "s2"}},
		{"// mutant: a\npackage x\n// killed-by: after the package clause\n", "a", nil},
		{"package x\n", "", nil},
		{"// killed-by:\n// mutant:\npackage x\n", "", nil},
	}
	for _, c := range cases {
		what, kb := mutantHeader([]byte(c.src))
		if what != c.what || !reflect.DeepEqual(kb, c.killedBy) {
			t.Errorf("mutantHeader(%q) = %q, %q; want %q, %q", c.src, what, kb, c.what, c.killedBy)
		}
	}
}

// mutantsByName lists k's mutants in root by name.
func mutantsByName(t *testing.T, k kata, root string) map[string]mutant {
	t.Helper()
	ms, err := k.mutants(root)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]mutant{}
	for _, m := range ms {
		byName[m.Name] = m
	}
	return byName
}

// checkMutantErrors checks that each mutant named in want is refused with
// an error that holds its text.
func checkMutantErrors(t *testing.T, got map[string]mutant, want map[string]string) {
	t.Helper()
	for name, text := range want {
		if e := got[name].Err; e == nil || !strings.Contains(e.Error(), text) {
			t.Errorf("mutant %s: error %v; want one containing %q", name, e, text)
		}
	}
}

func TestMutants(t *testing.T) {
	const m = "katas/02-pool/testdata/mutants/"
	root := writeTree(t, map[string]string{
		"katas/02-pool/pool.go":        "package pool\n",
		"katas/02-pool/pool_test.go":   "package pool_test\n",
		m + "good/pool.go":             "// mutant: unbounded\n// killed-by: Pool bounds workers\npackage pool\n",
		m + "no-killed-by/pool.go":     "// mutant: unbounded\npackage pool\n",
		m + "no-mutant-line/pool.go":   "// killed-by: Pool bounds workers\npackage pool\n",
		m + "wrong-name/worker.go":     "// mutant: x\n// killed-by: y\npackage pool\n",
		m + "empty/README":             "nothing\n",
		"katas/02-pool/testdata/other": "",
	})
	got := mutantsByName(t, kata{Num: 2, Dir: "02-pool", Name: "pool"}, root)
	if len(got) != 5 {
		t.Fatalf("got %d mutants; want 5", len(got))
	}
	good := got["good"]
	if good.Err != nil || good.What != "unbounded" || !reflect.DeepEqual(good.KilledBy, []string{"Pool bounds workers"}) {
		t.Errorf("good mutant = %+v", good)
	}
	wantOverlay := map[string]string{
		filepath.Join(root, "katas/02-pool/pool.go"): filepath.Join(root, m+"good/pool.go"),
	}
	if !reflect.DeepEqual(good.Overlay, wantOverlay) {
		t.Errorf("overlay = %v; want %v", good.Overlay, wantOverlay)
	}
	errs := map[string]string{
		"no-killed-by":   `no "// killed-by:`,
		"no-mutant-line": `no "// mutant:`,
		"wrong-name":     "worker.go matches no learner file in katas/02-pool (learner files: pool.go)",
		"empty":          "holds no .go file",
	}
	checkMutantErrors(t, got, errs)
}

func TestSolutionOverlay(t *testing.T) {
	root := writeTree(t, map[string]string{
		"katas/01-seq/seq.go":        "package seq\n",
		"katas/01-seq/helpers.go":    "package seq\n",
		"katas/01-seq/seq_test.go":   "package seq\n",
		"solutions/01-seq/seq.go":    "package seq\n",
		"katas/02-pool/pool.go":      "package pool\n",
		"solutions/02-pool/pool.go":  "package pool\n",
		"solutions/02-pool/extra.go": "package pool\n",
		"katas/03-none/none.go":      "package none\n",
	})
	ov, err := kata{Dir: "01-seq"}.solutionOverlay(root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{filepath.Join(root, "katas/01-seq/seq.go"): filepath.Join(root, "solutions/01-seq/seq.go")}
	if !reflect.DeepEqual(ov, want) {
		t.Errorf("overlay = %v; want %v (a solution may omit a learner file)", ov, want)
	}
	if _, err := (kata{Dir: "02-pool"}).solutionOverlay(root); err == nil || !strings.Contains(err.Error(), "extra.go matches no learner file") {
		t.Errorf("extra solution file: error %v", err)
	}
	if _, err := (kata{Dir: "03-none"}).solutionOverlay(root); err == nil || !strings.Contains(err.Error(), "folder solutions/03-none is missing") {
		t.Errorf("missing solution: error %v", err)
	}
}
