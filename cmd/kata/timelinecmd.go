package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/internal/timeline"
)

// baselineKata is the sequential download drawn beside the others when
// several katas are drawn together.
const baselineKata = 1

// timelineCmd runs the download of one or more katas against a loopback
// fake server, one after the other, and draws what the server saw: an ASCII
// timeline in the terminal, and an SVG under .kata/timelines/. Several
// katas are drawn on one time scale, with the sequential kata (the
// reference solution, unless it is among them) as a baseline.
//
//	kata timeline [-ref] [-baseline=false] [-urls 20] [-latency 50ms] [-width 100] N [N...]
func (r *runner) timelineCmd(args []string) error {
	fs := r.flags()
	ref := fs.Bool("ref", false, "run the reference solutions instead of your code")
	baseline := fs.Bool("baseline", true, "with several katas, draw the sequential one too")
	urls := fs.Int("urls", 20, "how many URLs")
	latency := fs.Duration("latency", defaultTimelineLatency, "the fake server's latency")
	width := fs.Int("width", timelineWidth(), "columns of the terminal picture")
	katas, pos, err := r.parse(fs, args, ownArgs)
	if err != nil {
		return err
	}
	if *urls < 1 {
		return usageError{fmt.Sprintf("timeline: -urls %d: want at least 1", *urls)}
	}
	picked, err := pickTimelineKatas(katas, pos)
	if err != nil {
		return err
	}
	todo := timelinePlan(katas, picked, *ref, *baseline)
	ctx, stop := untilInterrupted()
	defer stop()
	var runs []timeline.Run
	var names []string
	for _, d := range todo {
		// One after the other: each run has the machine to itself, as
		// far as a shared machine allows, so their lengths compare.
		res, p, err := r.timelineRun(ctx, d.k, d.ref, *urls, *latency)
		if err != nil {
			return err
		}
		label := fmt.Sprintf("Kata %s (%s)", d.k.Dir, codeName(d.ref))
		if d.baseline {
			label = fmt.Sprintf("Kata %s (reference solution, the sequential baseline)", d.k.Dir)
		}
		fmt.Fprintf(r.stdout, "Kata %s, %s: %d URLs, %v per request, on loopback\n", d.k.Dir, p.whose(), *urls, *latency)
		runs = append(runs, timeline.Run{Label: label, Spans: res.Result.Spans})
		names = append(names, fmt.Sprintf("%02d", d.k.Num))
	}
	fmt.Fprintln(r.stdout)
	fmt.Fprint(r.stdout, timeline.ASCII(runs, *width))

	name := todo[0].k.Dir
	title := fmt.Sprintf("Kata %s (%s): %d downloads, %v latency", todo[0].k.Dir, codeName(*ref), *urls, *latency)
	if len(todo) > 1 {
		name = strings.Join(names, "-")
		title = fmt.Sprintf("Katas %s: %d downloads each, %v latency", andList(names), *urls, *latency)
	}
	if *ref {
		name += "-solution"
	}
	svgPath := filepath.Join(r.root, ".kata", "timelines", name+".svg")
	if err := os.MkdirAll(filepath.Dir(svgPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(svgPath, timeline.SVG(runs, title), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "\nThe same as a picture: %s (open it in a browser)\n", relTo(r.root, svgPath))
	return nil
}

// codeName names the code a timeline ran, for its labels.
func codeName(ref bool) string {
	if ref {
		return "reference solution"
	}
	return "your code"
}

// A timelineDraw is one kata to run and draw.
type timelineDraw struct {
	k        kata
	ref      bool // the reference solution, not the learner's code
	baseline bool // added as the sequential baseline
}

// timelinePlan is what a timeline of picked draws, in order: with several
// katas and baseline set, the sequential kata first, as the reference
// solution, unless it is among them.
func timelinePlan(katas, picked []kata, ref, baseline bool) []timelineDraw {
	var todo []timelineDraw
	if len(picked) > 1 && baseline && !hasKata(picked, baselineKata) {
		if k, ok := verKataByNum(katas, baselineKata); ok {
			todo = append(todo, timelineDraw{k, true, true})
		}
	}
	for _, k := range picked {
		todo = append(todo, timelineDraw{k, ref, false})
	}
	return todo
}

// pickTimelineKatas reads the kata numbers of a timeline ("3", or several:
// "1 3 6", also "1,3,6"), each once, in the order given. A mistake names the
// number at fault and what works.
func pickTimelineKatas(katas []kata, args []string) ([]kata, error) {
	var words []string
	for _, a := range args {
		words = append(words, strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	works := fmt.Sprintf("timeline draws katas %s", katasWith("io"))
	if len(words) == 0 {
		return nil, usageError{fmt.Sprintf("timeline: which kata? give N=3, or several on one time scale: N='1 3 6' (%s)", works)}
	}
	in := ""
	if len(words) > 1 {
		in = fmt.Sprintf(" (in N='%s')", strings.Join(words, " "))
	}
	var out []kata
	for _, w := range words {
		k, err := findKata(katas, w)
		if err != nil {
			what := fmt.Sprintf("%q is not a kata number", w)
			if _, nerr := parseNumber(w); nerr == nil {
				what = "there is no kata " + w
			}
			return nil, usageError{fmt.Sprintf("timeline: %s%s (%s)", what, in, works)}
		}
		if a, ok := adapterFor(k.Num); !ok || !a.IO {
			return nil, usageError{fmt.Sprintf("timeline: kata %s has no download to draw%s (%s)", k.Dir, in, works)}
		}
		if !hasKata(out, k.Num) {
			out = append(out, k)
		}
	}
	return out, nil
}

func hasKata(katas []kata, num int) bool {
	for _, k := range katas {
		if k.Num == num {
			return true
		}
	}
	return false
}

// andList writes "01, 03 and 06".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// defaultTimelineLatency makes every request long enough to see.
const defaultTimelineLatency = 50 * time.Millisecond

// timelineRun builds and runs kata k's download once and returns its
// outcome. A kata that is not solved, does not compile or gives a wrong
// answer is an error that says what to do.
func (r *runner) timelineRun(ctx context.Context, k kata, ref bool, urls int, latency time.Duration) (verOutcome, verProgram, error) {
	p, err := r.buildProgram(ctx, k, ref)
	if err != nil {
		var be *verBuildError
		if errors.As(err, &be) {
			return verOutcome{}, p, fmt.Errorf("%v\n\nFix it (`make kata N=%d` shows the same errors), or draw the reference: make timeline N=%d REF=1", err, k.Num, k.Num)
		}
		return verOutcome{}, p, err
	}
	o, err := r.runProgram(ctx, p, []string{"-workload", "io", "-urls", strconv.Itoa(urls), "-latency", latency.String()}, nil, io.Discard)
	if err != nil {
		return o, p, err
	}
	switch {
	case o.OK():
		return o, p, nil
	case o.NotSolved() && !ref:
		return o, p, fmt.Errorf("kata %s is not solved yet: %s\nSolve it (make kata N=%d), or draw the reference solution's timeline: make timeline N=%d REF=1",
			k.Dir, lastLines(o.Result.Err+"\n"+o.Stderr, 1), k.Num, k.Num)
	default:
		hint := ""
		if !ref {
			hint = fmt.Sprintf("\nmake kata N=%d shows which spec catches it; make timeline N=%d REF=1 draws the reference", k.Num, k.Num)
		}
		return o, p, fmt.Errorf("kata %s, %s: %s%s", k.Dir, p.whose(), o.Problem(), hint)
	}
}

// timelineWidth is $COLUMNS, or 100.
func timelineWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	return 100
}
