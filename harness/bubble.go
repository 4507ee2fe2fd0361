package harness

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// BubbleGoroutines returns the stack of every goroutine of the running
// testing/synctest bubble (see Virtual), the caller's own included, and
// nothing of the goroutines outside it (Ginkgo's, the race detector's).
// Call it from inside Virtual, after synctest.Wait, to count exactly the
// goroutines a run left behind. Outside a bubble it returns nil.
//
// It relies on the runtime's stack dumps naming a goroutine's bubble in its
// header ("goroutine 9 [chan send (durable), synctest bubble 1]:"), as they
// do since Go 1.25.
func BubbleGoroutines() []string {
	buf := AllStacks()
	own := bubbleOf(buf) // the first stack in the dump is the caller's
	if own == "" {
		return nil
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		// Only this bubble's: an earlier spec's leak, left blocked for good
		// in another bubble, must not be counted against this one.
		if bubbleOf([]byte(g)) == own {
			out = append(out, g)
		}
	}
	return out
}

// bubbleOf returns the "synctest bubble N" of the first goroutine header in
// a stack dump, or "" if that goroutine is in no bubble.
func bubbleOf(dump []byte) string {
	header, _, _ := strings.Cut(string(dump), "\n")
	_, rest, ok := strings.Cut(header, "synctest bubble ")
	if !ok {
		return ""
	}
	end := strings.IndexAny(rest, ",]")
	if end < 0 {
		end = len(rest)
	}
	return "synctest bubble " + rest[:end]
}

// AllStacks returns the stack of every goroutine of the process, the
// caller's first, as runtime.Stack(buf, true) writes them (blocks separated
// by a blank line), however many there are: the buffer grows until the
// whole dump fits.
func AllStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// GoroutineID returns the calling goroutine's number, read from its stack
// header ("goroutine 17 [running]:"). Go hides goroutine identity on
// purpose; a spec that must tell goroutines apart (which ones touched a
// counter, how many a pool ran its tasks on) may read it this way.
func GoroutineID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	fields := bytes.Fields(buf[:n])
	if len(fields) >= 2 {
		if id, err := strconv.ParseUint(string(fields[1]), 10, 64); err == nil {
			return id
		}
	}
	panic(fmt.Sprintf("harness.GoroutineID: unexpected stack header %q", buf[:n]))
}
