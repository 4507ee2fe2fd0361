package proc

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// A Process is one entry of /proc.
type Process struct {
	PID, PPID, PGID int
	State           byte   // R running, S sleeping, Z zombie, T stopped…
	Cmd             string // argv joined by spaces ("kata-worker"), or the kernel's name in brackets
}

// Zombie reports whether the process has ended but was not yet waited for.
func (p Process) Zombie() bool { return p.State == 'Z' }

func (p Process) String() string {
	return fmt.Sprintf("pid %d (%s, state %c, parent %d, group %d)", p.PID, p.Cmd, p.State, p.PPID, p.PGID)
}

// Scan reads every process of /proc. Processes that end while it reads are
// skipped.
func Scan() ([]Process, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("proc.Scan: %w (leftover processes can only be checked on Linux)", err)
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readProcess(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// readProcess parses /proc/PID/stat: "pid (comm) state ppid pgrp …", where
// comm may itself hold spaces and parentheses.
func readProcess(pid int) (Process, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Process{}, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return Process{}, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 3 {
		return Process{}, false
	}
	p := Process{PID: pid, State: f[0][0], Cmd: "[" + s[open+1:end] + "]"}
	p.PPID, _ = strconv.Atoi(f[1])
	p.PGID, _ = strconv.Atoi(f[2])
	if c, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && len(c) > 0 {
		p.Cmd = strings.TrimSpace(strings.ReplaceAll(string(c), "\x00", " "))
	}
	return p, true
}

// Descendants returns the processes whose chain of parents leads to root
// (children, grandchildren…), zombies included, from one Scan.
func Descendants(root int) ([]Process, error) {
	all, err := Scan()
	if err != nil {
		return nil, err
	}
	return descendants(all, root), nil
}

func descendants(all []Process, root int) []Process {
	in := map[int]bool{root: true}
	var out []Process
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if !in[p.PID] && in[p.PPID] {
				in[p.PID] = true
				out = append(out, p)
				changed = true
			}
		}
	}
	slices.SortFunc(out, func(a, b Process) int { return a.PID - b.PID })
	return out
}

// Leftovers returns what is left of a pool: every descendant of root (the
// test process: os.Getpid()), including zombies it has not reaped, and every
// member of the process groups groups (the workers' groups), wherever it
// now lives, except zombies whose parent is PID 1 (init reaps those) and
// except root itself and its own group.
func Leftovers(root int, groups []int) ([]Process, error) {
	all, err := Scan()
	if err != nil {
		return nil, err
	}
	self := syscall.Getpgrp()
	found := map[int]Process{}
	for _, p := range descendants(all, root) {
		found[p.PID] = p
	}
	for _, p := range all {
		if p.PID != root && p.PGID != self && slices.Contains(groups, p.PGID) {
			found[p.PID] = p
		}
	}
	var out []Process
	for _, p := range found {
		if p.Zombie() && p.PPID == 1 {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Process) int { return a.PID - b.PID })
	return out, nil
}

// Cleanup kills, with SIGKILL, every process group in groups (never the
// caller's own) and reaps the zombies among root's children: what a spec
// does after its checks so that a faulty pool leaves nothing behind for the
// next spec. It is not part of any pool's job, and may race with a pool's
// own Wait: call it only when the pool is done.
func Cleanup(root int, groups []int) {
	self := syscall.Getpgrp()
	for _, g := range groups {
		if g > 1 && g != self {
			_ = syscall.Kill(-g, syscall.SIGKILL)
		}
	}
	all, err := Scan()
	if err != nil {
		return
	}
	for _, p := range all {
		if p.PPID == root && p.Zombie() {
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(p.PID, &ws, syscall.WNOHANG, nil)
		}
	}
}

// RSS returns the resident memory of process pid in kilobytes (VmRSS of
// /proc/PID/status): what one process costs in memory.
func RSS(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				return strconv.Atoi(f[0])
			}
		}
	}
	return 0, errors.New("proc.RSS: no VmRSS line in /proc/" + strconv.Itoa(pid) + "/status")
}
