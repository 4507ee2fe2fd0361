package harness

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/onsi/ginkgo/v2"
)

// Virtual runs body inside a testing/synctest bubble, on virtual time: time
// inside the bubble advances only when every goroutine in it is blocked, so
// a run that waits 160 × 100 ms takes exactly 16 s of virtual time and
// almost no real time. Use it from an It of a suite started by RunSuite:
//
//	It("takes one latency per request", func() {
//	    harness.Virtual(func() {
//	        srv := fakeserver.NewInMemory(fakeserver.WithLatency(100 * time.Millisecond))
//	        defer srv.Close()
//	        start := time.Now()
//	        ... // arrange, act and assert, all inside the bubble
//	        Expect(time.Since(start)).To(harness.TakeExactly(16 * time.Second))
//	    })
//	})
//
// Everything the body needs must be made inside it: a server, a client or a
// channel made outside the bubble does not run on its time (use
// fakeserver.NewInMemory: real sockets do not work in a bubble). Virtual
// returns when every goroutine started in the bubble has ended; if they are
// all blocked for good (a deadlock, such as a jobs channel never closed), the
// spec fails at once with a report that says so. Gomega assertions inside the
// body fail the spec as usual.
func Virtual(body func()) {
	if suiteT == nil {
		ginkgo.Fail("harness.Virtual: no running suite: start the suite with harness.RunSuite")
		return
	}
	defer func() {
		// Panics of the body are reported by GinkgoRecover inside the
		// bubble; what reaches here is synctest's own report of a deadlock.
		if r := recover(); r != nil {
			ginkgo.Fail(deadlockMessage(r))
		}
	}()
	synctest.Test(suiteT, func(*testing.T) {
		defer ginkgo.GinkgoRecover()
		body()
	})
}

// deadlockMessage explains a panic of synctest, usually a deadlock.
func deadlockMessage(r any) string {
	msg := fmt.Sprint(r)
	if !strings.Contains(msg, "deadlock") {
		return "harness.Virtual: the synctest bubble failed: " + msg
	}
	return "Every goroutine of the run was blocked for good: a deadlock (synctest said: " + msg + ").\n" +
		"Nothing could ever wake them: no timer was pending and no other goroutine was running.\n" +
		"The usual causes: workers ranging over a jobs channel that is never closed; a send on\n" +
		"an unbuffered channel that nobody receives; wg.Wait() on a WaitGroup whose Done is never\n" +
		"called; a result channel read once more than it is written. See your kata's README, \"Hints\"."
}
