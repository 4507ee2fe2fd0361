package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTimelineAnswersBadInput: a mistake in N (or a flag) exits 2 with what
// is wrong, naming the number at fault among several, then what works and
// where to look.
func TestTimelineAnswersBadInput(t *testing.T) {
	works := "(timeline draws katas 1, 3, 6, 7, 10)"
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"timeline"}, []string{"timeline: which kata? give N=3, or several on one time scale: N='1 3 6'", works}},
		{[]string{"timeline", "99"}, []string{"timeline: there is no kata 99 (", works}},
		{[]string{"timeline", "nope"}, []string{`timeline: "nope" is not a kata number`, works}},
		{[]string{"timeline", "4"}, []string{"timeline: kata 04-pool-cpu has no download to draw", works}},
		{[]string{"timeline", "3", "x", "6"}, []string{`timeline: "x" is not a kata number (in N='3 x 6')`, works}},
		{[]string{"timeline", "1 3 99"}, []string{"timeline: there is no kata 99 (in N='1 3 99')", works}},
		{[]string{"timeline", "1,2"}, []string{"timeline: kata 02-races has no download to draw (in N='1 2')", works}},
		{[]string{"timeline", "-urls", "0", "1"}, []string{"-urls 0: want at least 1"}},
		{[]string{"timeline", "-bogus", "1"}, []string{"timeline has no flag -bogus"}},
	}
	for _, c := range cases {
		code, _, e := runTool(c.args...)
		if code != 2 {
			t.Errorf("run(%q) = %d, want 2; stderr:\n%s", c.args, code, e)
		}
		checkContains(t, fmt.Sprintf("run(%q): stderr", c.args), e, c.want...)
	}
}

// TestTimelinePlan: several katas get the sequential baseline first (its
// reference solution), unless it is among them or turned off; one kata is
// drawn alone; each kata once, in the order given.
func TestTimelinePlan(t *testing.T) {
	_, katas := thisRepoKatas(t)
	plan := func(args []string, ref, baseline bool) string {
		picked, err := pickTimelineKatas(katas, args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		var s []string
		for _, d := range timelinePlan(katas, picked, ref, baseline) {
			s = append(s, fmt.Sprintf("%d%s%s", d.k.Num, map[bool]string{true: "r"}[d.ref], map[bool]string{true: "b"}[d.baseline]))
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		args          []string
		ref, baseline bool
		want          string
	}{
		{[]string{"3"}, false, true, "3"},
		{[]string{"3", "6"}, false, true, "1rb 3 6"},
		{[]string{"3 6"}, true, true, "1rb 3r 6r"},
		{[]string{"6", "1", "3"}, false, true, "6 1 3"},
		{[]string{"3", "6"}, false, false, "3 6"},
		{[]string{"3", "3", "03-pool"}, false, true, "3"},
	} {
		if got := plan(c.args, c.ref, c.baseline); got != c.want {
			t.Errorf("plan(%q, ref %v, baseline %v) = %q, want %q", c.args, c.ref, c.baseline, got, c.want)
		}
	}
}

// TestTimelineOfKata01Solution runs `kata timeline -ref 1` end to end: the
// reference solution's runner is built, run against a loopback server,
// and drawn.
func TestTimelineOfKata01Solution(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs kata 01's solution against a loopback server (about 5 s)")
	}
	o, svg := timelineOfSolutions(t, 60, "01-sequential-solution.svg", "1")
	checkContains(t, "output", o, "Kata 01-sequential, the reference solution", "6 requests, 1 session, peak 1 in flight",
		"|###", "|===", "one column =", ".kata/timelines/01-sequential-solution.svg")
	// One row: one session reused, six bars on it.
	if row := sessionRow(o, "Kata 01-sequential (reference solution)"); strings.Count(row, "|") != 6 {
		t.Errorf("row s1 should hold 6 bars: %q\n%s", row, o)
	}
	checkContains(t, "SVG", svg, "<svg")
}

// TestTimelineOfSeveralKatasOnOneScale runs `kata timeline -ref 3 6` end to
// end: three reference runners (with the sequential baseline) built, run
// one after the other against a loopback server, and drawn together in one
// terminal picture and one SVG.
func TestTimelineOfSeveralKatasOnOneScale(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs three solutions against a loopback server (about 10 s)")
	}
	o, svg := timelineOfSolutions(t, 90, "01-03-06-solution.svg", "3", "6")
	checkContains(t, "output", o,
		"Kata 01-sequential (reference solution, the sequential baseline)", "6 requests, 1 session, peak 1 in flight",
		"Kata 03-pool (reference solution)", "Kata 06-cooperative (reference solution)",
		"  session s1  |", "  in flight", "the same for every run", ".kata/timelines/01-03-06-solution.svg",
	)
	// One time axis for the three.
	if n := strings.Count(o, "\ntime "); n != 1 {
		t.Errorf("%d time axes, want 1:\n%s", n, o)
	}
	// The sequential run: one session reused, six bars on one row.
	if row := sessionRow(o, "the sequential baseline)"); strings.Count(row, "|") != 6 {
		t.Errorf("kata 01's row should hold 6 bars: %q", row)
	}
	checkContains(t, "SVG", svg, "<svg", "Katas 01, 03 and 06: 6 downloads each", "Kata 03-pool (reference solution)", "one time scale")
}

// timelineOfSolutions runs `kata timeline -ref` on katas in process (6 URLs,
// 20ms a request, width columns) and returns what it printed and the SVG it
// wrote as svgName in .kata/timelines/.
func timelineOfSolutions(t *testing.T, width int, svgName string, katas ...string) (out, svg string) {
	t.Helper()
	path := filepath.Join(thisRepo(t), ".kata", "timelines", svgName)
	os.Remove(path)
	start := time.Now()
	out, _ = runToolWant(t, 0, append([]string{"timeline", "-ref", "-urls", "6", "-latency", "20ms", "-width", strconv.Itoa(width)}, katas...)...)
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no SVG written at %s: %v", path, err)
	}
	return out, string(data)
}

// sessionRow is the row of session s1 in the first run drawn after the
// line that holds heading, "" when there is none.
func sessionRow(out, heading string) string {
	_, after, _ := strings.Cut(out, heading)
	_, row, ok := strings.Cut(after, "  session s1  ")
	if !ok {
		return ""
	}
	row, _, _ = strings.Cut(row, "\n")
	return "  session s1  " + row
}
