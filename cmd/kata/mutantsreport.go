package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// The mutants command: for each kata, which spec killed which mutant, read
// from the proof's JSON reports (.kata/reports/), and whether every learner
// spec has been seen failing (on the stub, or on some mutant). It is the
// "never lie" half of the project's promise: a spec that never fails proves
// nothing, and a mutant that survives is a mistake the specs let through.

// mutantsCmd parses `mutants [-list] [-rerun] [-j 2] [N...]`.
func (r *runner) mutantsCmd(args []string) error {
	fs := r.flags()
	list := fs.Bool("list", false, "only list the mutants and their killed-by lines (runs nothing)")
	rerun := fs.Bool("rerun", false, "run the proof even when its reports are fresh")
	jobs := fs.Int("j", 2, "go test processes at a time, when the proof has to run")
	rounds := fs.Int("rounds", 0, "also run each mutant's killed-by specs this many times per -procs value (one build per mutant); every run must kill it")
	procs := fs.String("procs", "1,2,8", "with -rounds: the GOMAXPROCS values to run under, comma-separated")
	katas, _, err := r.parse(fs, args, someKatas)
	if err != nil {
		return err
	}
	if *list {
		for i, k := range katas {
			ms, err := k.mutants(r.root)
			if err != nil {
				return err
			}
			if len(katas) > 1 {
				if i > 0 {
					fmt.Fprintln(r.stdout)
				}
				fmt.Fprintf(r.stdout, "== %s ==\n", k.Dir)
			}
			writeMutantTable(r.stdout, k, ms)
		}
		return nil
	}

	// Run the proof for the katas whose reports are missing or older than
	// their sources.
	var stale []string
	for _, k := range katas {
		why := ""
		if *rerun {
			why = "-rerun"
		} else {
			why = r.staleReports(k)
		}
		if why != "" {
			fmt.Fprintf(r.stdout, "%s: %s\n", k.Dir, why)
			stale = append(stale, k.Dir)
		}
	}
	if len(stale) > 0 {
		fmt.Fprintf(r.stdout, "running the proof for %s (its reports feed the matrix)\n\n", strings.Join(stale, " "))
		err := r.prove(append([]string{"-j", fmt.Sprint(*jobs)}, stale...), false)
		var ec exitCode
		if errors.As(err, &ec) && ec == 130 {
			return err
		}
		if err != nil && !errors.As(err, &ec) {
			return err
		}
		fmt.Fprintln(r.stdout)
	}

	bad := 0
	for _, k := range katas {
		mk := r.loadMatrix(k)
		printMatrix(r.stdout, mk)
		bad += len(mk.problems())
		if mk.Err != "" {
			continue
		}
		c, rows, problems := r.contractProblems(k, mk)
		if rows != nil {
			fmt.Fprintln(r.stdout)
			printContract(r.stdout, c, rows)
		}
		for _, p := range problems {
			fmt.Fprintf(r.stdout, "PROBLEM: %s\n", p)
		}
		bad += len(problems)
	}
	if *rounds > 0 {
		n, err := r.mutantRounds(katas, *rounds, *procs)
		if err != nil {
			return err
		}
		bad += n
	}
	if bad > 0 {
		fmt.Fprintf(r.stdout, "\n%d problems: a surviving mutant, a spec never seen failing, a clause of a contract not covered, or a missing report (see above)\n", bad)
		return exitCode(1)
	}
	fmt.Fprintf(r.stdout, "\nevery mutant killed by its spec; every learner spec seen failing; every clause of every contract checked by a spec that a mutant fails\n")
	return nil
}

// sortSpecs orders specs by their full text (so "Task 1: ..." comes first,
// whatever order the run took), then by location.
func sortSpecs(specs types.SpecReports) {
	sort.SliceStable(specs, func(i, j int) bool {
		a, b := specs[i], specs[j]
		if a.FullText() != b.FullText() {
			return a.FullText() < b.FullText()
		}
		return a.LeafNodeLocation.String() < b.LeafNodeLocation.String()
	})
}

// kataMatrix is what the reports say about one kata.
type kataMatrix struct {
	Kata     kata
	Err      string            // the kata could not be read at all
	Specs    types.SpecReports // every It spec, from the stub's report
	Stub     map[string]types.SpecState
	Solution map[string]types.SpecState
	Mutants  []mutantColumn
}

// mutantColumn is one mutant, its verdict and the state of each spec it ran.
type mutantColumn struct {
	Mutant  mutant
	Verdict verdict
	States  map[string]types.SpecState // spec key -> state; skipped = not run
}

// specKey identifies a spec across reports.
func specKey(s types.SpecReport) string {
	return s.FullText() + " @ " + s.LeafNodeLocation.String()
}

// statesOf maps each It spec of the reports to its state. Reports given
// later fill in specs the earlier ones skipped (a phase-two run of the
// timing specs completes a first-phase run that filtered them out).
func statesOf(reports ...[]types.Report) map[string]types.SpecState {
	out := map[string]types.SpecState{}
	for _, rep := range reports {
		for _, s := range itSpecs(rep) {
			k := specKey(s)
			if prev, ok := out[k]; !ok || prev == types.SpecStateSkipped {
				out[k] = s.State
			}
		}
	}
	return out
}

