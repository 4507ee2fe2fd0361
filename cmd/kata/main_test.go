package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "no command given"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"kata"}, 2, "which kata?"},
		{[]string{"solution", "99"}, 2, "no kata number 99"},
		{[]string{"kata", "nope"}, 2, `unknown kata "nope"`},
		{[]string{"proof", "-bogus"}, 2, "flag provided but not defined"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(c.args, &out, &errOut)
		if code != c.code || !strings.Contains(errOut.String(), c.err) || !strings.Contains(errOut.String(), "usage: kata") {
			t.Errorf("run(%q) = %d, stderr:\n%s\nwant exit %d, usage and %q", c.args, code, errOut.String(), c.code, c.err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "proof [-j 2]") {
		t.Errorf("help: exit %d, %q", code, out.String())
	}
}
