package main

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestParseKataArgs(t *testing.T) {
	cases := []struct {
		args []string
		want kataOpts
	}{
		{nil, kataOpts{}},
		{[]string{"--focus=A|B"}, kataOpts{Focus: "A|B"}},
		{[]string{"-focus", "Task 2"}, kataOpts{Focus: "Task 2"}},
		{[]string{"--focus", "x", "--focus=y"}, kataOpts{Focus: "x", Flags: []string{"-ginkgo.focus=y"}}},
		{[]string{"-v", "--label-filter=io"}, kataOpts{Verbose: "v", Flags: []string{"-ginkgo.label-filter=io"}}},
		{[]string{"--fail-fast", "--seed", "3"}, kataOpts{Flags: []string{"-ginkgo.fail-fast", "-ginkgo.seed=3"}}},
		{[]string{"-ginkgo.skip=slow", "-race"}, kataOpts{Flags: []string{"-ginkgo.skip=slow"}}},
		{[]string{"--until-it-fails"}, kataOpts{CLI: true}},
		{[]string{"-p"}, kataOpts{CLI: true}},
		{[]string{"--", "-test.v"}, kataOpts{Flags: []string{"-test.v"}}},
	}
	for _, c := range cases {
		got, err := parseKataArgs(c.args)
		if err != nil {
			t.Errorf("parseKataArgs(%q): %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseKataArgs(%q) = %+v, want %+v", c.args, got, c.want)
		}
	}
	if _, err := parseKataArgs([]string{"extra"}); err == nil {
		t.Error("a stray word is no usage error")
	}
}

// TestMakefileQuotesFocus checks that F= and ARGS= reach the kata tool as
// whole words, whatever shell characters they hold: the Makefile's kata
// line, printed by make -n, run by sh with printf in the tool's place.
func TestMakefileQuotesFocus(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root := thisRepo(t)
	cmd := exec.Command("make", "-s", "-n", "-C", root, "kata", "N=3", "F=Task 2|it's $x", "ARGS=--focus=A|B --seed=7", "V=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make -n: %v", err)
	}
	var line string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, ".kata/bin/kata kata ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("make -n printed no kata line:\n%s", out)
	}
	sh := exec.Command("sh", "-c", "printf '[%s]\\n' "+strings.TrimPrefix(line, ".kata/bin/kata "))
	words, err := sh.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", line, err)
	}
	want := "[kata]\n[3]\n[-v]\n[-focus]\n[Task 2|it's $x]\n[--focus=A|B]\n[--seed=7]\n"
	if string(words) != want {
		t.Errorf("the kata line %q gives the words\n%s\nwant\n%s", line, words, want)
	}
}
