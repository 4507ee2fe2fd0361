package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// `kata grade` writes its JUnit reports itself, from Ginkgo's JSON report,
// rather than with Ginkgo's JUnit reporter: the files must follow the common
// JUnit schema (cmd/kata/testdata/junit.xsd), which Ginkgo's extra attributes
// and per-testcase properties break, and count exactly what grade.txt counts.
//
// The rules:
//   - a testcase per It spec that exercises the learner's code; specs labelled
//     "harness" are counted neither here nor in grade.txt;
//   - a passing spec is an empty testcase: no timeline, no output;
//   - <failure>: the code answered and the answer was wrong (an assertion
//     failed); <error>: no answer could be checked (the function is not
//     implemented yet, it panicked, the spec ran out of time). The message
//     attribute says which, in words;
//   - paths are relative to the repository root: no path of the grading
//     machine appears in a report.

// junitSuites is the root of a report.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Package    string          `xml:"package,attr"`
	ID         int             `xml:"id,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out"`
	SystemErr  string          `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped"`
	Error     *junitProblem `xml:"error"`
	Failure   *junitProblem `xml:"failure"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// junitProblem is an <error> or a <failure>.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// junitTimestamp is the schema's date-time: no fraction, no time zone (UTC).
const junitTimestamp = "2006-01-02T15:04:05"

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// kataJUnit is the JUnit document of one run of kata k's specs on the
// learner's files. res is the same run as classify summed it up: its note
// (a data race, a suite failure) goes into the suite's system-err and its
// state into a property, since no testcase carries them.
func kataJUnit(root string, k kata, reports []types.Report, res kataResult) junitSuites {
	pkg := "katas/" + k.Dir
	suite := junitSuite{
		Name: suiteName(k), Package: pkg, Hostname: "localhost",
		Timestamp: time.Now().UTC().Format(junitTimestamp),
	}
	var run time.Duration
	harness := 0
	var suiteProblems []string
	for i, r := range reports {
		if i == 0 && !r.StartTime.IsZero() {
			suite.Timestamp = r.StartTime.UTC().Format(junitTimestamp)
		}
		run += r.RunTime
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				if s.State.Is(types.SpecStateFailureStates) {
					suiteProblems = append(suiteProblems, fmt.Sprintf("%s failed at %s: %s",
						s.LeafNodeType, relLocation(root, s.Failure.Location), s.Failure.Message))
				}
				continue
			}
			if hasLabel(s, harnessLabel) {
				harness++
				continue
			}
			c := junitCase{Name: s.FullText(), Classname: pkg, Time: seconds(s.RunTime)}
			switch {
			case s.State.Is(types.SpecStatePassed):
			case s.State.Is(types.SpecStateSkipped | types.SpecStatePending):
				c.Skipped = &junitSkipped{Message: headline(s.Failure.Message)}
				suite.Skipped++
			default:
				kind, p := specProblem(root, s)
				if kind == "failure" {
					c.Failure = p
					suite.Failures++
				} else {
					c.Error = p
					suite.Errors++
				}
			}
			suite.Cases = append(suite.Cases, c)
		}
		for _, reason := range r.SpecialSuiteFailureReasons {
			suiteProblems = append(suiteProblems, "suite: "+reason)
		}
	}
	suite.Tests = len(suite.Cases)
	suite.Time = seconds(run)
	state := res.summary()
	suite.Properties = []junitProperty{
		{Name: "kata", Value: k.Dir},
		{Name: "state", Value: state},
		{Name: "counted", Value: fmt.Sprintf("the specs that exercise your code; %d %s specs not counted", harness, harnessLabel)},
	}
	if res.Note != "" {
		suiteProblems = append([]string{res.Note}, suiteProblems...)
	}
	suite.SystemErr = scrubRoot(root, strings.Join(suiteProblems, "\n"))
	return junitSuites{Suites: []junitSuite{suite}}
}

func suiteName(k kata) string {
	if k.Title != "" {
		return k.Title
	}
	return "Kata " + k.Dir
}

// specProblem says whether a failed spec is a <failure> (a wrong answer) or
// an <error> (no answer to check), with the reason in the message.
func specProblem(root string, s types.SpecReport) (string, *junitProblem) {
	f := s.Failure
	detail := f.Message
	if f.ForwardedPanic != "" {
		detail = strings.TrimSpace(detail + "\n" + f.ForwardedPanic)
	}
	text := scrubRoot(root, fmt.Sprintf("%s\n\n%s", relLocation(root, f.Location), detail))
	line := scrubRoot(root, failureHeadline(s))
	switch {
	case strings.Contains(f.Message, notImplemented) || strings.Contains(f.ForwardedPanic, notImplemented):
		return "error", &junitProblem{Type: "not implemented", Message: "not implemented yet: " + line, Text: text}
	case s.State == types.SpecStatePanicked:
		return "error", &junitProblem{Type: "panic", Message: "the code panicked, so no answer could be checked: " + line, Text: text}
	case s.State == types.SpecStateTimedout:
		return "error", &junitProblem{Type: "timeout", Message: "the spec ran out of time (a deadlock, or a goroutine nobody waits for?): " + line, Text: text}
	case s.State == types.SpecStateAborted || s.State == types.SpecStateInterrupted:
		return "error", &junitProblem{Type: s.State.String(), Message: "the run was " + s.State.String() + " before the spec ended: " + line, Text: text}
	default:
		return "failure", &junitProblem{Type: "wrong answer", Message: "wrong answer: " + line, Text: text}
	}
}

// headline is the first line of a message, " ..." when more follows.
func headline(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// failureHeadline is the first line of why a spec failed: the panic's value
// when it panicked (it says more than "Test Panicked").
func failureHeadline(s types.SpecReport) string {
	if s.Failure.ForwardedPanic != "" {
		return headline(s.Failure.ForwardedPanic)
	}
	return headline(s.Failure.Message)
}

// relLocation is file:line relative to the repository root.
func relLocation(root string, l types.CodeLocation) string {
	if l.FileName == "" {
		return "(no location)"
	}
	return fmt.Sprintf("%s:%d", relTo(root, l.FileName), l.LineNumber)
}

// scrubRoot removes the repository's absolute path from text (stack traces
// and messages name files by absolute path).
func scrubRoot(root, text string) string {
	if root == "" {
		return text
	}
	return strings.ReplaceAll(text, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator), "")
}

// brokenJUnit is the report of a kata whose specs could not run (it does not
// build, or the test binary crashed): one <error> testcase that says so.
func brokenJUnit(root string, k kata, res kataResult) junitSuites {
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
	pkg := "katas/" + k.Dir
	return junitSuites{Suites: []junitSuite{{
		Name: suiteName(k), Package: pkg, Hostname: "localhost",
		Timestamp: time.Now().UTC().Format(junitTimestamp), Time: seconds(res.Elapsed),
		Tests: 1, Errors: 1,
		Properties: []junitProperty{{Name: "kata", Value: k.Dir}, {Name: "state", Value: res.summary()}},
		Cases: []junitCase{{Name: "the specs of " + pkg + " build and run", Classname: pkg, Time: seconds(res.Elapsed),
			Error: &junitProblem{Type: "broken", Message: "the specs could not run: " + note, Text: scrubRoot(root, text)}}},
	}}}
}

// writeJUnit writes doc to path.
func writeJUnit(path string, doc junitSuites) error {
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
