package main

import (
	"reflect"
	"testing"
)

func TestParseKataArgs(t *testing.T) {
	cases := []struct {
		args []string
		want kataOpts
	}{
		{nil, kataOpts{}},
		{[]string{"--focus=A|B"}, kataOpts{Focus: "A|B"}},
		{[]string{"-focus", "Task 2"}, kataOpts{Focus: "Task 2"}},
		{[]string{"--focus", "x", "--focus=y"}, kataOpts{Focus: "x", Flags: []string{"-ginkgo.focus=y"}}},
		{[]string{"-v", "--label-filter=io"}, kataOpts{Verbose: "v", Flags: []string{"-ginkgo.label-filter=io"}}},
		{[]string{"--fail-fast", "--seed", "3"}, kataOpts{Flags: []string{"-ginkgo.fail-fast", "-ginkgo.seed=3"}}},
		{[]string{"-ginkgo.skip=slow", "-race"}, kataOpts{Flags: []string{"-ginkgo.skip=slow"}}},
		{[]string{"--until-it-fails"}, kataOpts{CLI: true}},
		{[]string{"-p"}, kataOpts{CLI: true}},
		{[]string{"--", "-test.v"}, kataOpts{Flags: []string{"-test.v"}}},
	}
	for _, c := range cases {
		got, err := parseKataArgs(c.args)
		if err != nil {
			t.Errorf("parseKataArgs(%q): %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseKataArgs(%q) = %+v, want %+v", c.args, got, c.want)
		}
	}
	if _, err := parseKataArgs([]string{"extra"}); err == nil {
		t.Error("a stray word is no usage error")
	}
}
