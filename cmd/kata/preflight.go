package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// preflightChecks are the repository-wide checks of `test`: formatting, vet,
// and the specs of the shared packages.
func (r *runner) preflightChecks() []*check {
	const group = "repository"
	return []*check{
		{Group: group, Name: "gofmt", run: func(context.Context, *check) verdict {
			bad, err := unformatted(r.root)
			if err != nil {
				return fail("%v", err)
			}
			if len(bad) > 0 {
				v := fail("%d files need gofmt -w", len(bad))
				v.Detail = bad
				return v
			}
			return pass("every .go file is gofmt clean")
		}},
		{Group: group, Name: "go vet", run: func(ctx context.Context, c *check) verdict {
			return r.goCheck(ctx, c, "vet", "go vet ./... is clean", "vet", "./...")
		}},
		{Group: group, Name: "library specs", run: func(ctx context.Context, c *check) verdict {
			v := r.goCheck(ctx, c, "libs", "fakeserver and harness specs pass", "test", "-race", proofLinkFlags, "./fakeserver/...", "./harness/...")
			// Specs that ran and failed may pass on a retry alone; a build failure will not.
			c.reported = !v.OK && strings.Contains(c.Output, "--- FAIL")
			return v
		}},
		{Group: group, Name: "tool specs", run: func(ctx context.Context, c *check) verdict {
			// The kata tool's own tests: its commands, the lessons' text, the classroom
			// workflow and template, the JUnit schema check.
			return r.goCheck(ctx, c, "tool", "the kata tool's tests pass", "test", "./cmd/...", "./internal/...")
		}},
	}
}

// goCheck runs a go command whose exit status is the verdict.
func (r *runner) goCheck(ctx context.Context, c *check, logName, okNote string, args ...string) verdict {
	if c.alone {
		logName += "-alone"
	}
	c.LogPath = filepath.Join(r.root, ".kata", "logs", logName+".log")
	code, out, err := runLogged(ctx, r.root, c.LogPath, args)
	c.Output = out
	if err != nil {
		return fail("go %s: %v", strings.Join(args, " "), err)
	}
	if code != 0 {
		return fail("go %s failed (exit %d)", strings.Join(args, " "), code)
	}
	return pass("%s", okNote)
}

// checkFormatCmd lists the files gofmt would change; exit 1 if any.
func (r *runner) checkFormatCmd(args []string) error {
	if _, _, err := r.parse(nil, args, noArgs); err != nil {
		return err
	}
	bad, err := unformatted(r.root)
	if err != nil {
		return err
	}
	for _, f := range bad {
		fmt.Fprintln(r.stdout, f)
	}
	if len(bad) > 0 {
		fmt.Fprintf(r.stderr, "%d files are not gofmt clean: run gofmt -w on them\n", len(bad))
		return exitCode(1)
	}
	return nil
}

// vetCmd runs go vet ./... with its output passed through.
func (r *runner) vetCmd(args []string) error {
	if _, _, err := r.parse(nil, args, noArgs); err != nil {
		return err
	}
	return r.passthrough("vet", "./...")
}

// budgetsCmd runs scripts/budgets.sh, which measures the time budgets.
func (r *runner) budgetsCmd(args []string) error {
	if _, _, err := r.parse(nil, args, noArgs); err != nil {
		return err
	}
	return r.passthroughProgram(filepath.Join(r.root, "scripts", "budgets.sh"), kataEnv())
}
