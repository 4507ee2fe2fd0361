package main

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseHints(t *testing.T) {
	text := "first\nstill first\n---\n\nsecond\n  ---  \nthird\n---\n\n---\n"
	got := parseHints(text)
	want := []string{"first\nstill first", "second", "third"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseHints = %q, want %q", got, want)
	}
	if got := parseHints("only one\r\n"); !reflect.DeepEqual(got, []string{"only one"}) {
		t.Errorf("one hint, CRLF: %q", got)
	}
	if got := parseHints(" \n---\n"); len(got) != 0 {
		t.Errorf("empty file: %q", got)
	}
}

func TestParseHintsByTask(t *testing.T) {
	text := "for any task\n---\nalso any\n## Task 2: pool\nt2 a\n---\nt2 b\n# Task 10\nt10\n"
	got := parseHintsByTask(text)
	want := map[int][]string{0: {"for any task", "also any"}, 2: {"t2 a", "t2 b"}, 10: {"t10"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseHintsByTask = %v, want %v", got, want)
	}
	if hs := hintsFor(got, 7); !reflect.DeepEqual(hs, want[0]) {
		t.Errorf("a task without hints of its own gets those for any task, got %q", hs)
	}
}

func TestLoadHints(t *testing.T) {
	root := t.TempDir()
	k := kata{Num: 3, Dir: "03-pool", Name: "pool"}
	dir := k.path(root, "hints")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if hs, err := k.loadHints(root); err != nil || len(hs) != 0 {
		t.Fatalf("no hint files: %v, %v", hs, err)
	}
	writeFile(t, filepath.Join(dir, "task1.md"), "a\n---\nb\n")
	writeFile(t, filepath.Join(dir, "task12.md"), "c\n")
	writeFile(t, filepath.Join(dir, "notes.md"), "not hints\n")
	writeFile(t, filepath.Join(dir, "hints.md"), "## Task 1\nignored: task1.md wins\n## Task 3\nd\n")
	hs, err := k.loadHints(root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{1: {"a", "b"}, 12: {"c"}, 3: {"d"}}
	if !reflect.DeepEqual(hs, want) {
		t.Errorf("loadHints = %v, want %v", hs, want)
	}
}

func TestNextHint(t *testing.T) {
	hints := []string{"one", "two"}
	st := hintState{Kata: "03-pool", Shown: map[string]int{"1": 5}}
	text, n, st2 := nextHint(hints, st, 2)
	if text != "one" || n != 1 || st2.Shown["2"] != 1 || st2.Shown["1"] != 5 {
		t.Fatalf("first hint: %q %d %v", text, n, st2)
	}
	if st.Shown["2"] != 0 {
		t.Errorf("nextHint changed the state it was given: %v", st)
	}
	text, n, st3 := nextHint(hints, st2, 2)
	if text != "two" || n != 2 {
		t.Fatalf("second hint: %q %d", text, n)
	}
	if _, n, st4 := nextHint(hints, st3, 2); n != 0 || st4.Shown["2"] != 2 {
		t.Errorf("after the last hint: n=%d state %v, want 0 and unchanged", n, st4)
	}
}

func TestHintStateRoundTrip(t *testing.T) {
	r := &runner{root: t.TempDir()}
	k := kata{Num: 3, Dir: "03-pool"}
	if st := r.loadHintState(k); len(st.Shown) != 0 || st.Kata != "03-pool" {
		t.Fatalf("no file: %v", st)
	}
	if err := r.saveHintState(k, hintState{Kata: k.Dir, Shown: map[string]int{"2": 1}}); err != nil {
		t.Fatal(err)
	}
	if !isFile(filepath.Join(r.root, ".kata", "hints", "03.json")) {
		t.Fatal("state not in .kata/hints/03.json")
	}
	if st := r.loadHintState(k); st.Shown["2"] != 1 {
		t.Errorf("reloaded: %v", st)
	}
}

func TestParseInterleaved(t *testing.T) {
	for _, args := range [][]string{{"3", "-task", "2", "-reset"}, {"-task", "2", "3", "-reset"}, {"-reset", "-task=2", "3"}} {
		fs := flag.NewFlagSet("hint", flag.ContinueOnError)
		task := fs.Int("task", 0, "")
		reset := fs.Bool("reset", false, "")
		pos, err := parseInterleaved(fs, args)
		if err != nil || !reflect.DeepEqual(pos, []string{"3"}) || *task != 2 || !*reset {
			t.Errorf("%q: pos %q task %d reset %v err %v", args, pos, *task, *reset, err)
		}
	}
}
