package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// tailLines is how much of a failed check's output the proof prints.
const tailLines = 40

// printTables prints one table per group (kata) in order, then the details
// of every failed check: offending specs and the tail of the output.
func printTables(w io.Writer, root string, checks []*check) {
	var groups []string
	byGroup := map[string][]*check{}
	for _, c := range checks {
		if _, ok := byGroup[c.Group]; !ok {
			groups = append(groups, c.Group)
		}
		byGroup[c.Group] = append(byGroup[c.Group], c)
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\n== %s ==\n", g)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CHECK\tRESULT\tSECONDS\tNOTE")
		for _, c := range byGroup[g] {
			result := "pass"
			if !c.Verdict.OK {
				result = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\n", c.Name, result, c.Elapsed.Seconds(), c.Verdict.Note)
		}
		tw.Flush()
		for _, c := range byGroup[g] {
			if !c.Verdict.OK {
				printFailure(w, root, c)
			} else if len(c.Verdict.Detail) > 0 {
				// A pass with something to say, such as a spec that skipped itself.
				fmt.Fprintf(w, "\n-- %s %s: %s\n", c.Group, c.Name, c.Verdict.Note)
				for _, d := range c.Verdict.Detail {
					fmt.Fprintf(w, "   %s\n", d)
				}
			}
		}
	}
}

func printFailure(w io.Writer, root string, c *check) {
	fmt.Fprintf(w, "\n-- %s %s: %s\n", c.Group, c.Name, c.Verdict.Note)
	for _, d := range c.Verdict.Detail {
		fmt.Fprintf(w, "   %s\n", d)
	}
	if c.LogPath == "" {
		return
	}
	if tail := lastLines(c.Output, tailLines); tail != "" {
		fmt.Fprintf(w, "   last lines of the output:\n")
		for _, l := range strings.Split(tail, "\n") {
			fmt.Fprintf(w, "   | %s\n", l)
		}
	}
	fmt.Fprintf(w, "   full log: %s\n", relTo(root, c.LogPath))
}

// lastLines returns the last n lines of s, without the trailing newline.
func lastLines(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
