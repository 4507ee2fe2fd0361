package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"
)

// gradeCmd runs every kata's specs on the learner's files, writes a JUnit
// report per kata into reports/ (-o), and prints the score table. Failing
// katas are grades, not errors: the exit status is non-zero only when the
// tool itself fails.
func (r *runner) gradeCmd(args []string) error {
	fs := r.flags()
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	outDir := fs.String("o", "reports", "where the JUnit reports go (relative to the repository root)")
	katas, _, err := r.parse(fs, args, someKatas)
	if err != nil {
		return err
	}
	dir := *outDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	junit := func(k kata) string { return filepath.Join(dir, k.Dir+".xml") }
	for _, k := range katas {
		_ = os.Remove(junit(k)) // never keep last run's report
	}
	// Ginkgo's own JUnit report goes to .kata/; reports/ gets ours (junit.go),
	// written from the JSON report of the same run.
	ginkgoJUnit := func(k kata) string { return filepath.Join(r.root, ".kata", "reports", k.Dir+"-grade.ginkgo.xml") }
	start := time.Now()
	results, err := r.runAll(katas, *jobs, "grade", ginkgoJUnit)
	if err != nil {
		return err
	}
	for i, k := range katas {
		if err := writeJUnit(junit(k), r.gradeJUnit(k, results[i])); err != nil {
			return err
		}
	}
	var table bytes.Buffer
	writeGradeTable(&table, katas, results)
	fmt.Fprint(r.stdout, table.String())
	if err := os.WriteFile(filepath.Join(dir, "grade.txt"), table.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "\nJUnit reports and this table (grade.txt) in %s/ (%.0fs)\n", relTo(r.root, dir), time.Since(start).Seconds())
	return nil
}

// writeGradeTable prints specs passing per kata and the total score.
func writeGradeTable(w io.Writer, katas []kata, results []kataResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tKATA\tPASSING\tSTATE")
	passed, total, solved := 0, 0, 0
	for i, k := range katas {
		res := results[i]
		fmt.Fprintf(tw, "%02d\t%s\t%d of %d\t%s\n", k.Num, k.Dir, res.Passed, res.Total, res.stateLine())
		passed += res.Passed
		total += res.Total
		if res.State == stateSolved {
			solved++
		}
	}
	tw.Flush()
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(passed) / float64(total)
	}
	fmt.Fprintf(w, "score: %d of %d specs pass (%.0f%%); %d of %d katas solved\n", passed, total, pct, solved, len(katas))
}

// gradeJUnit is kata k's JUnit report from the JSON report of its grade run;
// a kata whose specs did not run (it does not build) gets one that says so.
func (r *runner) gradeJUnit(k kata, res kataResult) junitSuites {
	if res.State == stateBroken {
		return brokenJUnit(r.root, k, res)
	}
	reports, err := loadReports(filepath.Join(r.root, ".kata", "reports", k.Dir+"-grade.json"))
	if err != nil {
		res.State, res.Note = stateBroken, err.Error()
		return brokenJUnit(r.root, k, res)
	}
	return kataJUnit(r.root, k, reports, res)
}
