package harness

import (
	"runtime"
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
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "synctest bubble") {
			out = append(out, g)
		}
	}
	return out
}
