package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// A view is how renderRun shows one run of a kata's specs.
type view struct {
	Root    string // the repository root: paths are shown relative to it
	Kata    kata
	TTY     bool // symbols and colours; else ASCII words, no escape codes
	Verbose bool // Ginkgo's own output was passed through: only the summary is left to say
	Focus   string
	Selects bool // some specs were left out on purpose (focus, filters)
	Elapsed time.Duration
}

// Lines longer than these are cut in the short view; V=1 shows all.
const (
	maxMessageLines = 40
	maxOutputLines  = 20
	maxStackFrames  = 8
	maxRaceReports  = 2
)

func (v view) paint(code, s string) string {
	if !v.TTY {
		return s
	}
	return "\033[" + code + "m" + s + "\033[0m"
}

func (v view) ok() string {
	if v.TTY {
		return v.paint("32", "✓")
	}
	return "ok  "
}

func (v view) bad() string {
	if v.TTY {
		return v.paint("31", "✗")
	}
	return "FAIL"
}

func (v view) skip() string {
	if v.TTY {
		return v.paint("33", "-")
	}
	return "skip"
}

func (v view) dim(s string) string { return v.paint("2", s) }

// rel shows p relative to the repository root.
func (v view) rel(p string) string {
	if v.Root != "" && strings.HasPrefix(p, v.Root+string(filepath.Separator)) {
		return filepath.ToSlash(p[len(v.Root)+1:])
	}
	return p
}

// relText makes every path under the root in s relative.
func (v view) relText(s string) string {
	if v.Root == "" {
		return s
	}
	return strings.ReplaceAll(s, v.Root+string(filepath.Separator), "")
}

func (v view) loc(l types.CodeLocation) string {
	return fmt.Sprintf("%s:%d", v.rel(l.FileName), l.LineNumber)
}

// inKata reports whether file is one of the kata's own files (the learner's
// or the specs).
func (v view) inKata(file string) bool {
	return strings.HasPrefix(v.rel(file), "katas/"+v.Kata.Dir+"/")
}

// A taskGroup is the specs of one task, in the order of the spec files.
type taskGroup struct {
	Task  int    // 0: the spec names no task
	Title string // "Task 2: DownloadAll"
	Specs types.SpecReports
}

// groupByTask sorts the It specs by task number (the README's order; specs
// naming no task last), then by place in the spec files. Ginkgo runs the
// containers in a random order; this is the order a learner reads.
func groupByTask(specs types.SpecReports) []taskGroup {
	specs = slices.Clone(specs)
	slices.SortStableFunc(specs, func(a, b types.SpecReport) int {
		ta, tb := specTask(a), specTask(b)
		if ta == 0 {
			ta = 1 << 30
		}
		if tb == 0 {
			tb = 1 << 30
		}
		if ta != tb {
			return ta - tb
		}
		if c := strings.Compare(a.LeafNodeLocation.FileName, b.LeafNodeLocation.FileName); c != 0 {
			return c
		}
		return a.LeafNodeLocation.LineNumber - b.LeafNodeLocation.LineNumber
	})
	var out []taskGroup
	for _, s := range specs {
		t := specTask(s)
		if len(out) == 0 || out[len(out)-1].Task != t {
			out = append(out, taskGroup{Task: t, Title: taskTitle(s, t)})
		}
		out[len(out)-1].Specs = append(out[len(out)-1].Specs, s)
	}
	return out
}

// taskTitle is the container that names the task ("Task 2: DownloadAll").
func taskTitle(s types.SpecReport, task int) string {
	if task == 0 {
		return ""
	}
	for _, c := range s.ContainerHierarchyTexts {
		if taskRE.MatchString(c) {
			return c
		}
	}
	return fmt.Sprintf("Task %d", task)
}

// specLabel is the spec's text below its task's title.
func specLabel(s types.SpecReport, title string) string {
	var parts []string
	for _, c := range s.ContainerHierarchyTexts {
		if c != title {
			parts = append(parts, c)
		}
	}
	return strings.Join(append(parts, s.LeafNodeText), " ")
}

