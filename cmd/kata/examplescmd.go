package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// examplesCmd runs each version of one workload as the article's programs
// ran: the reference solutions (or, with -mine, the learner's code), with
// their output — "Read 10282 from …" per page and "Downloaded 160 sites in
// … seconds" for I/O; the sums and "Duration … seconds" for CPU.
//
//	kata examples [-mine] io|cpu [N]
func (r *runner) examplesCmd(args []string) error {
	fs := r.flags()
	mine := fs.Bool("mine", false, "run your code instead of the reference solutions")
	latency := fs.Duration("latency", fakeserver.DefaultLatency, "the fake server's latency")
	katas, pos, err := r.parse(fs, args, ownArgs)
	if err != nil {
		return err
	}
	wl := args0(pos)
	if wl != "io" && wl != "cpu" {
		return usageError{fmt.Sprintf("examples: want io or cpu, then optionally a kata number (got %q)", strings.Join(pos, " "))}
	}
	var todo []cmpVersion
	if n := strings.TrimSpace(strings.Join(pos[1:], " ")); n != "" {
		k, _, err := pickRunnable(katas, n, wl, "examples-"+wl)
		if err != nil {
			return err
		}
		for _, v := range cmpVersions {
			if v.Kata == k.Num && v.Workload == wl {
				todo = append(todo, v)
			}
		}
	} else {
		for _, v := range cmpVersions {
			if _, found := verKataByNum(katas, v.Kata); found && v.Workload == wl {
				todo = append(todo, v)
			}
		}
	}
	ctx, stop := untilInterrupted()
	defer stop()

	failed := 0
	built := map[int]verProgram{}
	for _, v := range todo {
		k, _ := verKataByNum(katas, v.Kata)
		p, ok := built[v.Kata]
		if !ok {
			if p, err = r.buildProgram(ctx, k, !*mine); err != nil {
				var be *verBuildError
				if !errors.As(err, &be) {
					return err
				}
				fmt.Fprintf(r.stdout, "\n== Kata %s: %s ==\n%v\n", k.Dir, v.Label, err)
				failed++
				continue
			}
			built[v.Kata] = p
		}
		env := ""
		for _, e := range v.Env {
			if !strings.Contains(v.Label, e) { // the label may name it already
				env += ", " + e
			}
		}
		fmt.Fprintf(r.stdout, "\n== Kata %s: %s%s; %s ==\n", k.Dir, v.Label, env, p.whose())
		o, err := r.runProgram(ctx, p, []string{"-workload", wl, "-print", "-latency", latency.String()}, v.Env, r.stdout)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !o.OK() {
			failed++
			msg := o.Problem()
			if o.NotSolved() {
				msg = fmt.Sprintf("not solved yet (make kata N=%d); the reference: make examples-%s N=%d", v.Kata, wl, v.Kata)
			}
			fmt.Fprintf(r.stdout, "%s\n", msg)
		}
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}
