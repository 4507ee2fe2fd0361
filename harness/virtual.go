package harness

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/onsi/ginkgo/v2"
	"go.uber.org/goleak"
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
//	        Expect(time.Since(start)).To(match.TakeExactly(16 * time.Second))
//	    })
//	})
//
// Everything the body needs must be made inside it: a server, a client or a
// channel made outside the bubble does not run on its time (use
// fakeserver.NewInMemory: real sockets do not work in a bubble).
//
// When the body returns, every goroutine it started must already be on its
// way out: synctest stops advancing time then, so a goroutine still asleep on
// a timer, or blocked on a channel, never wakes, and the spec fails with the
// stacks of the goroutines left behind (a leak). If every goroutine is
// blocked for good while the body still runs (a deadlock, such as a jobs
// channel never closed), the spec fails at once with a report that says so.
// Gomega assertions inside the body fail the spec as usual.
func Virtual(body func()) {
	if suiteT == nil {
		ginkgo.Fail("harness.Virtual: no running suite: start the suite with harness.RunSuite")
		return
	}
	before := goleak.IgnoreCurrent()
	returned := false
	defer func() {
		r := recover()
		if r == nil && !returned {
			// synctest.Test ended with t.FailNow, not a panic: the bubble's
			// own *testing.T failed, and nothing fails it but the race
			// detector (the body gets no T; Gomega fails through Ginkgo).
			ginkgo.Fail(raceMessage)
			return
		}
		// Panics of the body are reported by GinkgoRecover inside the
		// bubble; what reaches here is synctest's own report: a deadlock,
		// or goroutines left blocked when the body returned. They stay
		// blocked for good, so their stacks can be shown.
		if r != nil {
			stuck := ""
			if err := goleak.Find(before); err != nil {
				stuck = "\n\n" + trimStacks(err.Error(), 6)
			}
			ginkgo.Fail(deadlockMessage(r) + stuck)
		}
	}()
	synctest.Test(suiteT, func(*testing.T) {
		defer ginkgo.GinkgoRecover()
		body()
	})
	returned = true
}

// raceMessage explains a bubble that failed because the race detector
// found a data race in it (synctest then ends the test with FailNow, which
// Ginkgo alone would report as a panic with a nil value).
const raceMessage = "data race detected: read the WARNING: DATA RACE report above, its two stacks point into your code.\n" +
	"Two goroutines touched the same variable at the same time, and at least one of them wrote it,\n" +
	"with nothing (a mutex, a channel, a WaitGroup, an atomic) ordering the two: the result depends\n" +
	"on chance. The first stack is the access that was caught, the \"Previous\" one the access it\n" +
	"raced with; the goroutines' \"created at\" stacks say who started them. See your kata's README, \"Hints\"."

// deadlockMessage explains a panic of synctest.
func deadlockMessage(r any) string {
	msg := fmt.Sprint(r)
	switch {
	case strings.Contains(msg, "main bubble goroutine has exited"):
		return "The run returned, but goroutines it started were still blocked, with nothing left that\n" +
			"could wake them: a goroutine leak (synctest said: " + msg + ").\n" +
			"The usual causes: a response body never closed (its connection's goroutines wait for it);\n" +
			"a Session never closed; a worker blocked sending a result nobody reads; a worker ranging\n" +
			"over a jobs channel that is never closed; goroutines not waited for before returning.\n" +
			"Their stacks are below: look for your package's file names. See your kata's README, \"Hints\"."
	case strings.Contains(msg, "deadlock"):
		return "Every goroutine of the run was blocked for good: a deadlock (synctest said: " + msg + ").\n" +
			"Nothing could ever wake them: no timer was pending and no other goroutine was running.\n" +
			"The usual causes: workers ranging over a jobs channel that is never closed; a send on\n" +
			"an unbuffered channel that nobody receives; wg.Wait() on a WaitGroup whose Done is never\n" +
			"called; a result channel read once more than it is written. Their stacks are below.\n" +
			"See your kata's README, \"Hints\"."
	}
	return "harness.Virtual: the synctest bubble failed: " + msg
}