func failed(s types.SpecReport) bool { return s.State.Is(types.SpecStateFailureStates) }

func ran(s types.SpecReport) bool {
	return s.State.Is(types.SpecStatePassed) || failed(s) || selfSkipped(s)
}

// renderRun shows one run of the learner's specs: each task in the README's
// order, passing tasks on one line, the first failing task in full (its
// failures, where they happened, what the spec printed), every other
// failing spec on one line, a stub's "not implemented" panic on one line
// with no stack; then what no spec carries (a data race, a suite failure),
// and a summary with what to do next. With Verbose, Ginkgo's own output
// came first and only the summary follows.
func renderRun(w io.Writer, v view, o runOutcome, res kataResult) {
	if o.Reports == nil {
		v.renderBroken(w, o)
	} else if !v.Verbose {
		v.renderSpecs(w, o.Reports)
		v.renderSuiteFailures(w, o.Reports)
		v.renderRaces(w, o.Output)
	}
	v.renderSummary(w, o, res)
}

func (v view) renderSpecs(w io.Writer, reports []types.Report) {
	first := true
	for _, g := range groupByTask(itSpecs(reports)) {
		var runSpecs, failing types.SpecReports
		for _, s := range g.Specs {
			if hasLabel(s, harnessLabel) && !failed(s) {
				continue // checks of the harness, not of the learner's code: news only when they fail
			}
			if ran(s) {
				runSpecs = append(runSpecs, s)
			}
			if failed(s) {
				failing = append(failing, s)
			}
		}
		switch {
		case len(runSpecs) == 0: // all left out by a focus
		case len(failing) == 0:
			v.renderPassedTask(w, g, runSpecs)
		case first:
			first = false
			v.renderTaskInFull(w, g, runSpecs, len(failing))
		default:
			v.renderTaskShort(w, g, runSpecs)
		}
	}
}

// title is how a spec of group g is named on a line of its own.
func (g taskGroup) title(s types.SpecReport) string {
	if g.Title == "" {
		return s.FullText()
	}
	return g.Title + ": " + specLabel(s, g.Title)
}

func (v view) renderPassedTask(w io.Writer, g taskGroup, specs types.SpecReports) {
	if g.Title == "" {
		for _, s := range specs {
			fmt.Fprintf(w, "%s %s\n", v.ok(), s.FullText())
		}
	} else {
		verb := "pass"
		if len(specs) == 1 {
			verb = "passes"
		}
		fmt.Fprintf(w, "%s %s %s\n", v.ok(), g.Title, v.dim(fmt.Sprintf("(%s %s)", plural(len(specs), "spec"), verb)))
	}
	for _, s := range specs {
		if selfSkipped(s) {
			fmt.Fprintf(w, "     %s %s: skipped itself: %s\n", v.skip(), specLabel(s, g.Title), v.relText(oneLine(s.Failure.Message)))
		}
		v.renderEntries(w, s, "     ", false)
	}
}

// renderTaskShort: one line per failing spec; a stub's panic once for all
// the specs that reached it.
func (v view) renderTaskShort(w io.Writer, g taskGroup, specs types.SpecReports) {
	stubs := map[string]int{}
	var order []string
	for _, s := range specs {
		switch {
		case failed(s) && isNotImplemented(s):
			m := stubMessage(s)
			if stubs[m] == 0 {
				order = append(order, m)
			}
			stubs[m]++
		case failed(s):
			fmt.Fprintf(w, "%s %s%s\n", v.bad(), g.title(s), v.dim(stateTag(s)))
		case selfSkipped(s):
			fmt.Fprintf(w, "%s %s: skipped itself: %s\n", v.skip(), g.title(s), v.relText(oneLine(s.Failure.Message)))
		}
	}
	for _, m := range order {
		n := v.dim(fmt.Sprintf("(%s)", plural(stubs[m], "spec")))
		switch {
		case g.Task == 0:
			fmt.Fprintf(w, "%s %s %s\n", v.bad(), m, n)
		case strings.HasSuffix(m, fmt.Sprintf("task %d", g.Task)):
			// "Task 2: DownloadAll is not implemented yet: see README, task 2 (8 specs)"
			fmt.Fprintf(w, "%s Task %d: %s %s\n", v.bad(), g.Task, m, n)
		default: // the specs of this task wait for another task's function
			fmt.Fprintf(w, "%s %s %s: %s\n", v.bad(), g.Title, n, m)
		}
	}
}

