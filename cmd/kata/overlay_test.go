package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestOverlayJSON(t *testing.T) {
	in := map[string]string{"/r/katas/01-x/x.go": "/r/solutions/01-x/x.go"}
	data, err := overlayJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("overlay is not JSON: %v\n%s", err, data)
	}
	if len(out.Replace) != 1 || out.Replace["/r/katas/01-x/x.go"] != "/r/solutions/01-x/x.go" {
		t.Errorf("Replace = %v; want %v", out.Replace, in)
	}
}

func TestWriteOverlay(t *testing.T) {
	root := writeTree(t, map[string]string{
		"katas/01-x/x.go":     "package x\n",
		"solutions/01-x/x.go": "package x\n\nfunc X() {}\n",
	})
	learner := filepath.Join(root, "katas/01-x/x.go")
	solution := filepath.Join(root, "solutions/01-x/x.go")
	p, err := writeOverlay(root, "01-x-solution", map[string]string{learner: solution})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, ".kata", "overlays", "01-x-solution.json"); p != want {
		t.Errorf("path = %s; want %s", p, want)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}
	cp := ov.Replace[learner]
	if cp != filepath.Join(root, ".kata", "overlays", "01-x-solution", "x.go") {
		t.Fatalf("overlay maps %s to %q; want the copy under .kata/overlays", learner, cp)
	}
	got, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	// Positions must name the solution file, line for line.
	if want := "//line " + solution + ":1\npackage x\n\nfunc X() {}\n"; string(got) != want {
		t.Errorf("copy = %q; want %q", got, want)
	}
}

func TestAddGoFlag(t *testing.T) {
	cases := []struct{ goflags, flag, want string }{
		{"", "-overlay=/a/b.json", "-overlay=/a/b.json"},
		{"-buildvcs=false", "-overlay=/a/b.json", "-buildvcs=false -overlay=/a/b.json"},
		{"", "-overlay=/my repo/b.json", "'-overlay=/my repo/b.json'"},
		{"", "-overlay=/it's here/b.json", `"-overlay=/it's here/b.json"`},
	}
	for _, c := range cases {
		if got := addGoFlag(c.goflags, c.flag); got != c.want {
			t.Errorf("addGoFlag(%q, %q) = %q; want %q", c.goflags, c.flag, got, c.want)
		}
	}
}
