package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// list prints the katas to stdout.
func (r *runner) list(args []string) error {
	katas, _, err := r.parse(nil, args, noArgs)
	if err != nil {
		return err
	}
	writeKataTable(r.stdout, katas)
	return nil
}

func writeKataTable(w io.Writer, katas []kata) {
	if len(katas) == 0 {
		fmt.Fprintln(w, "no katas yet (folders katas/NN-name)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tKATA\tTITLE")
	for _, k := range katas {
		title := k.Title
		if title == "" {
			title = "(README.md has no # title)"
		}
		fmt.Fprintf(tw, "%02d\t%s\t%s\n", k.Num, k.Dir, title)
	}
	tw.Flush()
}

func writeMutantTable(w io.Writer, k kata, ms []mutant) {
	if len(ms) == 0 {
		fmt.Fprintf(w, "kata %s has no mutants (katas/%s/testdata/mutants/<name>.patch)\n", k.Dir, k.Dir)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MUTANT\tWHAT IS WRONG\tKILLED BY")
	for _, m := range ms {
		if m.Err != nil {
			fmt.Fprintf(tw, "%s\tBROKEN: %v\t\n", m.Name, m.Err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, m.What, strings.Join(m.KilledBy, " + "))
	}
	tw.Flush()
}
