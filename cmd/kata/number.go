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
// ("pool"). A miss is a usageError, so the caller prints the list.
func findKata(katas []kata, arg string) (kata, error) {
	if arg == "" {
		return kata{}, usageError{"which kata? give its number, e.g. N=1"}
	}
	arg = strings.TrimSuffix(strings.TrimPrefix(arg, "katas/"), "/")
	if n, err := parseNumber(arg); err == nil {
		for _, k := range katas {
			if k.Num == n {
				return k, nil
			}
		}
		return kata{}, usageError{fmt.Sprintf("there is no kata number %s", arg)}
	}
	for _, k := range katas {
		if k.Dir == arg || k.Name == arg {
			return k, nil
		}
	}
	return kata{}, usageError{fmt.Sprintf("unknown kata %q: give its number, e.g. N=1", arg)}
}