// reportPath is where the proof writes the report of a run ("stub",
// "solution", "mutant-<name>", "mutant-<name>-timing"...).
func (r *runner) reportPath(k kata, what string) string {
	return filepath.Join(r.root, ".kata", "reports", k.Dir+"-"+what+".json")
}

func (r *runner) logPath(k kata, what string) string {
	return filepath.Join(r.root, ".kata", "logs", k.Dir+"-"+what+".log")
}

// staleReports says why the kata's reports cannot be used ("" if they can):
// the stub's or a mutant's report is missing, or older than a file it
// depends on (the kata, its solution, harness/, fakeserver/, go.mod).
func (r *runner) staleReports(k kata) string {
	ms, err := k.mutants(r.root)
	if err != nil {
		return "cannot read the mutants: " + err.Error()
	}
	needed := []string{"stub"}
	for _, m := range ms {
		needed = append(needed, "mutant-"+m.Name)
	}
	newest, newestFile := r.newestSource(k)
	for _, what := range needed {
		st, err := os.Stat(r.reportPath(k, what))
		if err != nil {
			return fmt.Sprintf("no proof report for the %s", strings.Replace(what, "-", " ", 1))
		}
		if st.ModTime().Before(newest) {
			return fmt.Sprintf("the proof's reports are older than %s", relTo(r.root, newestFile))
		}
	}
	return ""
}

// newestSource returns the modification time and path of the newest file the
// kata's proof depends on.
func (r *runner) newestSource(k kata) (time.Time, string) {
	var newest time.Time
	var file string
	visit := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p == filepath.Join(r.root, "harness", "cmd") {
				return filepath.SkipDir // the tool is not under test
			}
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
			newest, file = info.ModTime(), p
		}
		return nil
	}
	for _, dir := range []string{k.path(r.root), filepath.Join(r.root, "solutions", k.Dir),
		filepath.Join(r.root, "harness"), filepath.Join(r.root, "fakeserver")} {
		_ = filepath.WalkDir(dir, visit)
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		p := filepath.Join(r.root, f)
		if info, err := os.Stat(p); err == nil && info.ModTime().After(newest) {
			newest, file = info.ModTime(), p
		}
	}
	return newest, file
}

// loadMatrix reads the kata's reports and judges each mutant as the proof
// did: its first-phase run, or its phase-two run when the spec that must
// kill it is a timing spec.
func (r *runner) loadMatrix(k kata) kataMatrix {
	mk := kataMatrix{Kata: k}
	stub, err := loadReports(r.reportPath(k, "stub"))
	if err != nil {
		mk.Err = "no stub report: " + err.Error()
		return mk
	}
	mk.Specs = itSpecs(stub)
	sortSpecs(mk.Specs)
	mk.Stub = statesOf(stub)
	sol, _ := loadReports(r.reportPath(k, "solution"))
	solTiming, _ := loadReports(r.reportPath(k, "solution-timing"))
	mk.Solution = statesOf(sol, solTiming)

	ms, err := k.mutants(r.root)
	if err != nil {
		mk.Err = "reading the mutants: " + err.Error()
		return mk
	}
	for _, m := range ms {
		col := mutantColumn{Mutant: m}
		if m.Err != nil {
			col.Verdict = fail("%v", m.Err)
			mk.Mutants = append(mk.Mutants, col)
			continue
		}
		o := r.savedOutcome(k, "mutant-"+m.Name)
		col.Verdict = evalMutant(m, o)
		col.States = statesOf(o.Reports)
		if killerIsTiming(m, o) {
			t := r.savedOutcome(k, "mutant-"+m.Name+"-timing")
			col.Verdict = evalMutant(m, t)
			col.States = statesOf(t.Reports, o.Reports)
		}
		mk.Mutants = append(mk.Mutants, col)
	}
	return mk
}

// savedOutcome rebuilds a proof run's outcome from its report and its log
// (the log gives the race detector's warnings and go test's verdict line).
func (r *runner) savedOutcome(k kata, what string) runOutcome {
	var o runOutcome
	o.Reports, _ = loadReports(r.reportPath(k, what))
	if b, err := os.ReadFile(r.logPath(k, what)); err == nil {
		o.Output = string(b)
	}
	o.ExitCode = exitFromLog(o.Output)
	return o
}

// exitFromLog guesses go test's exit status from its output: 1 when a line
// says FAIL (go test's last line for a failed package), else 0.
func exitFromLog(out string) int {
	for _, line := range strings.Split(out, "\n") {
		if line == "FAIL" || strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "--- FAIL") {
			return 1
		}
	}
	return 0
}

// Cells of the matrix.
const (
	cellKill    = "K" // the mutant's killed-by spec, failed: it killed the mutant
	cellAlso    = "x" // failed too, though not named by killed-by
	cellPass    = "." // ran and passed
	cellNotRun  = " " // not run: a mutant's run focuses on its killed-by specs
	cellMissed  = "!" // the killed-by spec passed: the mutant survived it
	cellFailed  = "F" // failed (stub column)
	cellSkipped = "s" // skipped itself (solution column)
)