func (v view) renderTaskInFull(w io.Writer, g taskGroup, specs types.SpecReports, nFailing int) {
	heading := g.Title
	if heading == "" {
		heading = "Specs that name no task"
	}
	fmt.Fprintf(w, "\n%s %s %s\n", v.bad(), v.paint("1", heading), v.dim(fmt.Sprintf("(%d of %d pass)", len(specs)-nFailing, len(specs))))
	stubs := map[string]string{} // message -> where
	var order []string
	for _, s := range specs {
		label := specLabel(s, g.Title)
		if g.Title == "" {
			label = s.FullText()
		}
		switch {
		case s.State.Is(types.SpecStatePassed):
			fmt.Fprintf(w, "  %s %s\n", v.ok(), label)
			v.renderEntries(w, s, "      ", false)
		case selfSkipped(s):
			fmt.Fprintf(w, "  %s %s: skipped itself: %s\n", v.skip(), label, v.relText(oneLine(s.Failure.Message)))
		case isNotImplemented(s):
			fmt.Fprintf(w, "  %s %s\n", v.bad(), label)
			m := stubMessage(s)
			if _, seen := stubs[m]; !seen {
				order = append(order, m)
				stubs[m] = v.learnerLocation(s)
			}
		default:
			fmt.Fprintf(w, "  %s %s%s\n", v.bad(), label, v.dim(stateTag(s)))
			v.renderFailure(w, s, "      ")
		}
	}
	for _, m := range order {
		fmt.Fprintf(w, "      %s %s\n", m, v.dim("("+stubs[m]+")"))
	}
	fmt.Fprintln(w)
}

// stubMessage is the stub's panic: "DownloadAll is not implemented yet: see README, task 2",
// also where a spec caught the panic and failed with it inside its own
// message ("Unexpected error: ... Run panicked: Run is not implemented
// yet: see README, task 2 ..."), so that all the specs a stub stops show
// it once.
func stubMessage(s types.SpecReport) string {
	for _, m := range []string{s.Failure.ForwardedPanic, s.Failure.Message} {
		if found := stubPanic.FindString(m); found != "" {
			return found
		}
	}
	m := s.Failure.ForwardedPanic
	if !strings.Contains(m, notImplemented) {
		m = s.Failure.Message
	}
	return oneLine(m)
}

// stubPanic is the sentence every stub panics with.
var stubPanic = regexp.MustCompile(`[\w.]+ ` + notImplemented + `: see README, task \d+`)

// stateTag marks a failure that is not a plain failed expectation.
func stateTag(s types.SpecReport) string {
	switch s.State {
	case types.SpecStatePanicked:
		return " [panicked]"
	case types.SpecStateTimedout:
		return " [timed out]"
	case types.SpecStateInterrupted:
		return " [interrupted]"
	case types.SpecStateAborted:
		return " [aborted]"
	}
	return ""
}

// learnerLocation is where a failure happened that the learner can act on:
// for a panic, the first line of the stack in the kata's folder (the
// learner's file, most often); else the expectation that failed.
func (v view) learnerLocation(s types.SpecReport) string {
	if s.State == types.SpecStatePanicked {
		for _, f := range stackFrames(s.Failure.Location.FullStackTrace) {
			if v.inKata(f.File) {
				return fmt.Sprintf("%s:%d", v.rel(f.File), f.Line)
			}
		}
	}
	return v.loc(s.Failure.Location)
}

