package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The learner's text is the kata READMEs, their hints, the doc comments of
// the files the learner fills in, and the top README. These tests keep it in
// the project's own words (no planning labels, nothing about how the project
// checks itself, no machine paths) and keep every kata README on one
// skeleton, with the tasks of its specs and the sections its specs point to.

// lessonSkeleton is the "## " headings of every kata README, in order, and
// nothing else at that level.
var lessonSkeleton = []string{"The concept", "Tasks", "How to run", "What the specs see", "Hints", "Further reading"}

func TestLessonsUseTheProjectsOwnWords(t *testing.T) {
	root, katas := thisRepoKatas(t)
	if len(katas) == 0 {
		t.Fatal("no kata found under katas/")
	}
	names := wrongVersionNames(t, root, katas)
	if len(names) == 0 {
		t.Fatal("no deliberately wrong version found under katas/*/testdata/mutants: the check of their names would check nothing")
	}
	texts := learnerTexts(t, root, katas)
	for _, lt := range texts {
		for _, p := range ownWordsProblems(lt.text, names) {
			t.Errorf("%s:%d: %s", lt.path, p.line, p.what)
		}
	}
}

func TestOwnWordsProblemsSeesEachKind(t *testing.T) {
	names := []string{"unbounded-wait", "sequential"}
	for _, bad := range []string{
		"Concepts: C3, C4",
		"That difference is concept C13.",
		"The do_first program of the seeds.",
		"the proof tool swaps those files",
		"the \"unbounded-wait\" mutant fails",
		"a version that waits without a bound (unbounded-wait)",
		"one URL after another (\"sequential\")",
		"run `make mutant N=7 M=sequential`",
		"/work/main/katas/01-sequential/sequential_test.go:45",
		"\t/home/me/go/src/iter/iter.go:287",
		`C:\Users\me\katas`,
	} {
		if len(ownWordsProblems(bad, names)) == 0 {
			t.Errorf("ownWordsProblems(%q) found nothing", bad)
		}
	}
	for _, good := range []string{
		"katas/01-sequential/sequential_test.go:45",
		`["C1", "C2", "B1"] to equal ["A1", "B1", "C1"]`,
		"A sequential download takes exactly 160 × the latency.",
		"a version that waits without a bound",
		"http://127.0.0.1:43111/olympus.realpython.org/dice?n=1",
		"/proc must show 3 children; see /proc/<pid>/status",
	} {
		if ps := ownWordsProblems(good, names); len(ps) != 0 {
			t.Errorf("ownWordsProblems(%q) = %v, want none", good, ps)
		}
	}
}

func TestKataReadmesFollowTheSkeleton(t *testing.T) {
	root, katas := thisRepoKatas(t)
	for _, k := range katas {
		path := filepath.Join("katas", k.Dir, "README.md")
		data, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		specs := specSources(t, root, k)
		for _, p := range skeletonProblems(k, string(data), specs) {
			t.Errorf("%s: %s", path, p)
		}
	}
}

// A learnerText is one file's text that a learner reads.
type learnerText struct {
	path string // relative to the repository root
	text string
}

// learnerTexts returns the top README, each kata's README and hints, and the
// comments of each kata's non-test Go files (the stub the learner fills in).
func learnerTexts(t *testing.T, root string, katas []kata) []learnerText {
	t.Helper()
	var out []learnerText
	add := func(rel string) {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return
		}
		out = append(out, learnerText{rel, string(data)})
	}
	add("README.md")
	for _, k := range katas {
		dir := filepath.Join("katas", k.Dir)
		add(filepath.Join(dir, "README.md"))
		hints := filepath.Join(root, dir, "hints")
		_ = filepath.WalkDir(hints, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
				rel, _ := filepath.Rel(root, p)
				add(rel)
			}
			return nil
		})
		gos, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, g := range gos {
			if strings.HasSuffix(g, "_test.go") {
				continue
			}
			rel, _ := filepath.Rel(root, g)
			out = append(out, learnerText{rel, goComments(t, g)})
		}
	}
	return out
}