// mutantCell is the cell of one spec in one mutant's column.
func mutantCell(col mutantColumn, s types.SpecReport) string {
	st, ok := col.States[specKey(s)]
	named := false
	for _, kb := range col.Mutant.KilledBy {
		if kb != raceKiller && strings.Contains(s.FullText(), kb) {
			named = true
		}
	}
	switch {
	case !ok || st == types.SpecStateSkipped || st == types.SpecStatePending:
		if named {
			return cellMissed
		}
		return cellNotRun
	case st.Is(types.SpecStateFailureStates):
		if named {
			return cellKill
		}
		return cellAlso
	case named:
		return cellMissed
	default:
		return cellPass
	}
}

// stateCell is the cell of the stub and solution columns.
func stateCell(states map[string]types.SpecState, s types.SpecReport) string {
	st, ok := states[specKey(s)]
	switch {
	case !ok:
		return "?"
	case st.Is(types.SpecStateFailureStates):
		return cellFailed
	case st == types.SpecStatePassed:
		return "ok"
	default:
		return cellSkipped
	}
}

// neverFailed lists the learner specs (not labelled harness) that failed
// neither on the stub nor on any mutant.
func (mk kataMatrix) neverFailed() []string {
	var out []string
	for _, s := range mk.Specs {
		if hasLabel(s, harnessLabel) {
			continue
		}
		if st, ok := mk.Stub[specKey(s)]; ok && st.Is(types.SpecStateFailureStates) {
			continue
		}
		seen := false
		for _, col := range mk.Mutants {
			if st, ok := col.States[specKey(s)]; ok && st.Is(types.SpecStateFailureStates) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, s.FullText())
		}
	}
	return out
}

// problems lists what makes the kata fail `mutants`.
func (mk kataMatrix) problems() []string {
	if mk.Err != "" {
		return []string{mk.Err}
	}
	var out []string
	for _, col := range mk.Mutants {
		if !col.Verdict.OK {
			out = append(out, fmt.Sprintf("mutant %s: %s", col.Mutant.Name, col.Verdict.Note))
		}
	}
	for _, s := range mk.neverFailed() {
		out = append(out, fmt.Sprintf("never seen failing (neither on the stub nor on a mutant): %q", s))
	}
	return out
}

// columnLetter names the i-th mutant's column: A, B, ... Z, AA, AB...
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// printMatrix prints one kata: its mutants (letter, verdict, what is wrong,
// killed-by), then one row per spec: solution, stub, each mutant, the spec.
func printMatrix(w io.Writer, mk kataMatrix) {
	k := mk.Kata
	if mk.Err != "" {
		fmt.Fprintf(w, "\n== %s ==\nFAIL: %s\n", k.Dir, mk.Err)
		return
	}
	killed := 0
	for _, col := range mk.Mutants {
		if col.Verdict.OK {
			killed++
		}
	}
	harness := 0
	for _, s := range mk.Specs {
		if hasLabel(s, harnessLabel) {
			harness++
		}
	}
	fmt.Fprintf(w, "\n== %s: %d specs (%d %s), %d mutants, %d killed ==\n", k.Dir, len(mk.Specs), harness, harnessLabel, len(mk.Mutants), killed)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tMUTANT\tRESULT\tWHAT IS WRONG\tKILLED BY (spec text)")
	for i, col := range mk.Mutants {
		result := "killed"
		if !col.Verdict.OK {
			result = "FAIL: " + col.Verdict.Note
		} else if len(col.Mutant.KilledBy) == 1 && col.Mutant.KilledBy[0] == raceKiller {
			result = "killed by the race detector"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", columnLetter(i), col.Mutant.Name, result, col.Mutant.What, strings.Join(col.Mutant.KilledBy, " + "))
	}
	tw.Flush()
	fmt.Fprintln(w)

	tw = tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	head := "SOL\tSTUB\t"
	for i := range mk.Mutants {
		head += columnLetter(i) + "\t"
	}
	fmt.Fprintln(tw, head+" SPEC")
	for _, s := range mk.Specs {
		row := stateCell(mk.Solution, s) + "\t" + stateCell(mk.Stub, s) + "\t"
		for _, col := range mk.Mutants {
			row += mutantCell(col, s) + "\t"
		}
		text := s.FullText()
		if hasLabel(s, harnessLabel) {
			text += " [" + harnessLabel + "]"
		}
		if hasLabel(s, timingLabel) {
			text += " [" + timingLabel + "]"
		}
		fmt.Fprintln(tw, row+" "+text)
	}
	tw.Flush()
	fmt.Fprintf(w, "SOL/STUB: ok passed, F failed, s skipped, ? no report; mutant columns: %s its killed-by spec failed (killed it), "+
		"%s failed too, %s passed, %s its killed-by spec passed or did not run, blank: not run (mutant runs focus on their killed-by specs)\n",
		cellKill, cellAlso, cellPass, cellMissed)
	for _, p := range mk.problems() {
		fmt.Fprintf(w, "FAIL: %s\n", p)
	}
}
