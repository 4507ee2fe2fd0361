// Command kata runs the concurrency katas: the learner's specs, hints and
// progress, and, under `kata dev`, the maintainer's reference solutions,
// mutants and the proof that CI runs (`make test`).
//
//	go run ./cmd/kata list
//	go run ./cmd/kata kata 3
//	go run ./cmd/kata dev proof 3
//
// Run it anywhere inside the repository; it finds the root by its go.mod.
// The Makefile wraps every command and sets KATA_VIA_MAKE=1, so that
// messages speak of its variables (N=3, T=2) instead of the tool's flags.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// A command is one verb of the tool.
type command struct {
	name    string // "hint"; "dev proof" for a maintainer's command
	flags   string // its flags: "[-task T] [-reset]"
	args    string // its other arguments: "N"
	make    string // how the Makefile runs it, "" when it does not
	summary string // one line for `kata help`
	run     func(r *runner, args []string) error
}

// learnerCommands are the learner's verbs, in the order `kata help` lists
// them (a function, not a variable: help refers to the table).
func learnerCommands() []*command {
	return []*command{
		{"list", "", "", "make list", "the katas: number, folder and title", (*runner).list},
		{"kata", "", "N [ginkgo flags]", "make kata N=1 [F='Task 2'] [V=1]", "run kata N's specs against your code (N is 3 or 03)", (*runner).kataCmd},
		{"next", "", "", "make next", "run the specs of the first kata that is not solved", (*runner).nextCmd},
		{"hint", "[-task T] [-reset]", "N", "make hint N=3 [T=2] [RESET=1]", "one more hint for kata N's first failing task (or task T)", (*runner).hintCmd},
		{"watch", "", "N [ginkgo flags]", "make watch N=3", "run kata N's specs again each time you save a file", (*runner).watchCmd},
		{"reset", "", "N", "make reset N=3", "restore kata N's stub; your file is backed up first", (*runner).resetCmd},
		{"progress", "[-j 2]", "", "make progress [J=2]", "every kata's state on your code and the next one to do", (*runner).progressCmd},
		{"grade", "[-j 2] [-o reports]", "[N...]", "make grade [J=2]", "a JUnit report per kata and a score table (exit 0 when katas fail)", (*runner).gradeCmd},
		{"timeline", "[-ref] [-baseline=false] [-urls 20] [-latency 50ms] [-width 100]", "N [N...]", "make timeline N=3 [REF=1], or N='1 3 6'", "draw what the server saw of kata N's download (terminal and SVG)", (*runner).timelineCmd},
		{"trace", "[-ref] [-open]", "N", "make trace N=4 [REF=1] [OPEN=1]", "record kata N's CPU run with Go's execution tracer and draw it per processor (SVG)", (*runner).traceCmd},
		{"compare", "[-ref] [-samples 3] [-latency 20ms]", "", "make compare [REF=1]", "the article's table measured here: every version, I/O and CPU", (*runner).compareCmd},
		{"examples", "[-mine] [-latency 20ms]", "io|cpu [N]", "make examples-io [N=3] [MINE=1], make examples-cpu [N=4] [MINE=1]", "run the reference versions (-mine: yours), printing their output", (*runner).examplesCmd},
		{"classroom", "", "workflow | result N | template DIR", "make classroom DIR=../katas-class", "GitHub Classroom: write its workflow, grade kata N for it, or write a student template", (*runner).classroomCmd},
		{"help", "", "[command]", "make help", "this list, or one command's usage", nil},
	}
}

// devCommands are the maintainer's, under `kata dev`. A file that adds one
// (classroom.go, say) adds its line here.
func devCommands() []*command {
	return []*command{
		{"dev solution", "", "N [ginkgo flags]", "make solution N=1", "run kata N's specs against the reference solution", (*runner).solutionCmd},
		{"dev mutant", "", "N M [ginkgo flags]", "make mutant N=1 M=uint64-overflow", "run kata N's specs against its mutant M", (*runner).devMutant},
		{"dev mutants", "[-list] [-rerun] [-j 2]", "[N...]", "make mutants [N=3] [J=2]", "each spec x each mutant: which spec killed which (fails on a survivor)", (*runner).devMutants},
		{"dev proof", "[-j 2] [-timeout 10m]", "[N...]", "make proof [N='1 3'] [J=2]", "the solution passes, the stub fails, every mutant is killed", (*runner).proofCmd},
		{"dev test", "[-j 2] [-timeout 10m]", "", "make test [J=2]", "what CI runs: gofmt, go vet, the library specs, the whole proof", (*runner).testCmd},
		{"dev stress", "[-runs 20] [-timeout 5m] [-load=true]", "[N...]", "make stress [N='3 4'] [RUNS=20]", "every solution -runs times with every core busy; any failure fails", (*runner).stressCmd},
		{"dev orders", "[-seeds 5] [-j 2] [-timeout 5m]", "[N...]", "make orders [N='3 4'] [SEEDS=5]", "every spec of every solution alone, and each kata's specs in -seeds fixed random orders", (*runner).ordersCmd},
		{"dev budgets", "", "", "make budgets", "measure make kata N=k (goal 3 s) and make test on 2 cores (goal 5 min)", (*runner).budgetsCmd},
		{"dev check-format", "", "", "make check-format", "list the .go files that gofmt would change", (*runner).checkFormatCmd},
		{"dev vet", "", "", "make vet", "go vet ./...", (*runner).vetCmd},
		{"dev help", "", "", "", "this list", nil},
	}
}