// goComments returns the comments of a Go file, each at its own line number
// (the other lines are left empty), so that problems report real lines.
func goComments(t *testing.T, path string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return ""
	}
	var lines []string
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			line := fset.Position(c.Slash).Line
			for i, l := range strings.Split(c.Text, "\n") {
				for len(lines) < line+i {
					lines = append(lines, "")
				}
				lines[line+i-1] = l
			}
		}
	}
	return strings.Join(lines, "\n")
}

// wrongVersionNames returns the names of the deliberately wrong versions of
// every kata: the folders, and the *.patch files without their extension,
// of katas/*/testdata/mutants.
func wrongVersionNames(t *testing.T, root string, katas []kata) []string {
	t.Helper()
	var names []string
	for _, k := range katas {
		entries, err := os.ReadDir(k.path(root, "testdata", "mutants"))
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			switch {
			case e.IsDir():
			case strings.HasSuffix(name, ".patch"):
				name = strings.TrimSuffix(name, ".patch")
			default:
				continue
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}

type textProblem struct {
	line int
	what string
}

var (
	conceptsLineRE = regexp.MustCompile(`(?i)\bconcepts?\s*:`)
	conceptIDRE    = regexp.MustCompile(`\bC[0-9]{1,2}\b`)
	seedsRE        = regexp.MustCompile(`(?i)\bseeds\b`)
	proofRE        = regexp.MustCompile(`(?i)\bproof( tool)?\b`)
	mutantRE       = regexp.MustCompile(`(?i)\bmutants?\b`)
	// absPathRE is a path that starts at the root of some machine: a home,
	// a checkout, a temporary folder, a Go installation, a Windows drive.
	// /proc/... is not one: it names the same thing on every Linux.
	absPathRE = regexp.MustCompile(`(^|[\s"'(\x60=:])(/(work|home|Users|root|tmp|private|opt|usr|var|mnt|srv|builds|go)/|[A-Za-z]:\\)`)
)

// ownWordsProblems lists what in text is not in the project's own words.
// names are the names of the deliberately wrong versions.
func ownWordsProblems(text string, names []string) []textProblem {
	var out []textProblem
	for i, line := range strings.Split(text, "\n") {
		add := func(what string) { out = append(out, textProblem{i + 1, what}) }
		if conceptsLineRE.MatchString(line) {
			add(`a "Concepts:" label: name the idea itself`)
		}
		for _, loc := range conceptIDRE.FindAllStringIndex(line, -1) {
			quoted := loc[0] > 0 && line[loc[0]-1] == '"' || loc[1] < len(line) && line[loc[1]] == '"'
			if !quoted { // "C1" in quotes is a value (a task's name), not a label
				add("a planning id (" + line[loc[0]:loc[1]] + "): name the idea itself")
			}
		}
		if seedsRE.MatchString(line) {
			add(`"seeds": say what the idea is, not where the project took it from`)
		}
		if m := proofRE.FindString(line); m != "" {
			add(strconv.Quote(m) + ": how the project checks itself belongs in CONTRIBUTING.md")
		}
		if m := mutantRE.FindString(line); m != "" {
			add(strconv.Quote(m) + `: say "a version that ..."`)
		}
		lower := strings.ToLower(line)
		for _, name := range names {
			if wrongVersionNamed(lower, name) {
				add("the name of a deliberately wrong version (" + name + `): say "a version that ..."`)
			}
		}
		if m := absPathRE.FindStringSubmatch(line); m != nil {
			add("an absolute path (" + strings.TrimSpace(m[2]) + "...): show a path relative to the repository")
		}
	}
	return out
}

// wrongVersionNamed reports whether line (in lower case) names the wrong
// version name: a hyphenated name anywhere as a word of its own, a
// one-word name only where it is used as a name (quoted, in backquotes, or
// after M=), since it is also an ordinary word ("sequential").
func wrongVersionNamed(line, name string) bool {
	name = strings.ToLower(name)
	for _, form := range []string{`"` + name + `"`, "`" + name + "`", "m=" + name} {
		if strings.Contains(line, form) {
			return true
		}
	}
	if !strings.Contains(name, "-") {
		return false
	}
	isWord := func(b byte) bool { return b == '-' || b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	for i := 0; ; {
		j := strings.Index(line[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (start == 0 || !isWord(line[start-1])) && (end == len(line) || !isWord(line[end])) {
			return true
		}
		i = start + 1
	}
}

// specSources returns the text of a kata's spec files (*_test.go).
func specSources(t *testing.T, root string, k kata) []string {
	t.Helper()
	files, _ := filepath.Glob(k.path(root, "*_test.go"))
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		out = append(out, string(data))
	}
	return out
}

var (
	headingRE         = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*$`)
	lessonTaskRE      = regexp.MustCompile(`^Task ([0-9]+): (.+)$`)
	specTaskHeadingRE = regexp.MustCompile(`Describe\("Task ([0-9]+): ([^"]+)"`)
	// sectionRefRE is a spec's pointer to a README section: README, "X" (or
	// README: "X", README's "X"), in a comment or inside a string literal.
	sectionRefRE = regexp.MustCompile(`README(?:'s|,|:)?\s*\\?"([^"\\]+)\\?"`)
	wordRE       = regexp.MustCompile(`[\p{L}\p{N}]+`)
	// matcherSections are the README sections the shared matchers' failure
	// messages point to: a kata whose specs use one must have the section.
	matcherSections = map[string]string{
		"HavePeakInFlight":      "What the server sees",
		"HaveUsedSessions":      "Sessions",
		"HaveOpenedConnections": "Sessions",
		"TakeExactly":           "Virtual time",
		"BeFasterThan":          "Measuring",
		"HaveNoLeftovers":       "Processes left behind",
	}
)

type mdHeading struct {
	level int
	title string
	line  int
}

// readmeHeadings returns the headings of a Markdown text, outside code blocks.
func readmeHeadings(text string) []mdHeading {
	var out []mdHeading
	inCode := false
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil && !inCode {
			out = append(out, mdHeading{len(m[1]), m[2], i + 1})
		}
	}
	return out
}

// skeletonProblems lists how a kata's README departs from the skeleton:
// the title, an intro, the "## " sections of lessonSkeleton in order, one
// "### Task N: ..." heading per task of the specs, in their order and with
// their titles, a "How to run" that shows the commands, and a heading for
// every section the specs point to.
func skeletonProblems(k kata, readme string, specs []string) []string {
	var out []string
	hs := readmeHeadings(readme)
	if len(hs) == 0 || hs[0].level != 1 || hs[0].line != 1 || hs[0].title != "Kata "+twoDigits(k.Num)+": "+k.Name {
		out = append(out, `the first line must be the title "# Kata `+twoDigits(k.Num)+": "+k.Name+`"`)
	}
	var h2 []string
	sections := map[string]string{} // "## " title -> its text
	lines := strings.Split(readme, "\n")
	for i, h := range hs {
		if h.level != 2 {
			continue
		}
		h2 = append(h2, h.title)
		end := len(lines)
		for _, next := range hs[i+1:] {
			if next.level <= 2 {
				end = next.line - 1
				break
			}
		}
		sections[h.title] = strings.Join(lines[h.line:end], "\n")
	}
	if !slices.Equal(h2, lessonSkeleton) {
		out = append(out, "its \"## \" sections are "+strconv.Quote(strings.Join(h2, " | "))+
			"; every kata README has exactly "+strconv.Quote(strings.Join(lessonSkeleton, " | ")))
	}
	if len(hs) > 1 {
		intro := strings.TrimSpace(strings.Join(lines[1:hs[1].line-1], "\n"))
		if intro == "" {
			out = append(out, "no intro between the title and the first section: say what the learner builds and why")
		}
	}

	// The tasks: the specs' Describe("Task N: title"), in the order of N.
	type task struct {
		n     int
		title string
	}
	var want []task
	for _, src := range specs {
		for _, m := range specTaskHeadingRE.FindAllStringSubmatch(src, -1) {
			n, _ := strconv.Atoi(m[1])
			want = append(want, task{n, m[2]})
		}
	}
	slices.SortFunc(want, func(a, b task) int { return a.n - b.n })
	want = slices.CompactFunc(want, func(a, b task) bool { return a == b })
	// A task's specs may sit in several Describes ("Task 1: Map", "Task 1: Map,
	// on schedules the spec steers"): the heading must match one of them.
	titles := map[int][]string{}
	for _, w := range want {
		titles[w.n] = append(titles[w.n], w.title)
	}
	want = slices.CompactFunc(want, func(a, b task) bool { return a.n == b.n })
	var got []task
	inTasks := false
	for _, h := range hs {
		if h.level == 2 {
			inTasks = h.title == "Tasks"
		}
		if m := lessonTaskRE.FindStringSubmatch(h.title); m != nil {
			if h.level != 3 || !inTasks {
				out = append(out, "line "+strconv.Itoa(h.line)+": a task heading belongs under \"## Tasks\" as \"### Task N: Func: what\"")
			}
			n, _ := strconv.Atoi(m[1])
			got = append(got, task{n, m[2]})
		}
	}
	if len(got) != len(want) {
		out = append(out, "it has "+strconv.Itoa(len(got))+" task heading(s); the specs have "+strconv.Itoa(len(want))+" task(s)")
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.n != w.n || !slices.ContainsFunc(titles[w.n], func(t string) bool { return containsWords(g.title, t) }) {
			out = append(out, "task heading "+strconv.Quote("Task "+strconv.Itoa(g.n)+": "+g.title)+
				" does not match the specs' "+strconv.Quote("Task "+strconv.Itoa(w.n)+": "+w.title))
		}
	}

	run := sections["How to run"]
	for _, cmd := range []string{
		"make kata N=" + strconv.Itoa(k.Num),
		"make kata N=" + strconv.Itoa(k.Num) + " F='Task ",
		"make hint N=" + strconv.Itoa(k.Num),
		"go test -race ./katas/" + k.Dir,
	} {
		if !strings.Contains(run, cmd) {
			out = append(out, `"How to run" does not show `+strconv.Quote(cmd))
		}
	}
	if !strings.Contains(sections["Hints"], "make hint") {
		out = append(out, `"Hints" does not say that make hint gives the staged hints`)
	}

	// Every section the specs point to, by name or through a shared matcher.
	refs := map[string]bool{"Hints": true}
	for _, src := range specs {
		for _, m := range sectionRefRE.FindAllStringSubmatch(src, -1) {
			refs[m[1]] = true
		}
		for matcher, section := range matcherSections {
			if strings.Contains(src, matcher+"(") {
				refs[section] = true
			}
		}
	}
	for ref := range refs {
		found := false
		for _, h := range hs {
			if h.title == ref || strings.HasPrefix(h.title, ref+":") {
				found = true
				break
			}
		}
		if !found {
			out = append(out, "the specs point to the section "+strconv.Quote(ref)+", and no heading has that name")
		}
	}
	slices.Sort(out)
	return out
}

// containsWords reports whether the words of sub appear, in order and next
// to each other, among the words of s, ignoring case and punctuation: the
// heading "Task 4: Resolve: a blocking call moved off the loop" contains the
// spec's "Resolve, a blocking call moved off the loop".
func containsWords(s, sub string) bool {
	words := func(x string) string {
		return " " + strings.Join(wordRE.FindAllString(strings.ToLower(x), -1), " ") + " "
	}
	return strings.Contains(words(s), words(sub))
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func TestWrongVersionNamesReadsFoldersAndPatches(t *testing.T) {
	root := t.TempDir()
	k := kata{Num: 1, Dir: "01-x", Name: "x"}
	for _, p := range []string{"testdata/mutants/as-folder/mutant.txt", "testdata/mutants/as-patch.patch", "testdata/mutants/README.md"} {
		writeFile(t, k.path(root, p), "x\n")
	}
	got := wrongVersionNames(t, root, []kata{k})
	slices.Sort(got)
	if want := []string{"as-folder", "as-patch"}; !slices.Equal(got, want) {
		t.Errorf("wrongVersionNames = %q, want %q", got, want)
	}
}
