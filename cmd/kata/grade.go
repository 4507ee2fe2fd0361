package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"
)

// gradeCmd runs every kata's specs on the learner's files, writes a JUnit
// report per kata into reports/ (-o), and prints the score table. Failing
// katas are grades, not errors: the exit status is non-zero only when the
// tool itself fails.
func (r *runner) gradeCmd(args []string) error {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(r.stderr)
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	outDir := fs.String("o", "reports", "where the JUnit reports go (relative to the repository root)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		picked, err := pickKatas(katas, fs.Args())
		if err != nil {
			return err
		}
		katas = picked
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	results, err := r.runAll(ctx, katas, *jobs, "grade", junit)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return exitCode(130)
	}
	// A kata that does not build writes no JUnit report: write one that says so.
	for i, k := range katas {
		if !isFile(junit(k)) {
			if err := writeBrokenJUnit(junit(k), k, results[i]); err != nil {
				return err
			}
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

// junitSuites is the least JUnit that CI test reporters read.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name    string        `xml:"name,attr"`
	Failure *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeBrokenJUnit writes a one-case JUnit report for a kata whose specs
// could not run (it does not build, or the test binary crashed).
func writeBrokenJUnit(path string, k kata, res kataResult) error {
	note := res.Note
	if note == "" {
		note = "no report was written"
	}
	text := note
	if res.LogPath != "" {
		if log, err := os.ReadFile(res.LogPath); err == nil {
			text = string(tail(log, 4000))
		}
	}
	doc := junitSuites{Suites: []junitSuite{{
		Name: "Kata " + k.Dir, Tests: 1, Errors: 1,
		Cases: []junitCase{{Name: "the specs of katas/" + k.Dir + " run", Failure: &junitFailure{Message: note, Type: "error", Text: text}}},
	}}}
	data, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(data, '\n')...), 0o644)
}

func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[len(b)-n:]
}