// exitCode carries a process exit status through error returns.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line: run prints it, the
// command's usage and where to look, then exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errHelp ends a command that printed its usage because -h asked for it.
var errHelp = errors.New("help printed")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// runner holds what every command needs.
type runner struct {
	root           string
	stdout, stderr io.Writer
	cmd            *command // the command running
}

// run dispatches one command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	table, prefix := learnerCommands(), ""
	dev := len(args) > 0 && args[0] == "dev"
	if dev {
		table, prefix, args = devCommands(), "dev ", args[1:]
	}
	switch {
	case len(args) == 0 && !dev:
		fmt.Fprintf(stderr, "kata: no command given\n%s", whereToLook(nil))
		return 2
	case len(args) == 0 || isHelpFlag(args[0]):
		writeHelp(stdout, dev)
		return 0
	case args[0] == "help" && len(args) > 1:
		return helpFor(args[1], stdout, stderr)
	case args[0] == "help":
		writeHelp(stdout, dev)
		return 0
	}
	name := prefix + args[0]
	c := lookup(table, name)
	if c == nil {
		msg := fmt.Sprintf("unknown command %q", args[0])
		if d := lookup(devCommands(), "dev "+name); d != nil {
			msg = fmt.Sprintf("%s is a maintainer's command: kata %s", name, d.name)
		}
		fmt.Fprintf(stderr, "kata: %s\n%s", msg, whereToLook(nil))
		return 2
	}
	rest := args[1:]
	if len(rest) > 0 && isHelpFlag(rest[0]) && c.flags == "" {
		// A command with flags prints them (parse); the others say it here,
		// before their arguments go on to ginkgo.
		writeUsage(stdout, c, nil)
		return 0
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "kata:", err)
		return 1
	}
	r := &runner{root: root, stdout: stdout, stderr: stderr, cmd: c}
	err = c.run(r, rest)
	var ue usageError
	var ec exitCode
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kata: %s\n%s", ue.msg, whereToLook(c))
		return 2
	case errors.As(err, &ec):
		return int(ec)
	default:
		fmt.Fprintln(stderr, "kata:", err)
		return 1
	}
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

func lookup(table []*command, name string) *command {
	for _, c := range table {
		if c.name == name && c.run != nil {
			return c
		}
	}
	return nil
}

// helpFor is `kata help NAME`: that command's usage, as `kata NAME -h`.
func helpFor(name string, stdout, stderr io.Writer) int {
	if name == "dev" {
		writeHelp(stdout, true)
		return 0
	}
	if lookup(learnerCommands(), name) != nil {
		return run([]string{name, "-h"}, stdout, stderr)
	}
	if lookup(devCommands(), "dev "+name) != nil {
		return run([]string{"dev", name, "-h"}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "kata: no command %q\n%s", name, whereToLook(nil))
	return 2
}

// viaMake reports whether the Makefile started the tool: messages then
// speak of make's variables (N=3, T=2) rather than the tool's arguments.
func viaMake() bool { return os.Getenv("KATA_VIA_MAKE") == "1" }

// whereToLook follows an error: the command's usage, and where to read more.
func whereToLook(c *command) string {
	var b strings.Builder
	switch {
	case c == nil && viaMake():
		b.WriteString("Run `make help` for the targets.\n")
	case c == nil:
		b.WriteString("Run `kata help` for the commands.\n")
	case viaMake() && c.make != "":
		fmt.Fprintf(&b, "usage: %s\nRun `make list` to see the katas, `make help` for the targets.\n", c.make)
	default:
		fmt.Fprintf(&b, "usage: %s\nRun `kata list` to see the katas, `kata %s -h` for more.\n", c.synopsis(), c.name)
	}
	return b.String()
}

// synopsis is the command line: "kata hint [-task T] [-reset] N".
func (c *command) synopsis() string {
	return strings.Join(strings.Fields("kata "+c.name+" "+c.flags+" "+c.args), " ")
}

// writeHelp lists the commands: the learner's, then (or, for `kata dev
// help`, only) the maintainer's.
func writeHelp(w io.Writer, devOnly bool) {
	list := func(cs []*command) {
		for _, c := range cs {
			fmt.Fprintf(w, "  %-26s %s\n", strings.TrimSpace(strings.TrimPrefix(c.name, "dev ")+" "+c.args), c.summary)
		}
	}
	if !devOnly {
		fmt.Fprintln(w, "usage: kata <command> [arguments]   (the Makefile wraps each: `make help`)")
		fmt.Fprintln(w)
		list(learnerCommands())
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "for maintainers: kata dev <command> [arguments]")
	fmt.Fprintln(w)
	list(devCommands())
	fmt.Fprintln(w, "\n`kata <command> -h` prints a command's flags and arguments.")
}
