package main

import (
	"fmt"
	"os"
	"strings"
)

// kataCmd runs kata N's specs on the learner's files as plain
// `go test -race` with a JSON report, and shows the run task by task (see
// renderRun): the first failing task in full, the others a line per spec.
// -v passes Ginkgo's own output through, everything in full. A flag that
// only the ginkgo CLI knows hands the run to it, output passed through.
func (r *runner) kataCmd(args []string) error {
	k, rest, err := r.kataAndRest(args)
	if err != nil {
		return err
	}
	opts, err := parseKataArgs(rest)
	if err != nil {
		return err
	}
	if opts.CLI {
		return r.interactive(modeStub, args)
	}
	tty := isTerminal(r.stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	v := view{Root: r.root, Kata: k, TTY: tty, Verbose: opts.Verbose != "", Focus: opts.Focus, Selects: opts.Selects()}
	fmt.Fprintf(r.stdout, "kata %s: your code in katas/%s\n", k.Dir, k.Dir)

	// Ctrl-C cancels ctx: the specs get SIGINT, Ginkgo writes its report,
	// and what ran is shown.
	ctx, stop := untilInterrupted()
	defer stop()
	// A focused run, or one with other files laid over the learner's
	// (GOFLAGS=-overlay=...), says nothing of the kata's state: not kept.
	keep := !opts.Selects() && !strings.Contains(os.Getenv("GOFLAGS"), "-overlay")
	sr := specRun{What: "kata", Flags: opts.testFlags(), Keep: keep}
	if v.Verbose {
		sr.Tee = r.stdout
		sr.Color = tty
	} else if tty {
		fmt.Fprintf(r.stdout, "running go test -race %s ...", k.Pkg())
	}
	res, o, err := r.runSpecs(ctx, k, sr)
	if !v.Verbose && tty {
		fmt.Fprint(r.stdout, "\r\033[K")
	}
	if err != nil {
		return err
	}
	v.Elapsed = res.Elapsed
	renderRun(r.stdout, v, o, res)
	switch {
	case ctx.Err() != nil:
		return exitCode(130)
	case o.ExitCode > 0:
		return exitCode(o.ExitCode)
	case o.ExitCode != 0:
		return exitCode(1)
	}
	return nil
}