// renderFailure shows one failure in full, indented.
func (v view) renderFailure(w io.Writer, s types.SpecReport, indent string) {
	f := s.Failure
	msg := f.Message
	if s.State == types.SpecStatePanicked {
		msg = "panicked: " + f.ForwardedPanic
	}
	writeIndented(w, indent, v.relText(strings.TrimSpace(msg)), maxMessageLines)
	at := v.learnerLocation(s)
	where := "at " + at
	if specFile := v.rel(s.LeafNodeLocation.FileName); !strings.HasPrefix(at, specFile+":") {
		where += ", the spec at " + v.loc(s.LeafNodeLocation) // the failure is in another file: the learner's, most often
	}
	fmt.Fprintln(w, indent+v.dim(where))
	switch s.State {
	case types.SpecStatePanicked:
		v.renderStack(w, indent, stackFrames(f.Location.FullStackTrace))
	case types.SpecStateTimedout:
		fmt.Fprintf(w, "%sthe spec ran out of time: something waits for ever, most often (a deadlock, a channel\n", indent)
		fmt.Fprintf(w, "%snobody closes, a lock never released, a context ignored). Where it was waiting:\n", indent)
		v.renderProgress(w, indent, f.ProgressReport)
	case types.SpecStateInterrupted, types.SpecStateAborted:
		v.renderProgress(w, indent, f.ProgressReport)
	}
	if af := f.AdditionalFailure; af != nil {
		fmt.Fprintf(w, "%sthen, as it ended [%s]:\n", indent, af.State)
		writeIndented(w, indent+"  ", v.relText(strings.TrimSpace(af.Failure.Message)), maxMessageLines)
	}
	v.renderEntries(w, s, indent, true)
	for _, out := range []struct{ what, text string }{
		{"it printed", s.CapturedGinkgoWriterOutput},
		{"stdout/stderr", s.CapturedStdOutErr},
	} {
		if strings.TrimSpace(out.text) != "" {
			fmt.Fprintf(w, "%s%s:\n", indent, out.what)
			writeIndented(w, indent+"  ", v.relText(strings.TrimRight(out.text, "\n")), maxOutputLines)
		}
	}
}

// renderEntries shows the spec's report entries (the measurements a spec
// reports): those meant to be seen always, and with failed also those meant
// for failures.
func (v view) renderEntries(w io.Writer, s types.SpecReport, indent string, failed bool) {
	for _, e := range s.ReportEntries {
		if e.Visibility == types.ReportEntryVisibilityNever || (e.Visibility == types.ReportEntryVisibilityFailureOrVerbose && !failed) {
			continue
		}
		value := strings.TrimRight(e.StringRepresentation(), "\n")
		if value == "" {
			continue
		}
		if strings.Contains(value, "\n") {
			fmt.Fprintf(w, "%s%s:\n", indent, e.Name)
			writeIndented(w, indent+"  ", value, maxOutputLines)
		} else {
			fmt.Fprintf(w, "%s%s: %s\n", indent, e.Name, value)
		}
	}
}

// A frame is one call of a goroutine's stack.
type frame struct {
	Func string
	File string
	Line int
}

var frameFileRE = regexp.MustCompile(`^\s+(\S+\.go):([0-9]+)`)

// stackFrames reads a Go stack trace (function line, then a tab and
// file:line).
func stackFrames(trace string) []frame {
	var out []frame
	lines := strings.Split(trace, "\n")
	for i := 0; i+1 < len(lines); i++ {
		m := frameFileRE.FindStringSubmatch(lines[i+1])
		if m == nil || strings.TrimSpace(lines[i]) == "" || frameFileRE.MatchString(lines[i]) {
			continue
		}
		var n int
		fmt.Sscan(m[2], &n)
		out = append(out, frame{Func: strings.TrimSpace(lines[i]), File: m[1], Line: n})
		i++
	}
	return out
}

// shortFunc drops the module path and arguments: "sequential.DownloadAll".
func shortFunc(f string) string {
	if i := strings.Index(f, " in goroutine "); i > 0 {
		f = f[:i] // a "created by" line
	}
	if i := strings.LastIndexByte(f, '/'); i >= 0 {
		f = f[i+1:]
	}
	if i := strings.Index(f, "("); i > 0 && !strings.HasPrefix(f[i:], "(*") {
		f = f[:i]
	} else if i := strings.LastIndex(f, "("); i > 0 && strings.HasSuffix(f, ")") && i > strings.LastIndex(f, ".") {
		f = f[:i]
	}
	return f
}

