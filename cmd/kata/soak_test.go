package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestSoakRunsEachKataThenReports checks the soak commands' shape: every
// kata run in order, the report handed what ran, and the exit status from
// its count of failed runs: nil for none, 1 for any.
func TestSoakRunsEachKataThenReports(t *testing.T) {
	katas := []kata{{Num: 1, Dir: "01-a"}, {Num: 2, Dir: "02-b"}}
	for _, failed := range []int{0, 3} {
		var out bytes.Buffer
		r := &runner{stdout: &out, stderr: &out}
		var reported []string
		err := soak(r, katas, func(ctx context.Context, k kata) string {
			if ctx.Err() != nil {
				t.Errorf("kata %s run with a done context", k.Dir)
			}
			return k.Dir
		}, func(ran []string) int {
			reported = ran
			return failed
		})
		if len(reported) != 2 || reported[0] != "01-a" || reported[1] != "02-b" {
			t.Errorf("the report got %q; want both katas in order", reported)
		}
		var ec exitCode
		switch {
		case failed == 0 && err != nil:
			t.Errorf("no run failed: soak returned %v, want nil", err)
		case failed > 0 && (!errors.As(err, &ec) || ec != 1):
			t.Errorf("%d runs failed: soak returned %v, want exit status 1", failed, err)
		}
		if out.Len() != 0 {
			t.Errorf("soak itself printed %q; only an interrupted run says something", out.String())
		}
	}
}

func TestWriteFailedRun(t *testing.T) {
	root := t.TempDir()
	var out bytes.Buffer
	v := fail("2 of 21 specs failed")
	v.Detail = []string{"Task 1: one", "Task 2: two"}
	writeFailedRun(&out, root, "01-sequential run 3 (1.5s)", v, filepath.Join(root, ".kata", "logs", "stress", "01-sequential-03.log"))
	want := "\n-- 01-sequential run 3 (1.5s): 2 of 21 specs failed\n   Task 1: one\n   Task 2: two\n   log: .kata/logs/stress/01-sequential-03.log\n"
	if out.String() != want {
		t.Errorf("writeFailedRun wrote\n%q\nwant\n%q", out.String(), want)
	}
}
