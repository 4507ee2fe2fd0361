package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/internal/timeline"
)

// timelineCmd runs one kata's download against a loopback fake server and
// draws what the server saw: an ASCII timeline in the terminal, and an SVG
// under .kata/timelines/.
//
//	kata timeline [-ref] [-urls 20] [-latency 50ms] [-width 100] N
func (r *runner) timelineCmd(args []string) error {
	fs := r.flags()
	ref := fs.Bool("ref", false, "run the reference solution instead of your code")
	urls := fs.Int("urls", 20, "how many URLs")
	latency := fs.Duration("latency", defaultTimelineLatency, "the fake server's latency")
	width := fs.Int("width", timelineWidth()-14, "columns of the time axis")
	katas, pos, err := r.parse(fs, args, ownArgs)
	if err != nil {
		return err
	}
	k, _, err := pickRunnable(katas, strings.Join(pos, " "), "io", "timeline")
	if err != nil {
		return err
	}
	if *urls < 1 {
		return usageError{fmt.Sprintf("-urls %d: want at least 1", *urls)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	res, p, err := r.timelineRun(ctx, k, *ref, *urls, *latency)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "Kata %s, %s: %d URLs, %v per request, on loopback\n\n", k.Dir, p.whose(), *urls, *latency)
	fmt.Fprint(r.stdout, timeline.ASCII(res.Result.Spans, *width))
	name := k.Dir
	if *ref {
		name += "-solution"
	}
	svgPath := filepath.Join(r.root, ".kata", "timelines", name+".svg")
	title := fmt.Sprintf("Kata %s (%s): %d downloads, %v latency", k.Dir, map[bool]string{true: "reference solution", false: "your code"}[*ref], *urls, *latency)
	if err := os.MkdirAll(filepath.Dir(svgPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(svgPath, timeline.SVG(res.Result.Spans, title), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "\nThe same as a picture: %s (open it in a browser)\n", relTo(r.root, svgPath))
	return nil
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
			k.Dir, crashLine(o.Result.Err+"\n"+o.Stderr), k.Num, k.Num)
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
