package leaks_test

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/harness"
)

// How stuck looks: for up to stuckCap, a few times with growing pauses
// (at most stuckPause); new goroutines count as stuck once the same ones
// have been blocked, none of them running, in stuckProbes looks spanning at
// least stuckWindow (a timer that would wake one of them within the window
// resets the count).
const (
	stuckCap    = 150 * time.Millisecond
	stuckWindow = 30 * time.Millisecond
	stuckPause  = 10 * time.Millisecond
	stuckProbes = 4
)

// goroutine is one goroutine of a runtime.Stack dump.
type goroutine struct {
	id    int
	state string // "chan send", "select", "running", ... (without ", 2 minutes")
	stack string // the frames, without the "goroutine N [state]:" line
}

// blocked reports whether g waits for something only another goroutine can
// give: a channel, a select, a lock, a WaitGroup, a coroutine switch. A
// goroutine that runs, sleeps, waits for I/O or is in a system call can go on
// by itself, so it is not.
func (g goroutine) blocked() bool {
	for _, p := range []string{"chan send", "chan receive", "select", "coroutine", "sync.", "semacquire"} {
		if strings.HasPrefix(g.state, p) {
			return true
		}
	}
	return false
}

// String formats g as goleak does, so the README's "Reading a goleak report"
// applies to both.
func (g goroutine) String() string {
	first := strings.SplitN(g.stack, "\n", 2)[0]
	if i := strings.LastIndex(first, "("); i > 0 {
		first = first[:i]
	}
	return fmt.Sprintf("Goroutine %d in state %s, with %s on top of the stack:\n%s", g.id, g.state, first, g.stack)
}

// stuck looks at the goroutines started since before (a set from
// goroutineIDs) and reports decided = true with report "" when there are
// none, or with goleak's kind of report when they are stuck; decided =
// false when it cannot tell within stuckCap.
func stuck(before map[int]bool) (report string, decided bool) {
	start := time.Now()
	var stable []int // the ids of the blocked goroutines seen in the last looks
	probes, since := 0, time.Time{}
	pause := 100 * time.Microsecond
	for {
		left := newGoroutines(before)
		if len(left) == 0 {
			return "", true
		}
		ids := make([]int, len(left))
		for i, g := range left {
			ids[i] = g.id
		}
		if !slices.ContainsFunc(left, func(g goroutine) bool { return !g.blocked() }) && slices.Equal(ids, stable) {
			probes++
		} else {
			stable, probes, since = ids, 1, time.Now()
			if slices.ContainsFunc(left, func(g goroutine) bool { return !g.blocked() }) {
				stable = nil
			}
		}
		if stable != nil && probes >= stuckProbes && time.Since(since) >= stuckWindow {
			parts := make([]string, len(left))
			for i, g := range left {
				parts[i] = g.String()
			}
			return "found unexpected goroutines:\n[" + strings.Join(parts, " ") + "]", true
		}
		if time.Since(start) > stuckCap {
			return "", false
		}
		time.Sleep(pause)
		pause = min(2*pause, stuckPause)
	}
}

// goroutineIDs returns the ids of every goroutine running now.
func goroutineIDs() map[int]bool {
	ids := map[int]bool{}
	for _, g := range goroutines(true) {
		ids[g.id] = true
	}
	return ids
}

// newGoroutines returns the goroutines not in before, except the caller's,
// by id.
func newGoroutines(before map[int]bool) []goroutine {
	self := goroutines(false)[0].id
	var left []goroutine
	for _, g := range goroutines(true) {
		if !before[g.id] && g.id != self {
			left = append(left, g)
		}
	}
	slices.SortFunc(left, func(a, b goroutine) int { return a.id - b.id })
	return left
}

// goroutines parses runtime.Stack: every goroutine if all, else the
// caller's.
func goroutines(all bool) []goroutine {
	var buf []byte
	if all {
		buf = harness.AllStacks()
	} else {
		buf = make([]byte, 64<<10)
		buf = buf[:runtime.Stack(buf, false)] // the caller's: its first lines are all that is read
	}
	var gs []goroutine
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		header, stack, _ := strings.Cut(string(block), "\n")
		// "goroutine 20 [chan send]:" or "goroutine 20 [chan send, 2 minutes]:"
		rest, ok := strings.CutPrefix(header, "goroutine ")
		if !ok {
			continue
		}
		idText, stateText, ok := strings.Cut(rest, " [")
		if !ok {
			continue
		}
		id, err := strconv.Atoi(idText)
		if err != nil {
			continue
		}
		state := strings.TrimSuffix(stateText, "]:")
		state, _, _ = strings.Cut(state, ",")
		gs = append(gs, goroutine{id: id, state: state, stack: strings.TrimRight(stack, "\n") + "\n"})
	}
	return gs
}
