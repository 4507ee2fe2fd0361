package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// progressCmd runs every kata's specs on the learner's files (-j at a time)
// and prints each kata's state and the next one to do.
func (r *runner) progressCmd(args []string) error {
	fs := r.flags()
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	katas, _, err := r.parse(fs, args, noArgs)
	if err != nil {
		return err
	}
	start := time.Now()
	results, err := r.runAll(katas, *jobs, "progress", func(k kata) string { return "" })
	if err != nil {
		return err
	}
	writeProgressTable(r.stdout, katas, results)
	fmt.Fprintf(r.stdout, "\n%s (%.0fs; logs in .kata/logs/)\n", nextLine(katas, results), time.Since(start).Seconds())
	return nil
}

// runAll runs the learner specs of every kata, jobs at a time, with a
// progress line on stderr. Katas whose files are the untouched stub are not
// run: they are "not started". junit names each kata's JUnit report ("": none).
// Ctrl-C or SIGTERM stops the run: the error is then exit status 130.
func (r *runner) runAll(katas []kata, jobs int, what string, junit func(kata) string) ([]kataResult, error) {
	ctx, stop := untilInterrupted()
	defer stop()
	results := make([]kataResult, len(katas))
	line := newProgressLine(r.stderr, len(katas))
	var todo []int
	for i, k := range katas {
		if junit(k) == "" && r.isPristine(k) {
			results[i] = kataResult{Dir: k.Dir, State: stateNotStarted}
			line.skip()
			continue
		}
		todo = append(todo, i)
	}
	err := inParallel(len(todo), jobs, func(j int) error {
		i := todo[j]
		k := katas[i]
		if ctx.Err() != nil {
			return nil
		}
		line.start(k.Dir)
		res, err := r.runLearnerSpecs(ctx, k, what, junit(k))
		if err != nil && ctx.Err() == nil {
			return err
		}
		results[i] = res
		line.done(k.Dir, res)
		return nil
	})
	line.end()
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, exitCode(130)
	}
	return results, nil
}

// progressLine shows what is running. On a terminal it is one line,
// rewritten in place; elsewhere (CI logs) a line per finished kata.
type progressLine struct {
	mu       sync.Mutex
	status   *statusLine
	total    int
	finished int
	running  []string
}

func newProgressLine(w io.Writer, total int) *progressLine {
	return &progressLine{status: newStatusLine(w), total: total}
}

func (p *progressLine) start(dir string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, dir)
	p.draw()
}

func (p *progressLine) done(dir string, res kataResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	if i := slices.Index(p.running, dir); i >= 0 {
		p.running = slices.Delete(p.running, i, i+1)
	}
	if !p.status.tty {
		p.status.show("[%2d/%d] %s: %s", p.finished, p.total, dir, res.summary())
		return
	}
	p.draw()
}

// skip counts a kata that needs no run (its files are the stub).
func (p *progressLine) skip() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
}

// draw rewrites the line on a terminal; elsewhere only done prints.
func (p *progressLine) draw() {
	if !p.status.tty {
		return
	}
	if len(p.running) == 0 {
		p.status.show("[%d/%d done]", p.finished, p.total)
		return
	}
	p.status.show("[%d/%d done] running the specs of %s...", p.finished, p.total, strings.Join(p.running, ", "))
}

func (p *progressLine) end() { p.status.clear() }

// statusLine is a line of what is being done: rewritten in place on a
// terminal, one line per message otherwise.
type statusLine struct {
	w     io.Writer
	tty   bool
	shown bool
}

func newStatusLine(w io.Writer) *statusLine { return &statusLine{w: w, tty: isTerminal(w)} }

func (s *statusLine) show(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if s.tty {
		fmt.Fprintf(s.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(s.w, line)
	}
	s.shown = true
}

// clear removes the line from a terminal.
func (s *statusLine) clear() {
	if s.tty && s.shown {
		fmt.Fprint(s.w, "\r\033[K")
	}
	s.shown = false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func writeProgressTable(w io.Writer, katas []kata, results []kataResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tKATA\tSTATE")
	for i, k := range katas {
		fmt.Fprintf(tw, "%02d\t%s\t%s\n", k.Num, k.Dir, results[i].summary())
	}
	tw.Flush()
}

// firstUnsolved is the index of the first kata not solved, -1 if none.
func firstUnsolved(results []kataResult) int {
	for i, res := range results {
		if res.State != stateSolved {
			return i
		}
	}
	return -1
}

// nextLine names the next kata to do.
func nextLine(katas []kata, results []kataResult) string {
	i := firstUnsolved(results)
	if i < 0 {
		return fmt.Sprintf("All %d katas solved. Well done!", len(katas))
	}
	k := katas[i]
	return fmt.Sprintf("next: kata %02d (%s): `make next` or `make kata N=%d`; stuck? `make hint N=%d`", k.Num, k.Dir, k.Num, k.Num)
}

// nextCmd runs the specs of the first kata that is not solved, as `kata N`
// does. Katas whose code has not changed since their last run are judged by
// that run.
func (r *runner) nextCmd(args []string) error {
	fs := r.flags()
	verbose := fs.Bool("v", false, "show the kata's specs in full (make next V=1)")
	katas, _, err := r.parse(fs, args, noArgs)
	var flags []string
	if *verbose {
		flags = []string{"-v"}
	}
	if err != nil {
		return err
	}
	ctx, stop := untilInterrupted()
	defer stop()
	for _, k := range katas {
		res, err := r.currentResult(ctx, k)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return exitCode(130)
		}
		if res.State == stateSolved {
			fmt.Fprintf(r.stderr, "kata %s: %s\n", k.Dir, res.summary())
			continue
		}
		stop()
		fmt.Fprintf(r.stderr, "next: kata %s (%s)\n", k.Dir, res.summary())
		return r.kataCmd(append([]string{k.Dir}, flags...))
	}
	fmt.Fprintf(r.stdout, "All %d katas solved. Well done!\n", len(katas))
	return nil
}