// renderStack shows the frames of a stack that lie in the kata's folder.
func (v view) renderStack(w io.Writer, indent string, frames []frame) {
	n := 0
	for _, f := range frames {
		if !v.inKata(f.File) || n == maxStackFrames {
			continue
		}
		if n == 0 {
			fmt.Fprintf(w, "%sstack, in this kata's files:\n", indent)
		}
		n++
		fmt.Fprintf(w, "%s  %s:%d %s\n", indent, v.rel(f.File), f.Line, v.dim(shortFunc(f.Func)))
	}
}

// renderProgress shows where a spec that ran out of time was blocked: the
// spec's goroutine, and the other goroutines stuck in the kata's files.
func (v view) renderProgress(w io.Writer, indent string, pr types.ProgressReport) {
	shown := 0
	for _, g := range pr.Goroutines {
		var mine []types.FunctionCall
		for _, c := range g.Stack {
			if v.inKata(c.Filename) {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 || (!g.IsSpecGoroutine && shown >= 3) {
			continue
		}
		shown++
		who := fmt.Sprintf("goroutine %d [%s]", g.ID, g.State)
		if g.IsSpecGoroutine {
			who = fmt.Sprintf("the spec's goroutine [%s]", g.State)
		}
		fmt.Fprintf(w, "%s%s, blocked at:\n", indent, who)
		for i, c := range mine {
			if i == maxStackFrames {
				break
			}
			src := ""
			if c.SourceHighlight >= 0 && c.SourceHighlight < len(c.Source) {
				src = "  " + strings.TrimSpace(c.Source[c.SourceHighlight])
			}
			fmt.Fprintf(w, "%s  %s:%d %s%s\n", indent, v.rel(c.Filename), c.Line, v.dim(shortFunc(c.Function)), src)
		}
	}
}

// renderSuiteFailures shows failed nodes that are not specs (BeforeSuite,
// AfterSuite...) and what fails a suite without a failed node.
func (v view) renderSuiteFailures(w io.Writer, reports []types.Report) {
	for _, s := range failedNodes(reports) {
		if s.LeafNodeType == types.NodeTypeIt {
			continue
		}
		fmt.Fprintf(w, "%s %s %s\n", v.bad(), s.LeafNodeType, strings.TrimSpace(s.LeafNodeText))
		v.renderFailure(w, s, "    ")
	}
	for _, n := range suiteNotes(reports) {
		fmt.Fprintf(w, "%s %s\n", v.bad(), n)
	}
}

// renderBroken shows a run that left no report: what the compiler said, or
// where the test binary crashed.
func (v view) renderBroken(w io.Writer, o runOutcome) {
	out := v.relText(o.Output)
	switch {
	case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
		fmt.Fprintf(w, "%s katas/%s does not compile:\n", v.bad(), v.Kata.Dir)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if l == "FAIL" || strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "ok ") || strings.TrimSpace(l) == "" {
				continue
			}
			lines = append(lines, l)
		}
		writeIndented(w, "    ", strings.Join(lines, "\n"), maxMessageLines)
	case strings.Contains(out, "panic: "):
		i := strings.Index(out, "panic: ")
		fmt.Fprintf(w, "%s the test binary crashed: %s\n", v.bad(), strings.SplitN(out[i:], "\n", 2)[0])
		fmt.Fprintln(w, "    a panic outside a spec's reach (in a goroutine a spec started, most often) ends the run before")
		fmt.Fprintln(w, "    any spec is reported; goroutines you start must not panic.")
		v.renderStack(w, "    ", stackFrames(out[i:]))
	default:
		fmt.Fprintf(w, "%s the run ended without a report (exit %d); its last lines:\n", v.bad(), o.ExitCode)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) > maxOutputLines {
			lines = lines[len(lines)-maxOutputLines:]
		}
		writeIndented(w, "    ", strings.Join(lines, "\n"), maxOutputLines)
	}
	v.renderRaces(w, o.Output)
}

