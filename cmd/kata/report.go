package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// harnessLabel marks specs that do not exercise learner code: the stub may pass them.
const harnessLabel = "harness"

// runOutcome is what one `go test` run left behind.
type runOutcome struct {
	Reports  []types.Report // nil when no JSON report was written
	ExitCode int
	Output   string // combined stdout and stderr
}

// verdict is the judgement of one check.
type verdict struct {
	OK     bool
	Note   string   // one line for the table
	Detail []string // why it failed, spec by spec
}

func pass(format string, a ...any) verdict { return verdict{OK: true, Note: fmt.Sprintf(format, a...)} }
func fail(format string, a ...any) verdict { return verdict{Note: fmt.Sprintf(format, a...)} }

// loadReports reads a Ginkgo JSON report (a list of suite reports).
func loadReports(path string) ([]types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("reading Ginkgo report %s: %w", path, err)
	}
	return reports, nil
}

// itSpecs returns the It specs of all suites (suite-level nodes excluded).
func itSpecs(reports []types.Report) types.SpecReports {
	var out types.SpecReports
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt {
				out = append(out, s)
			}
		}
	}
	return out
}

// failedNodes returns every failed node, suite-level ones (BeforeSuite...) included.
func failedNodes(reports []types.Report) types.SpecReports {
	var out types.SpecReports
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.State.Is(types.SpecStateFailureStates) {
				out = append(out, s)
			}
		}
	}
	return out
}

func hasLabel(s types.SpecReport, label string) bool {
	for _, l := range s.Labels() {
		if l == label {
			return true
		}
	}
	return false
}

// specName is how a spec appears in the proof's output.
func specName(s types.SpecReport) string {
	name := s.FullText()
	if s.LeafNodeType != types.NodeTypeIt {
		name = strings.TrimSpace(s.LeafNodeType.String() + " " + name)
	}
	return fmt.Sprintf("[%s] %s (%s)", s.State, name, s.LeafNodeLocation)
}

// failureLine is the first line of a spec's failure message.
func failureLine(s types.SpecReport) string {
	msg := strings.TrimSpace(s.Failure.Message)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + " ..."
	}
	return msg
}

// noReport explains a run that wrote no usable report.
func noReport(o runOutcome) verdict {
	switch {
	case strings.Contains(o.Output, "[build failed]") || strings.Contains(o.Output, "[setup failed]"):
		return fail("does not build")
	case strings.Contains(o.Output, "[no test files]"):
		return fail("the package has no test files")
	case strings.Contains(o.Output, "panic: ") && o.ExitCode != 0:
		v := fail("the test binary crashed: %s", panicLine(o.Output))
		v.Detail = []string{"a panic outside Ginkgo's reach (often in a goroutine a spec started, or in Ginkgo itself) ends the run before the report is written;",
			"goroutines started by specs need `defer GinkgoRecover()`; see the log for the stack"}
		return v
	case o.ExitCode < 0:
		return fail("no Ginkgo report: the run was killed by a signal")
	case o.ExitCode == 0:
		return fail("no Ginkgo report: does the suite call RunSpecs (harness.RunSuite)?")
	default:
		return fail("no Ginkgo report (exit %d): the test binary crashed or was killed before the end of the suite", o.ExitCode)
	}
}

// suiteNotes names suite-level reasons for failure that no spec carries.
func suiteNotes(reports []types.Report) []string {
	var out []string
	for _, r := range reports {
		if r.SuiteHasProgrammaticFocus {
			out = append(out, "the suite has a focused spec (FIt/FDescribe/Focus): remove the focus")
		}
		for _, reason := range r.SpecialSuiteFailureReasons {
			out = append(out, "suite: "+reason)
		}
	}
	return out
}

// reportedSpecs returns the specs of a run's report; when there is no
// report, or it holds no spec, ok is false and why is the failed verdict
// that says so.
func reportedSpecs(o runOutcome) (specs types.SpecReports, why verdict, ok bool) {
	if o.Reports == nil {
		return nil, noReport(o), false
	}
	specs = itSpecs(o.Reports)
	if len(specs) == 0 {
		return nil, fail("the report holds zero specs"), false
	}
	return specs, verdict{}, true
}

