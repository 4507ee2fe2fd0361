package main

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
)

// mode says what lies under a kata's specs.
type mode int

const (
	modeStub     mode = iota // the learner's own files
	modeSolution             // solutions/NN-name overlaid
	modeMutant               // testdata/mutants/<name> overlaid
)

// solutionCmd is `dev solution N [ginkgo flags]`.
func (r *runner) solutionCmd(args []string) error { return r.interactive(modeSolution, args) }

// interactive runs `go tool ginkgo -race` on one kata, output passed through.
func (r *runner) interactive(m mode, args []string) error {
	k, rest, err := r.kataAndRest(args)
	if err != nil {
		return err
	}
	var overlay map[string]string
	var overlayName string
	switch m {
	case modeStub:
		fmt.Fprintf(r.stderr, "kata %s: your code in katas/%s\n", k.Dir, k.Dir)
	case modeSolution:
		if overlay, err = k.solutionOverlay(r.root); err != nil {
			return err
		}
		overlayName = k.Dir + "-solution"
		fmt.Fprintf(r.stderr, "kata %s: the reference solution in solutions/%s (your files are untouched)\n", k.Dir, k.Dir)
	case modeMutant:
		mt, err := pickMutant(r.root, k, rest)
		if err != nil {
			return err
		}
		rest = rest[1:]
		overlay, overlayName = mt.Overlay, k.Dir+"-mutant-"+mt.Name
		fmt.Fprintf(r.stderr, "kata %s: mutant %s: %s\nexpected to be killed by: %q\n", k.Dir, mt.Name, mt.What, mt.KilledBy)
	}

	env := kataEnv()
	if overlay != nil {
		p, err := writeOverlay(r.root, overlayName, overlay)
		if err != nil {
			return err
		}
		env = append(env, "GOFLAGS="+addGoFlag(os.Getenv("GOFLAGS"), "-overlay="+p))
	}
	args = append([]string{"tool", "ginkgo", "-race"}, rest...)
	args = append(args, k.Pkg())
	if !slices.Contains(rest, "--") {
		// go test passes this flag to every test binary; the ginkgo CLI
		// does not. Without it, learner code calling os.Exit(0) ends the
		// run with "Test Suite Passed".
		args = append(args, "--", "-test.paniconexit0")
	}

	// Ctrl-C reaches ginkgo through the terminal; stay alive for its report.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	return r.passthroughEnv(env, args...)
}

// pickMutant finds the mutant named by args[0].
func pickMutant(root string, k kata, args []string) (mutant, error) {
	ms, err := k.mutants(root)
	if err != nil {
		return mutant{}, err
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if len(ms) == 0 {
		return mutant{}, usageError{fmt.Sprintf("kata %s has no mutants (katas/%s/testdata/mutants/<name>.patch)", k.Dir, k.Dir)}
	}
	if len(args) == 0 || args[0] == "" {
		return mutant{}, usageError{fmt.Sprintf("which mutant of kata %s? one of: %s", k.Dir, strings.Join(names, ", "))}
	}
	for _, m := range ms {
		if m.Name == args[0] {
			return m, m.Err
		}
	}
	return mutant{}, usageError{fmt.Sprintf("%s: kata %s has no such mutant; it has: %s", typed("mutant", args[0]), k.Dir, strings.Join(names, ", "))}
}

// kataEnv is the environment of every go command the tool starts.
func kataEnv() []string {
	env := os.Environ()
	if os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=0")
	}
	return env
}
