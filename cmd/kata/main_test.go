package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBadInputAnswersInAFewLines: a mistake on the command line is answered
// with the error first, then the command's usage and where to look, in at
// most 15 lines; from make in make's terms (N=, T=), from the shell in the
// tool's.
func TestBadInputAnswersInAFewLines(t *testing.T) {
	cases := []struct {
		viaMake bool
		args    []string
		first   string // the first line
		usage   string // the line that follows
	}{
		{true, []string{"kata", ""}, "kata: which kata? give its number, N=1 for instance (there are 01 to 11)", "usage: make kata N=1"},
		{true, []string{"kata", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: make kata N=1"},
		{true, []string{"kata", "abc"}, "kata: N=abc is not a kata number (there are 01 to 11)", "usage: make kata N=1"},
		{true, []string{"kata", "1 3"}, "kata: N='1 3': one kata at a time, please (there are 01 to 11)", "usage: make kata N=1"},
		{true, []string{"hint", "-task", "abc", "3"}, "kata: T=abc is not a task number", "usage: make hint N=3 [T=2] [RESET=1]"},
		{true, []string{"hint", "-task", "-1", "3"}, "kata: T=-1 is not a task number", "usage: make hint"},
		{true, []string{"hint", ""}, "kata: which kata? give its number, N=1 for instance (there are 01 to 11)", "usage: make hint"},
		{true, []string{"hint", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: make hint"},
		{true, []string{"reset", "abc"}, "kata: N=abc is not a kata number (there are 01 to 11)", "usage: make reset N=3"},
		{true, []string{"reset", ""}, "kata: which kata?", "usage: make reset N=3"},
		{true, []string{"watch", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: make watch N=3"},
		{true, []string{"timeline", ""}, "kata: timeline: which kata? give N=3, or several on one time scale: N='1 3 6'", "usage: make timeline N=3"},
		{true, []string{"timeline", "abc"}, `kata: timeline: "abc" is not a kata number`, "usage: make timeline"},
		{true, []string{"timeline", "4"}, "kata: timeline: kata 04-pool-cpu has no download to draw", "usage: make timeline"},
		{true, []string{"dev", "solution", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: make solution N=1"},
		{true, []string{"dev", "mutant", "1", "nope"}, "kata: M=nope: kata 01-sequential has no such mutant; it has: body-never-closed,", "usage: make mutant"},
		{true, []string{"dev", "mutant", "1", ""}, "kata: which mutant of kata 01-sequential? one of: body-never-closed,", "usage: make mutant"},
		{true, []string{"progress", "-j", "x"}, "kata: J=x is not a number of go test processes", "usage: make progress [J=2]"},
		{true, []string{"dev", "proof", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: make proof"},
		{true, []string{"dev", "stress", "-runs", "0"}, "kata: RUNS=0: want at least 1", "usage: make stress"},
		{true, []string{"examples", "cpu", "6"}, "kata: kata 06-cooperative has no CPU version to run: examples-cpu works for katas 1, 4, 5, 10", "usage: make examples-io"},

		{false, []string{"kata"}, "kata: which kata? give its number (there are 01 to 11)", "usage: kata kata N [ginkgo flags]"},
		{false, []string{"kata", "abc"}, `kata: "abc" is not a kata number (there are 01 to 11)`, "usage: kata kata N"},
		{false, []string{"hint", "3", "-task", "abc"}, "kata: -task abc is not a task number", "usage: kata hint [-task T] [-reset] N"},
		{false, []string{"hint", "3", "-bogus"}, "kata: hint has no flag -bogus", "usage: kata hint"},
		{false, []string{"hint", "3", "-task"}, "kata: -task needs a value", "usage: kata hint"},
		{false, []string{"dev", "proof", "-timeout", "soon"}, "kata: -timeout soon is not a duration (such as 90s or 5m)", "usage: kata dev proof"},
		{false, []string{"dev", "test", "3"}, `kata: dev test takes no kata number (got "3")`, "usage: kata dev test"},
		{false, []string{"next", "1"}, `kata: next takes no kata number (got "1")`, "usage: kata next"},
		{false, []string{"compare", "-samples", "0"}, "kata: -samples 0: want at least 1", "usage: kata compare"},
		{false, []string{"examples", "disk"}, `kata: examples: want io or cpu, then optionally a kata number (got "disk")`, "usage: kata examples"},
		{false, []string{"timeline", "-urls", "0", "1"}, "kata: timeline: -urls 0: want at least 1", "usage: kata timeline"},
		{false, []string{"timeline", "1", "99"}, "kata: timeline: there is no kata 99 (in N='1 99')", "usage: kata timeline"},
		{false, []string{"timeline", "-bogus", "1"}, "kata: timeline has no flag -bogus", "usage: kata timeline"},
		{false, []string{"compare", "3"}, `kata: compare takes no kata number (got "3")`, "usage: kata compare"},
		{false, []string{"examples"}, "kata: examples: want io or cpu", "usage: kata examples"},
		{false, []string{"examples", "io", "99"}, "kata: no kata 99 (there are 01 to 11)", "usage: kata examples"},
		{false, []string{"frobnicate"}, `kata: unknown command "frobnicate"`, "Run `kata help` for the commands."},
		{false, []string{"proof"}, "kata: proof is a maintainer's command: kata dev proof", "Run `kata help`"},
		{false, []string{"dev", "frobnicate"}, `kata: unknown command "frobnicate"`, "Run `kata help`"},
		{false, nil, "kata: no command given", "Run `kata help`"},
	}
	for _, c := range cases {
		if c.viaMake {
			t.Setenv("KATA_VIA_MAKE", "1")
		} else {
			t.Setenv("KATA_VIA_MAKE", "")
		}
		code, out, errOut := runTool(c.args...)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		if code != 2 || len(lines) < 2 || len(lines) > 14 || !strings.HasPrefix(lines[0], c.first) || !strings.HasPrefix(lines[1], c.usage) || out != "" {
			t.Errorf("run(%q), via make %t: exit %d, stdout %q, stderr:\n%s\nwant exit 2, at most 14 lines starting\n%s\n%s",
				c.args, c.viaMake, code, out, errOut, c.first, c.usage)
		}
		where := "Run `kata list` to see the katas"
		if c.viaMake {
			where = "Run `make list` to see the katas, `make help` for the targets."
		}
		if strings.HasPrefix(lines[1], "usage:") && (len(lines) < 3 || lines[2] != where && !strings.HasPrefix(lines[2], where)) {
			t.Errorf("run(%q), via make %t: the third line is not %q:\n%s", c.args, c.viaMake, where, errOut)
		}
	}
}

// TestHelp: `kata help` lists the learner's commands, then the maintainer's
// under `kata dev`; -h (or `help X`) prints a command's usage with its flags
// and exits 0.
func TestHelp(t *testing.T) {
	t.Setenv("KATA_VIA_MAKE", "")
	help := func(args ...string) string {
		t.Helper()
		code, out, errOut := runTool(args...)
		if code != 0 || errOut != "" {
			t.Errorf("run(%q): exit %d, stderr %q; want 0 and nothing", args, code, errOut)
		}
		return out
	}
	list := help("help")
	kata, dev, proof := strings.Index(list, "\n  kata N"), strings.Index(list, "for maintainers: kata dev"), strings.Index(list, "\n  proof [N...]")
	if kata < 0 || dev < kata || proof < dev {
		t.Errorf("help: want the learner's commands (kata), then \"for maintainers: kata dev\", then theirs (proof):\n%s", list)
	}
	if strings.Contains(list, "CONCEPTS") {
		t.Error("help mentions concepts")
	}
	for _, args := range [][]string{{"hint", "-h"}, {"hint", "--help"}, {"hint", "3", "-h"}, {"help", "hint"}} {
		checkContains(t, "kata "+strings.Join(args, " "), help(args...), "usage: kata hint [-task T] [-reset] N", "from make: make hint N=3 [T=2] [RESET=1]", "-task int", "-reset")
	}
	for _, c := range append(learnerCommands(), devCommands()...) {
		if c.run == nil {
			continue
		}
		args := append(strings.Fields(c.name), "-h")
		got := help(args...)
		if lines := strings.Count(got, "\n"); !strings.HasPrefix(got, "usage: "+c.synopsis()+"\n") || lines > 12 {
			t.Errorf("%q: %d lines:\n%s\nwant at most 12, starting with usage: %s", args, lines, got, c.synopsis())
		}
	}
	if got := help("dev"); !strings.HasPrefix(got, "for maintainers: kata dev") || strings.Contains(got, "\n  hint") {
		t.Errorf("kata dev: want the maintainer's commands only:\n%s", got)
	}
}

// TestMakeHelpExamplesNameRealThings: the examples that `make help` and the
// usage lines show name katas, tasks and mutants that exist.
func TestMakeHelpExamplesNameRealThings(t *testing.T) {
	root, katas := thisRepoKatas(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(makefile)
	for _, c := range append(learnerCommands(), devCommands()...) {
		text += "\n" + c.make
	}
	examples := regexp.MustCompile(`make [a-z-]+ N=([0-9]+)(?: T=([0-9]+))?(?: M=([a-z0-9-]+))?`).FindAllStringSubmatch(text, -1)
	if len(examples) < 10 {
		t.Fatalf("found only %d examples", len(examples))
	}
	for _, ex := range examples {
		k, err := findKata(katas, ex[1])
		if err != nil {
			t.Errorf("%s: %v", ex[0], err)
			continue
		}
		if ex[2] != "" {
			hints, _ := k.loadHints(root)
			if n, _ := strconv.Atoi(ex[2]); len(hintsFor(hints, n)) == 0 {
				t.Errorf("%s: kata %s has no hints for task %s", ex[0], k.Dir, ex[2])
			}
		}
		if ex[3] != "" {
			if _, err := pickMutant(root, k, []string{ex[3]}); err != nil {
				t.Errorf("%s: %v", ex[0], err)
			}
		}
	}
}
