package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/onsi/ginkgo/v2/types"
)

// A kata's contract is the list of promises its stub's doc comments and its
// README's tasks make, each with the specs that check it. It is kept in
// katas/NN-name/testdata/contract.md, a Markdown table the tool reads:
//
//	| clause | from | specs |
//	|---|---|---|
//	| DownloadAll returns one Page per URL, at its index | pool.go, Page | keeps the order; with jitter |
//
// The specs column holds "; "-separated substrings of full spec texts. A
// "## Equivalent" section lists wrong-looking versions that are in fact
// correct, with the reason, so nobody forces a spec on them.
//
// The proof and `make mutants` hold the contract to three rules: every
// clause names a spec, every name matches a spec of the kata, and every
// spec the contract names is failed by some mutant whose killed-by names it
// (so each clause is shown to be able to fail).

// contractFile is where a kata keeps its contract.
func (k kata) contractFile(root string) string {
	return k.path(root, "testdata", "contract.md")
}

// A clause is one row of a contract table.
type clause struct {
	Line  int
	Text  string
	From  string
	Specs []string
}

// contract is a kata's contract as read from its file.
type contract struct {
	Path        string
	Clauses     []clause
	Equivalents []string
}

// readContract parses the contract at path. A missing file is an error
// that says how to write one.
func readContract(path string) (contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return contract{}, err
	}
	c := contract{Path: path}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	section, n, header := "", 0, false
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			section = strings.ToLower(strings.TrimSpace(line[3:]))
			continue
		}
		if section == "equivalent" && strings.HasPrefix(line, "- ") {
			c.Equivalents = append(c.Equivalents, strings.TrimSpace(line[2:]))
			continue
		}
		if section != "" || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := splitRow(line)
		if len(cells) < 3 {
			return c, fmt.Errorf("%s:%d: a contract row has three cells (clause | from | specs), this one has %d", path, n, len(cells))
		}
		if !header {
			header = true // the heading row
			continue
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // the |---|---|---| row
		}
		cl := clause{Line: n, Text: cells[0], From: cells[1]}
		for _, s := range strings.Split(cells[2], ";") {
			if s = strings.Trim(strings.TrimSpace(s), "`"); s != "" {
				cl.Specs = append(cl.Specs, s)
			}
		}
		c.Clauses = append(c.Clauses, cl)
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if len(c.Clauses) == 0 {
		return c, fmt.Errorf("%s holds no clause: a table | clause | from | specs | with a row per promise", path)
	}
	return c, nil
}

// splitRow splits a Markdown table row into its trimmed cells; `\|` is a
// literal bar inside a cell.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	line = strings.ReplaceAll(line, `\|`, "\x00")
	var cells []string
	for _, c := range strings.Split(line, "|") {
		cells = append(cells, strings.TrimSpace(strings.ReplaceAll(c, "\x00", "|")))
	}
	return cells
}

// contractRow is one clause judged against the kata's specs and mutants.
type contractRow struct {
	Clause  clause
	Specs   []string // full texts of the specs the clause names
	Killers []string // mutants whose killed-by names one of those specs and that failed it
	Problem string   // "" when the clause is covered
}

// judgeContract checks the contract against the kata's specs (full texts)
// and, for each mutant, the specs it failed (full texts). A mutant absent
// from killed (not run) counts as having failed nothing.
func judgeContract(c contract, specs []string, ms []mutant, killed map[string][]string) []contractRow {
	var rows []contractRow
	for _, cl := range c.Clauses {
		row := contractRow{Clause: cl}
		var missing []string
		for _, want := range cl.Specs {
			found := false
			for _, s := range specs {
				if strings.Contains(s, want) {
					found = true
					if !contains(row.Specs, s) {
						row.Specs = append(row.Specs, s)
					}
				}
			}
			if !found {
				missing = append(missing, want)
			}
		}
		for _, m := range ms {
			for _, kb := range m.KilledBy {
				for _, s := range row.Specs {
					if strings.Contains(s, kb) && contains(killed[m.Name], s) && !contains(row.Killers, m.Name) {
						row.Killers = append(row.Killers, m.Name)
					}
				}
			}
		}
		switch {
		case len(cl.Specs) == 0:
			row.Problem = "no spec checks this clause"
		case len(missing) > 0:
			row.Problem = fmt.Sprintf("names no spec of the kata: %q", strings.Join(missing, `", "`))
		case len(row.Killers) == 0:
			row.Problem = "no mutant whose killed-by names one of its specs fails it: nothing shows the spec can fail"
		}
		rows = append(rows, row)
	}
	return rows
}

// printContract writes a kata's contract as a table: clause, where it is
// promised, how many specs check it, which mutants prove they can fail.
func printContract(w io.Writer, c contract, rows []contractRow) {
	fmt.Fprintf(w, "contract (%s): %d clauses\n", relToCWD(c.Path), len(rows))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLAUSE\tFROM\tSPECS\tKILLED BY")
	for _, r := range rows {
		killers := strings.Join(r.Killers, ", ")
		if r.Problem != "" {
			killers = "PROBLEM: " + r.Problem
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", shorten(r.Clause.Text, 60), shorten(r.Clause.From, 24), len(r.Specs), killers)
	}
	tw.Flush()
	if len(c.Equivalents) > 0 {
		fmt.Fprintf(w, "  equivalent (correct, so no spec rejects them): %d\n", len(c.Equivalents))
	}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// relToCWD shows a path relative to the working directory when it is below it.
func relToCWD(p string) string {
	if wd, err := os.Getwd(); err == nil {
		return relTo(wd, p)
	}
	return p
}

// contractProblems judges kata k's contract from the proof's reports (the
// stub's lists every spec; each mutant's lists the specs it failed). It
// returns the rows and the problems, one line each.
func (r *runner) contractProblems(k kata, mk kataMatrix) (contract, []contractRow, []string) {
	c, err := readContract(k.contractFile(r.root))
	if err != nil {
		if os.IsNotExist(err) {
			return c, nil, []string{fmt.Sprintf("%s: no contract table (testdata/contract.md): every promise of the stub and README, with its specs", k.Dir)}
		}
		return c, nil, []string{err.Error()}
	}
	var specs []string
	for _, s := range mk.Specs {
		specs = append(specs, s.FullText())
	}
	killed := map[string][]string{}
	var ms []mutant
	for _, col := range mk.Mutants {
		ms = append(ms, col.Mutant)
		for _, s := range mk.Specs {
			if st, ok := col.States[specKey(s)]; ok && st.Is(types.SpecStateFailureStates) {
				killed[col.Mutant.Name] = append(killed[col.Mutant.Name], s.FullText())
			}
		}
	}
	rows := judgeContract(c, specs, ms, killed)
	var problems []string
	for _, row := range rows {
		if row.Problem != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %q: %s", relTo(r.root, c.Path), row.Clause.Line, shorten(row.Clause.Text, 70), row.Problem))
		}
	}
	sort.Strings(problems)
	return c, rows, problems
}