// renderSummary ends every run: the counts, the state, what to do next.
func (v view) renderSummary(w io.Writer, o runOutcome, res kataResult) {
	var passed, failedN, skipped, left int
	firstFailing := 0 // the first task with a failed spec, among those that ran
	for _, s := range itSpecs(o.Reports) {
		if hasLabel(s, harnessLabel) && !failed(s) {
			continue // as classify: specs of the harness are not the learner's
		}
		switch {
		case s.State.Is(types.SpecStatePassed):
			passed++
		case failed(s):
			failedN++
			if t := specTask(s); t > 0 && (firstFailing == 0 || t < firstFailing) {
				firstFailing = t
			}
		case selfSkipped(s):
			skipped++
		default:
			left++
		}
	}
	counts := fmt.Sprintf("%d passed, %d failed, %d skipped", passed, failedN, skipped)
	if left > 0 {
		counts += fmt.Sprintf(", %d not run", left)
	}
	if v.Focus != "" {
		counts += fmt.Sprintf(" (focus %q)", v.Focus)
	}
	state := res.summary()
	if v.Selects && o.Reports != nil {
		state = "part of the kata ran"
	}
	fmt.Fprintf(w, "\n%s in %.1fs: %s\n", counts, v.Elapsed.Seconds(), state)
	if o.Reports != nil && passed+failedN+skipped == 0 && v.Selects {
		fmt.Fprintf(w, "no spec matched: F= is a regular expression matched against each spec's text, which starts\n"+
			"with its task (\"Task 2: ...\"); e.g. make kata N=%d F='Task 2'\n", v.Kata.Num)
		return
	}
	fmt.Fprintln(w, v.nextStep(o, res, firstFailing, failedN))
}

// nextStep says what to do after this run, in make's terms.
// firstFailing is the first task with a failed spec in this run (0: none),
// failedN how many specs failed.
func (v view) nextStep(o runOutcome, res kataResult, firstFailing, failedN int) string {
	k := v.Kata
	more := ""
	if !v.Verbose {
		more = fmt.Sprintf("; everything in full: make kata N=%d V=1", k.Num)
	}
	help := fmt.Sprintf("stuck? make hint N=%d%s", k.Num, more)
	switch {
	case o.Reports == nil:
		return fmt.Sprintf("next: fix what is shown above, then make kata N=%d (the whole output: %s)", k.Num, v.rel(res.LogPath))
	case v.Selects && failedN == 0 && res.State != stateBroken && !strings.Contains(o.Output, "WARNING: DATA RACE"):
		return fmt.Sprintf("next: the whole kata, make kata N=%d", k.Num)
	case res.State == stateSolved:
		return fmt.Sprintf("next: make next (kata %d is solved)", k.Num)
	case res.State == stateBroken:
		return fmt.Sprintf("next: fix the first error above, then make kata N=%d (the whole output: %s)", k.Num, v.rel(res.LogPath))
	case firstFailing > 0 || (!v.Selects && len(res.FailingTasks) > 0):
		t := firstFailing
		if t == 0 {
			t = res.FailingTasks[0]
		}
		return fmt.Sprintf("next: Task %d in katas/%s/README.md; its specs alone: make kata N=%d F='Task %d'\n%s", t, k.Dir, k.Num, t, help)
	case strings.Contains(o.Output, "WARNING: DATA RACE"):
		return "next: the DATA RACE above\n" + help
	default:
		return fmt.Sprintf("next: make kata N=%d again\n%s", k.Num, help)
	}
}

// writeIndented writes text indented, cut after max lines.
func writeIndented(w io.Writer, indent, text string, max int) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i == max {
			fmt.Fprintf(w, "%s... (%d more lines: V=1 shows them)\n", indent, len(lines)-max)
			return
		}
		fmt.Fprintln(w, strings.TrimRight(indent+l, " \t"))
	}
}

// oneLine is the first line of s, trimmed.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " ..."
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
