// Command kata runs the concurrency katas: a learner's specs, the reference
// solutions and the mutants, and the proof that CI runs (`make test`).
//
//	go run ./cmd/kata list
//	go run ./cmd/kata kata 3
//	go run ./cmd/kata proof
//
// Run it anywhere inside the repository; it finds the root by its go.mod.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// usageText is printed by `kata help` and after every usage error.
const usageText = `usage: kata <command> [arguments]

commands:
  list                     the katas: number, name, title, concepts
  kata N [ginkgo flags]    run kata N's specs against your code (N is 3 or 03)
  solution N [flags]       run kata N's specs against the reference solution
  mutant N NAME [flags]    run kata N's specs against one of its mutants
  mutants [-list] [N...]   per kata (all, or those named): each spec x each mutant, which
                           spec killed which mutant (from the proof's reports, run if
                           missing or stale); fails on a surviving mutant or a learner
                           spec never seen failing. -list: only list the mutants
  proof [-j 2] [N...]      prove every kata (or the ones named): the solution passes,
                           the stub fails every non-harness spec, each mutant is
                           killed by its spec; ends with "N passed, N failed"
  test [-j 2]              check-format, vet, the library specs, then the proof,
                           all counted in the final "N passed, N failed" line
  stress [-runs 20] [N...] every solution (or the katas named) -runs times in a row,
                           with a busy loop on every core; fails on any failed run
  timeline [-ref] N        run kata N's download (20 URLs, 50ms each) and draw what the
                           server saw: a timeline here, an SVG in .kata/timelines/
  compare [-ref]           time every version on the I/O and the CPU workload, beside
                           the article's figures (your code; -ref: the reference)
  examples [-mine] io|cpu [N]  run the reference versions (-mine: yours) and print
                           their output, as the article's programs did
  check-format             list the .go files that gofmt would change
  vet                      go vet ./...
  progress [-j 2]          every kata's state on your code (not started, failing with
                           n of m specs passing, solved) and the next one to do
  next                     run the specs of the first kata not solved (as kata N)
  hint N [-task T] [-reset]  one more staged hint of the first failing task (or T)
  watch N [ginkgo flags]   run kata N's specs again each time a file changes
  reset N                  restore kata N's stub; your file is backed up first
  grade [-j 2] [-o reports] [N...]  a JUnit report per kata and a score table;
                           exit 0 even when katas fail
  help                     this text

Extra arguments after kata/solution/mutant go to ginkgo, e.g.
  kata 3 --focus "cancels"
`

// exitCode carries a process exit status through error returns.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line: it prints the kata list and
// the usage, then exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches one command and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usage(stderr, "no command given")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usageText)
		return 0
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "kata:", err)
		return 1
	}
	r := &runner{root: root, stdout: stdout, stderr: stderr}
	err = r.dispatch(cmd, rest)
	var ue usageError
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		r.printList(stderr)
		return usage(stderr, ue.msg)
	case errors.As(err, &ec):
		return int(ec)
	default:
		fmt.Fprintln(stderr, "kata:", err)
		return 1
	}
}

func usage(w io.Writer, msg string) int {
	fmt.Fprintf(w, "\n%s\nkata: %s\n", usageText, msg)
	return 2
}

// runner holds what every command needs.
type runner struct {
	root           string
	stdout, stderr io.Writer
}

func (r *runner) dispatch(cmd string, args []string) error {
	switch cmd {
	case "list":
		return r.list()
	case "kata":
		return r.interactive(modeStub, args)
	case "solution":
		return r.interactive(modeSolution, args)
	case "mutant":
		return r.interactive(modeMutant, args)
	case "mutants":
		return r.mutantsCmd(args)
	case "proof":
		return r.proofCmd(args, false)
	case "test":
		return r.proofCmd(args, true)
	case "stress":
		return r.stressCmd(args)
	case "timeline":
		return r.timelineCmd(args)
	case "trace":
		return r.traceCmd(args)
	case "compare":
		return r.compareCmd(args)
	case "examples":
		return r.examplesCmd(args)
	case "check-format":
		return r.checkFormatCmd()
	case "vet":
		return r.vetCmd()
	case "progress":
		return r.progressCmd(args)
	case "next":
		return r.nextCmd(args)
	case "hint":
		return r.hintCmd(args)
	case "watch":
		return r.watchCmd(args)
	case "reset":
		return r.resetCmd(args)
	case "grade":
		return r.gradeCmd(args)
	default:
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}
