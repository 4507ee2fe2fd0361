package main

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPickStubCommit(t *testing.T) {
	log := []string{"c3 me@x.org", "c2 Me@X.org", "c1 teacher@x.org", "c0 teacher@x.org"}
	if got := pickStubCommit(log, "me@x.org"); got != "c1" {
		t.Errorf("skips my commits: got %q, want c1", got)
	}
	if got := pickStubCommit(log, ""); got != "c3" {
		t.Errorf("no user.email: got %q, want the newest, c3", got)
	}
	if got := pickStubCommit([]string{"c2 me@x.org", "c1 me@x.org"}, "me@x.org"); got != "c2" {
		t.Errorf("every commit mine (a maintainer): got %q, want the newest, c2", got)
	}
	if got := pickStubCommit([]string{""}, "me@x.org"); got != "" {
		t.Errorf("no history: got %q", got)
	}
}

func TestBackupName(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	dir := filepath.Join("katas", "03-pool")
	want := filepath.Join(dir, ".backup", "pool.go.20260304-050607")
	if got := backupName(dir, "pool.go", now, func(string) bool { return false }); got != want {
		t.Errorf("backupName = %q, want %q", got, want)
	}
	taken := []string{want, want + "-2"}
	if got := backupName(dir, "pool.go", now, func(p string) bool { return slices.Contains(taken, p) }); got != want+"-3" {
		t.Errorf("backupName with two taken = %q, want %q", got, want+"-3")
	}
}

func TestWatchArgs(t *testing.T) {
	k := kata{Num: 3, Dir: "03-pool"}
	got := watchArgs(k, []string{"--focus=Task 2"})
	want := []string{"tool", "ginkgo", "watch", "-race", "--focus=Task 2", "./katas/03-pool", "--", "-test.paniconexit0"}
	if !slices.Equal(got, want) {
		t.Errorf("watchArgs = %q, want %q", got, want)
	}
}
