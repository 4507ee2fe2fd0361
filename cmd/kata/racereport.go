package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// A raceReport is one "WARNING: DATA RACE" of the race detector, cut to
// its two accesses: what each goroutine did, and the stack of each.
type raceReport struct {
	Accesses []raceAccess
}

type raceAccess struct {
	What   string // "Write by goroutine 12", "Previous read by goroutine 9"
	Frames []frame
}

// raceAccessRE is the first line of an access: "Read at 0x00c0000194c8 by goroutine 673:".
var raceAccessRE = regexp.MustCompile(`^((?:Previous )?(?:[Rr]ead|[Ww]rite|[Aa]tomic \w+)) at 0x[0-9a-f]+ by (goroutine \d+|main goroutine):$`)

// parseRaces finds the race detector's reports in a run's output. The
// detector prints them as they happen, between lines of "=", with no spec
// named: they are not in Ginkgo's report.
func parseRaces(out string) []raceReport {
	var reports []raceReport
	blocks := strings.Split(out, "WARNING: DATA RACE\n")
	for _, b := range blocks[1:] {
		if i := strings.Index(b, "\n=================="); i >= 0 {
			b = b[:i+1]
		}
		var rep raceReport
		var cur *raceAccess
		lines := strings.Split(b, "\n")
		for i := 0; i < len(lines); i++ {
			l := lines[i]
			if m := raceAccessRE.FindStringSubmatch(l); m != nil {
				rep.Accesses = append(rep.Accesses, raceAccess{What: m[1] + " by " + m[2]})
				cur = &rep.Accesses[len(rep.Accesses)-1]
				continue
			}
			if strings.TrimSpace(l) == "" || !strings.HasPrefix(l, "  ") {
				cur = nil // "Goroutine N (running) created at:" and the rest are left out
				continue
			}
			if cur != nil && i+1 < len(lines) {
				if m := frameFileRE.FindStringSubmatch(lines[i+1]); m != nil {
					var n int
					fmt.Sscan(m[2], &n)
					cur.Frames = append(cur.Frames, frame{Func: strings.TrimSpace(l), File: m[1], Line: n})
					i++
				}
			}
		}
		if len(rep.Accesses) > 0 {
			reports = append(reports, rep)
		}
	}
	return reports
}

// key identifies a report by the lines of the learner's files it names
// (the kata's files that are not specs), or of any file if it names none:
// not by goroutines, addresses, or which access came first.
func (r raceReport) key(v view) string {
	var mine, all []string
	for _, a := range r.Accesses {
		for _, f := range a.Frames {
			l := fmt.Sprintf("%s:%d", v.rel(f.File), f.Line)
			all = append(all, l)
			if v.inKata(f.File) && !strings.HasSuffix(f.File, "_test.go") {
				mine = append(mine, l)
			}
		}
	}
	if len(mine) == 0 {
		mine = all
	}
	slices.Sort(mine)
	return strings.Join(slices.Compact(mine), " ")
}

// renderRaces shows the data races of a run: the distinct ones (by code),
// at most maxRaceReports, each cut to its two stacks in the repository's
// files.
func (v view) renderRaces(w io.Writer, out string) {
	reports := parseRaces(out)
	if len(reports) == 0 {
		if strings.Contains(out, "WARNING: DATA RACE") {
			fmt.Fprintf(w, "%s the race detector found a DATA RACE (see the log: V=1 shows it)\n", v.bad())
		}
		return
	}
	seen := map[string]bool{}
	var distinct []raceReport
	for _, r := range reports {
		if k := r.key(v); !seen[k] {
			seen[k] = true
			distinct = append(distinct, r)
		}
	}
	fmt.Fprintf(w, "\n%s %s: two goroutines touched the same memory, at least one writing, with nothing\n", v.bad(), v.paint("1", "WARNING: DATA RACE"))
	fmt.Fprintln(w, "  ordering them. It fails the whole run, whichever spec was running: the two stacks below")
	fmt.Fprintln(w, "  name the lines (in your file, most often). See kata 02's README.")
	for i, r := range distinct {
		if i == maxRaceReports {
			break
		}
		for _, a := range r.Accesses {
			fmt.Fprintf(w, "  %s:\n", a.What)
			n := 0
			for _, f := range a.Frames {
				if !strings.HasPrefix(v.rel(f.File), "/") && n < maxStackFrames {
					n++
					fmt.Fprintf(w, "    %s:%d %s\n", v.rel(f.File), f.Line, v.dim(shortFunc(f.Func)))
				}
			}
			if n == 0 {
				for j, f := range a.Frames {
					if j == 3 {
						break
					}
					fmt.Fprintf(w, "    %s:%d %s\n", f.File, f.Line, v.dim(shortFunc(f.Func)))
				}
			}
		}
		fmt.Fprintln(w)
	}
	if len(reports) > 1 {
		fmt.Fprintf(w, "  (%d race reports in all, %d distinct; V=1 shows them whole)\n", len(reports), len(distinct))
	}
}
