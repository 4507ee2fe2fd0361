package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestContractIsReadAndJudged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contract.md")
	text := "# Contract: kata 03, pool\n\n" +
		"| clause | from | specs |\n|---|---|---|\n" +
		"| keeps the order | pool.go, Page | keeps the order; with jitter |\n" +
		"| at most `workers` \\| in flight | README, Task 2 | never more |\n" +
		"| closes every session | pool.go | |\n" +
		"| cancels the rest | README, Task 5 | cancels the rest |\n" +
		"| a spec that is gone | README | no such spec |\n" +
		"\n## Equivalent\n- a version that sorts after the fact: the order is the same\n"
	writeFile(t, path, text)
	c, err := readContract(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Clauses) != 5 || len(c.Equivalents) != 1 {
		t.Fatalf("read %d clauses and %d equivalents, want 5 and 1: %+v", len(c.Clauses), len(c.Equivalents), c)
	}
	if got := c.Clauses[1].Text; got != "at most `workers` | in flight" {
		t.Errorf("an escaped bar: clause %q", got)
	}
	if got := c.Clauses[0].Specs; len(got) != 2 || got[1] != "with jitter" {
		t.Errorf("specs of the first clause: %q", got)
	}
	specs := []string{
		"Task 2: DownloadAll keeps the order of the URLs",
		"Task 2: DownloadAll keeps it with jitter",
		"Task 2: DownloadAll never more than workers in flight",
		"Task 5: cancels the rest",
	}
	ms := []mutant{
		{Name: "completion-order", KilledBy: []string{"keeps the order"}},
		{Name: "unbounded", KilledBy: []string{"never more"}},
		{Name: "no-cancel", KilledBy: []string{"cancels the rest"}},
	}
	killed := map[string][]string{
		"completion-order": {specs[0]},
		"unbounded":        {specs[2]},
		// no-cancel survived: it failed nothing
	}
	rows := judgeContract(c, specs, ms, killed)
	want := []string{"", "", "no spec checks", "no mutant", "names no spec"}
	for i, r := range rows {
		if (want[i] == "") != (r.Problem == "") || !strings.Contains(r.Problem, want[i]) {
			t.Errorf("clause %q: problem %q, want %q", r.Clause.Text, r.Problem, want[i])
		}
	}
	if got := rows[0].Killers; len(got) != 1 || got[0] != "completion-order" {
		t.Errorf("killers of the first clause: %q", got)
	}
	if _, err := readContract(filepath.Join(t.TempDir(), "none.md")); !os.IsNotExist(err) {
		t.Errorf("a missing contract: %v", err)
	}
}
