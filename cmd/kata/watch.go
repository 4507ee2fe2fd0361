package main

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
)

// watchArgs is the go command line of `watch`: Ginkgo's own watcher (pinned
// in go.mod) on the kata's folder. It polls the package and the packages it
// depends on, and runs the specs again when a file changes.
func watchArgs(k kata, rest []string) []string {
	args := append([]string{"tool", "ginkgo", "watch", "-race"}, rest...)
	args = append(args, k.Pkg())
	if !slices.Contains(rest, "--") {
		// As `kata N`: without it, learner code calling os.Exit(0) would end
		// a run with "Test Suite Passed".
		args = append(args, "--", "-test.paniconexit0")
	}
	return args
}

// watchCmd runs kata N's specs each time one of its files (or the harness
// and fake server it uses) changes, until Ctrl-C. Ginkgo runs them once at
// the start, then polls the files' modification times every second.
func (r *runner) watchCmd(args []string) error {
	k, rest, err := r.kataAndRest(args)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.stderr, "watching katas/%s: its specs run now, then again each time you save a file\n"+
		"(Ginkgo checks every second; Ctrl-C stops). If no run follows a save where you work\n"+
		"(a network or synced folder), run them by hand after each change: make kata N=%d\n",
		k.Dir, k.Num)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	err = r.passthroughEnv(kataEnv(), watchArgs(k, rest)...)
	if len(sig) > 0 {
		return nil // Ctrl-C is how watching ends
	}
	return err
}
