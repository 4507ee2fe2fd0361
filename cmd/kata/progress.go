package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// progressCmd runs every kata's specs on the learner's files (-j at a time)
// and prints each kata's state and the next one to do.
func (r *runner) progressCmd(args []string) error {
	fs := flag.NewFlagSet("progress", flag.ContinueOnError)
	fs.SetOutput(r.stderr)
	jobs := fs.Int("j", 2, "how many go test processes run at a time")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"progress takes no kata number: it looks at every kata"}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	results, err := r.runAll(ctx, katas, *jobs, "progress", func(k kata) string { return "" })
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return exitCode(130)
	}
	writeProgressTable(r.stdout, katas, results)
	fmt.Fprintf(r.stdout, "\n%s (%.0fs; logs in .kata/logs/)\n", nextLine(katas, results), time.Since(start).Seconds())
	return nil
}

// runAll runs the learner specs of every kata, jobs at a time, with a
// progress line on stderr. Katas whose files are the untouched stub are not
// run: they are "not started". junit names each kata's JUnit report ("": none).
func (r *runner) runAll(ctx context.Context, katas []kata, jobs int, what string, junit func(kata) string) ([]kataResult, error) {
	if jobs < 1 {
		jobs = 1
	}
	results := make([]kataResult, len(katas))
	errs := make([]error, len(katas))
	line := newProgressLine(r.stderr, len(katas))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, k := range katas {
		if junit(k) == "" && r.isPristine(k) {
			results[i] = kataResult{Dir: k.Dir, State: stateNotStarted}
			line.skip()
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			line.start(k.Dir)
			results[i], errs[i] = r.runLearnerSpecs(ctx, k, what, junit(k))
			line.done(k.Dir, results[i])
		})
	}
	wg.Wait()
	line.end()
	for _, err := range errs {
		if err != nil && ctx.Err() == nil {
			return nil, err
		}
	}
	return results, nil
}

// progressLine shows what is running. On a terminal it is one line,
// rewritten in place; elsewhere (CI logs) a line per finished kata.
type progressLine struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	total    int
	finished int
	running  []string
}

func newProgressLine(w io.Writer, total int) *progressLine {
	return &progressLine{w: w, tty: isTerminal(w), total: total}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
	for i, d := range p.running {
		if d == dir {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	if !p.tty {
		fmt.Fprintf(p.w, "[%2d/%d] %s: %s\n", p.finished, p.total, dir, res.summary())
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

func (p *progressLine) draw() {
	if !p.tty {
		return
	}
	msg := fmt.Sprintf("[%d/%d done] running the specs of %s...", p.finished, p.total, strings.Join(p.running, ", "))
	if len(p.running) == 0 {
		msg = fmt.Sprintf("[%d/%d done]", p.finished, p.total)
	}
	fmt.Fprintf(p.w, "\r\033[K%s", msg)
}

func (p *progressLine) end() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
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
	var flags []string
	for _, a := range args {
		if a != "-v" && a != "--v" {
			return usageError{"next takes no kata number: it picks the first kata not solved (V=1 shows everything in full)"}
		}
		flags = []string{"-v"}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