// evalSolution: the solution must build and pass with zero failed specs, and
// the run must succeed (a data race fails the run without failing a spec).
func evalSolution(o runOutcome) verdict {
	specs, why, ok := reportedSpecs(o)
	if !ok {
		return why
	}
	failed := failedNodes(o.Reports)
	passed := 0
	for _, s := range specs {
		if s.State.Is(types.SpecStatePassed) {
			passed++
		}
	}
	if len(failed) > 0 {
		v := fail("%d of %d specs failed on the solution", len(failed), len(specs))
		for _, s := range failed {
			v.Detail = append(v.Detail, specName(s), "    "+failureLine(s))
		}
		v.Detail = append(v.Detail, suiteNotes(o.Reports)...)
		return v
	}
	if o.ExitCode != 0 {
		v := fail("every spec passed but the run failed (exit %d)", o.ExitCode)
		if strings.Contains(o.Output, "WARNING: DATA RACE") {
			v.Note = "every spec passed but the race detector found a DATA RACE"
		}
		v.Detail = suiteNotes(o.Reports)
		return v
	}
	// A spec that skipped itself said why (Skip("...")): a timing spec on a
	// machine too busy to measure. That is no failure of the solution, but
	// the note says it, so nobody mistakes it for a measurement.
	var selfSkipped []string
	for _, s := range specs {
		if s.State == types.SpecStateSkipped && s.Failure.Message != "" {
			selfSkipped = append(selfSkipped, fmt.Sprintf("%s skipped itself: %s", s.LeafNodeText, failureLine(s)))
		}
	}
	if passed == 0 && len(selfSkipped) == 0 {
		return fail("no spec passed (%d specs, all skipped or pending)", len(specs))
	}
	if len(selfSkipped) > 0 {
		v := pass("%d passed, %d skipped themselves (see below), %d skipped or pending", passed, len(selfSkipped), len(specs)-passed-len(selfSkipped))
		v.Detail = selfSkipped
		return v
	}
	if passed < len(specs) {
		return pass("%d passed, %d skipped or pending", passed, len(specs)-passed)
	}
	return pass("%d specs passed", passed)
}

// evalStub: every spec not labelled "harness" must fail on the untouched stub.
func evalStub(o runOutcome) verdict {
	specs, why, ok := reportedSpecs(o)
	if !ok {
		return why
	}
	var survivors []string
	learner := 0
	for _, s := range specs {
		if hasLabel(s, harnessLabel) {
			continue
		}
		learner++
		if !s.State.Is(types.SpecStateFailureStates) {
			survivors = append(survivors, specName(s))
		}
	}
	if learner == 0 {
		return fail("every spec is labelled %q: no spec exercises the learner's code", harnessLabel)
	}
	if len(survivors) > 0 {
		v := fail("%d of %d learner specs did not fail on the stub", len(survivors), learner)
		v.Detail = append(survivors, suiteNotes(o.Reports)...)
		return v
	}
	if harness := len(specs) - learner; harness > 0 {
		return pass("all %d learner specs failed (%d %s specs not counted)", learner, harness, harnessLabel)
	}
	return pass("all %d learner specs failed", learner)
}

// evalMutant: the spec(s) named by killed-by must be in a failure state.
func evalMutant(m mutant, o runOutcome) verdict {
	if len(m.KilledBy) == 1 && m.KilledBy[0] == raceKiller {
		if strings.Contains(o.Output, "WARNING: DATA RACE") && o.ExitCode != 0 {
			return pass("killed by the race detector")
		}
		return fail("survived: the race detector reported no DATA RACE")
	}
	specs, why, ok := reportedSpecs(o)
	if !ok {
		return why
	}
	var failedNames []string
	for _, s := range failedNodes(o.Reports) {
		failedNames = append(failedNames, specName(s))
	}
	var v verdict
	v.OK = true
	var killers []string
	for _, want := range m.KilledBy {
		if want == raceKiller {
			v.OK = false
			v.Note = fmt.Sprintf("killed-by %q must be the only killed-by line of the mutant", raceKiller)
			return v
		}
		var matching, killing types.SpecReports
		for _, s := range specs {
			if strings.Contains(s.FullText(), want) {
				matching = append(matching, s)
				if s.State.Is(types.SpecStateFailureStates) {
					killing = append(killing, s)
				}
			}
		}
		switch {
		case len(matching) == 0:
			v.OK = false
			v.Note = fmt.Sprintf("killed-by %q matches no spec: fix the mutant's killed-by line", want)
			v.Detail = append(v.Detail, fmt.Sprintf("killed-by %q matches none of the %d specs, which are:", want, len(specs)))
			for _, s := range specs {
				v.Detail = append(v.Detail, "    "+s.FullText())
			}
		case len(killing) == 0:
			v.OK = false
			if len(failedNames) == 0 {
				v.Note = "survived: no spec failed"
			} else {
				v.Note = "killed by the wrong spec"
			}
			for _, s := range matching {
				v.Detail = append(v.Detail, "expected to fail but did not: "+specName(s))
			}
			if len(failedNames) > 0 {
				v.Detail = append(v.Detail, "failed instead:")
				for _, n := range failedNames {
					v.Detail = append(v.Detail, "    "+n)
				}
			}
			if strings.Contains(o.Output, "WARNING: DATA RACE") {
				v.Detail = append(v.Detail, fmt.Sprintf("the race detector fired: if that is the intended kill, write \"// killed-by: %s\"", raceKiller))
			}
		default:
			killers = append(killers, fmt.Sprintf("%q (%s)", want, killing[0].State))
		}
	}
	if v.OK {
		v.Note = "killed by " + strings.Join(killers, ", ")
		if others := len(failedNames) - len(killers); others > 0 {
			v.Note += fmt.Sprintf(" (%d failed in all)", len(failedNames))
		}
	}
	return v
}

// panicLine is the first "panic: ..." line of the output.
func panicLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "panic: ") {
			return strings.TrimSpace(line)
		}
	}
	return "panic"
}
