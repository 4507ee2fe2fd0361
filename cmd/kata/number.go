package main

import (
	"fmt"
	"strconv"
	"strings"
)

// parseNumber reads a kata number as learners type it: "3", "03", "003".
func parseNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty kata number")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a kata number", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 99 {
		return 0, fmt.Errorf("%q is not a kata number", s)
	}
	return n, nil
}

// findKata picks a kata by number ("3", "03"), folder ("03-pool") or name
// ("pool"). A miss is a usageError that says what there is.
func findKata(katas []kata, arg string) (kata, error) {
	arg = strings.TrimSpace(arg)
	switch {
	case arg == "" && viaMake():
		return kata{}, usageError{fmt.Sprintf("which kata? give its number, N=1 for instance (%s)", thereAre(katas))}
	case arg == "":
		return kata{}, usageError{fmt.Sprintf("which kata? give its number (%s)", thereAre(katas))}
	case len(strings.Fields(arg)) > 1:
		return kata{}, usageError{fmt.Sprintf("%s: one kata at a time, please (%s)", typed("", arg), thereAre(katas))}
	}
	name := strings.TrimSuffix(strings.TrimPrefix(arg, "katas/"), "/")
	if n, err := parseNumber(name); err == nil {
		for _, k := range katas {
			if k.Num == n {
				return k, nil
			}
		}
		return kata{}, usageError{fmt.Sprintf("no kata %s (%s)", arg, thereAre(katas))}
	}
	for _, k := range katas {
		if k.Dir == name || k.Name == name {
			return k, nil
		}
	}
	return kata{}, usageError{fmt.Sprintf("%s is not a kata number (%s)", typed("", arg), thereAre(katas))}
}
