package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The process half of the leak check: a spec must not leave behind a
// process it started. The check looks only at the direct children of the
// test process that were not there before the spec (reading
// /proc/self/task/*/children, a few small files), so it costs next to
// nothing when there are none. It needs Linux's /proc; elsewhere it is off.

// childGrace is how long the check waits for children on their way out (a
// Wait that is about to reap a zombie, a process just killed).
const childGrace = 500 * time.Millisecond

// child is one direct child of the test process, as /proc shows it.
type child struct {
	pid   int
	state byte   // R running, S sleeping, Z zombie…
	cmd   string // argv joined by spaces, or the kernel's name in brackets
}

func (c child) zombie() bool { return c.state == 'Z' }

// childPIDs returns the PIDs of the direct children of this process, and
// false if /proc cannot tell.
func childPIDs() ([]int, bool) {
	files, _ := filepath.Glob("/proc/self/task/*/children")
	if len(files) == 0 {
		return scanChildPIDs()
	}
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended while we read
		}
		for _, s := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(s); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids, true
}

// scanChildPIDs is childPIDs for kernels without the children files: it
// reads the parent of every process.
func scanChildPIDs() ([]int, bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, false
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := statOf(pid); ok && ppid == self {
			pids = append(pids, pid)
		}
	}
	return pids, true
}

// statOf reads the parent and state of pid from /proc/PID/stat:
// "pid (comm) state ppid …", where comm may hold spaces and parentheses.
func statOf(pid int) (ppid int, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0][0], err == nil
}

// cmdOf returns the command line of pid, or its name from stat.
func cmdOf(pid int) string {
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err == nil && len(b) > 0 {
		return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	}
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		s := string(b)
		if open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')'); open >= 0 && end > open {
			return "[" + s[open+1:end] + "]"
		}
	}
	return "?"
}

// newChildren returns the children of this process that are not in before.
func newChildren(before []int) []child {
	pids, _ := childPIDs()
	self := os.Getpid()
	var out []child
	for _, pid := range pids {
		if slices.Contains(before, pid) {
			continue
		}
		ppid, state, ok := statOf(pid)
		if !ok || ppid != self {
			continue // gone already
		}
		out = append(out, child{pid: pid, state: state, cmd: cmdOf(pid)})
	}
	slices.SortFunc(out, func(a, b child) int { return a.pid - b.pid })
	return out
}

// leftoverChildren waits up to childGrace for the children started since
// before to be gone, then kills and reaps those that are not (and their own
// descendants), and returns them as they were.
func leftoverChildren(before []int) []child {
	deadline := time.Now().Add(childGrace)
	left := newChildren(before)
	for len(left) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		left = newChildren(before)
	}
	if len(left) > 0 {
		killChildren(left)
	}
	return left
}

// killChildren sends SIGKILL to each child, its descendants and its process
// group (if it leads one that is not ours), then reaps the children, so
// nothing of them outlives the spec.
func killChildren(cs []child) {
	self := syscall.Getpgrp()
	for _, c := range cs {
		for _, d := range descendantPIDs(c.pid) {
			_ = syscall.Kill(d, syscall.SIGKILL)
		}
		if pgid, err := syscall.Getpgid(c.pid); err == nil && pgid == c.pid && pgid != self {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
		_ = syscall.Kill(c.pid, syscall.SIGKILL)
	}
	deadline := time.Now().Add(2 * time.Second)
	for _, c := range cs {
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(c.pid, &ws, syscall.WNOHANG, nil)
			if pid == c.pid || err != nil || time.Now().After(deadline) {
				break // reaped, or someone else reaped it, or give up
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// descendantPIDs returns the children, grandchildren… of root, from one
// scan of /proc. It is called only when a leftover was found.
func descendantPIDs(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if ppid, _, ok := statOf(pid); ok {
				parent[pid] = ppid
			}
		}
	}
	in := map[int]bool{root: true}
	var out []int
	for changed := true; changed; {
		changed = false
		for pid, ppid := range parent {
			if !in[pid] && in[ppid] {
				in[pid], changed = true, true
				out = append(out, pid)
			}
		}
	}
	return out
}

// childLeakMessage explains the processes a spec left behind.
func childLeakMessage(cs []child) string {
	var b strings.Builder
	b.WriteString("Processes started during the spec were still there after it ended: a process leak.\n")
	zombie, running := false, false
	for _, c := range cs {
		what := "still running"
		if c.zombie() {
			what, zombie = "ended, but nobody waited for it (a zombie)", true
		} else {
			running = true
		}
		fmt.Fprintf(&b, "  - pid %d: %s (%s)\n", c.pid, c.cmd, what)
	}
	b.WriteString("The harness has killed them now, so the next specs start clean.\n")
	if running {
		b.WriteString("A process your code starts must end before your function returns (or when whoever you\n" +
			"returned to says stop): wait for it (cmd.Wait, or cmd.Run), and stop it when the work is\n" +
			"cancelled (exec.CommandContext, close its stdin, or kill it, then Wait).\n")
	}
	if zombie {
		b.WriteString("A zombie is a child that exited and was never waited for: call cmd.Wait() for every\n" +
			"command you started, even one you killed (Wait is what reaps it).\n")
	}
	b.WriteString("See your kata's README, \"Processes left behind\" (kata 09 explains them).")
	return b.String()
}
