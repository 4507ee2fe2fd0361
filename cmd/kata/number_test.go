package main

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	good := map[string]int{"1": 1, "01": 1, "3": 3, "03": 3, "12": 12, " 7 ": 7}
	for in, want := range good {
		got, err := parseNumber(in)
		if err != nil || got != want {
			t.Errorf("parseNumber(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "1a", "-1", "3.0", "100"} {
		if _, err := parseNumber(in); err == nil {
			t.Errorf("parseNumber(%q) succeeded; want an error", in)
		}
	}
}

func TestFindKata(t *testing.T) {
	katas := []kata{{Num: 1, Dir: "01-sequential", Name: "sequential"}, {Num: 3, Dir: "03-pool-cpu", Name: "pool-cpu"}}
	for _, in := range []string{"3", "03", "03-pool-cpu", "pool-cpu", "katas/03-pool-cpu/"} {
		k, err := findKata(katas, in)
		if err != nil || k.Num != 3 {
			t.Errorf("findKata(%q) = %v, %v; want kata 3", in, k.Dir, err)
		}
	}
	for _, in := range []string{"", "2", "pool", "x"} {
		_, err := findKata(katas, in)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("findKata(%q) error = %v; want a usageError (prints the list and usage)", in, err)
		}
	}
}
