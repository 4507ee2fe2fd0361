package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What a command takes besides its flags.
type positional int

const (
	noArgs    positional = iota // nothing
	oneKata                     // exactly one kata
	someKatas                   // katas; none: every kata
	ownArgs                     // the command reads them itself
)

// flags starts the flag set of the running command; parse reads it.
func (r *runner) flags() *flag.FlagSet {
	fs := flag.NewFlagSet(r.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse words the errors itself
	return fs
}

// parse is every command's prologue: its flags (fs, or none when nil),
// before or after the other arguments, then the katas these name as want
// says: every kata for noArgs and ownArgs (which also return the
// arguments), the one named for oneKata, those named (or all) for
// someKatas. -h prints the command's usage and returns errHelp; a mistake
// is a usageError in the learner's terms (N=, T= when run from make).
func (r *runner) parse(fs *flag.FlagSet, args []string, want positional) (katas []kata, pos []string, err error) {
	if fs == nil {
		fs = r.flags()
	}
	pos, err = parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		writeUsage(r.stdout, r.cmd, fs)
		return nil, nil, errHelp
	}
	if err != nil {
		return nil, nil, usageError{flagError(r.cmd, fs, err)}
	}
	katas, err = discoverKatas(r.root)
	if err != nil {
		return nil, nil, err
	}
	switch want {
	case noArgs:
		if len(pos) > 0 && strings.Join(pos, "") != "" {
			return nil, nil, usageError{fmt.Sprintf("%s takes no kata number (got %s)", r.cmd.name, typed("", strings.Join(pos, " ")))}
		}
	case oneKata:
		k, err := findKata(katas, strings.Join(pos, " "))
		if err != nil {
			return nil, nil, err
		}
		katas = []kata{k}
	case someKatas:
		if katas, err = pickKatas(katas, pos); err != nil {
			return nil, nil, err
		}
	}
	return katas, pos, nil
}

// parseInterleaved parses flags that may come before or after positional
// arguments (`hint 3 -task 2` and `hint -task 2 3`).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// kataAndRest reads `N [more...]`, the line of the commands that hand what
// follows the kata to ginkgo (kata, watch, dev solution, dev mutant).
func (r *runner) kataAndRest(args []string) (kata, []string, error) {
	katas, err := discoverKatas(r.root)
	if err != nil {
		return kata{}, nil, err
	}
	if len(args) == 0 {
		args = []string{""}
	}
	k, err := findKata(katas, args[0])
	return k, args[1:], err
}

// makeVars are the Makefile's names of the tool's arguments ("" is the kata).
var makeVars = map[string]string{"": "N", "task": "T", "j": "J", "runs": "RUNS", "mutant": "M"}

// typed is an argument as the learner typed it: from make "N=abc" or
// "T=abc"; from the shell "abc" or "-task abc". name is the flag ("" for
// the kata, "mutant" for a mutant's name).
func typed(name, value string) string {
	if v, ok := makeVars[name]; ok && viaMake() {
		if strings.ContainsAny(value, " \t") {
			return v + "='" + value + "'"
		}
		return v + "=" + value
	}
	if name == "" || name == "mutant" {
		return strconv.Quote(value)
	}
	return "-" + name + " " + value
}

var invalidFlagRE = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -([^:]+): `)

// flagError words a flag parse error for a person.
func flagError(c *command, fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := invalidFlagRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s is not %s", typed(m[2], m[1]), flagKind(fs, m[2]))
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Sprintf("%s has no flag %s", c.name, name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Sprintf("%s needs a value", name)
	}
	return msg
}

// flagKind says what a flag's value must be: "a task number", "a duration".
func flagKind(fs *flag.FlagSet, name string) string {
	switch name {
	case "task":
		return "a task number"
	case "j":
		return "a number of go test processes"
	}
	f := fs.Lookup(name)
	if f == nil {
		return "a valid value"
	}
	switch f.Value.(flag.Getter).Get().(type) {
	case int:
		return "a whole number"
	case time.Duration:
		return "a duration (such as 90s or 5m)"
	case bool:
		return "true or false"
	}
	return "a valid value"
}

// writeUsage prints a command's usage: its line, what it does, how make
// runs it, and its flags (fs nil: none).
func writeUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n  %s\n", c.synopsis(), c.summary)
	if c.make != "" {
		fmt.Fprintf(w, "from make: %s\n", c.make)
	}
	if fs == nil {
		return
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "flags:")
			first = false
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = " (default " + f.DefValue + ")"
		}
		kind, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  %-18s %s%s\n", strings.TrimSpace("-"+f.Name+" "+kind), usage, def)
	})
}

// thereAre names the katas' numbers: "there are 01 to 11".
func thereAre(katas []kata) string {
	switch len(katas) {
	case 0:
		return "there are none yet"
	case 1:
		return fmt.Sprintf("there is %02d", katas[0].Num)
	}
	return fmt.Sprintf("there are %02d to %02d", katas[0].Num, katas[len(katas)-1].Num)
}

func args0(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
