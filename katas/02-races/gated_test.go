package races_test

import (
	"sync/atomic"
	"testing/synctest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/02-races"
)

// A gatedCounter is a plain int as a Counter that counts its calls and can
// hold one Store open: the gateAt-th Store call waits until the spec opens
// the gate. Held at the last increment, it leaves that increment in progress
// at an instant the spec chooses, so "has the counting function returned?"
// has an exact answer. Its channels block durably inside harness.Virtual.
// Its value is a plain int, on purpose: unsynchronised use is a data race.
type gatedCounter struct {
	x             int
	loads, stores atomic.Int64
	gateAt        int64         // 0: no gate
	held          chan struct{} // closed when the gated Store starts to wait
	gate          chan struct{} // closed by the spec: the gated Store goes on
}

func newGatedCounter(start int, gateAt int64) *gatedCounter {
	return &gatedCounter{x: start, gateAt: gateAt, held: make(chan struct{}), gate: make(chan struct{})}
}

func (c *gatedCounter) Load() int { c.loads.Add(1); return c.x }

func (c *gatedCounter) Store(v int) {
	if c.stores.Add(1) == c.gateAt {
		close(c.held)
		<-c.gate
	}
	c.x = v
}

// heldResult is what waitsForLastIncrement saw.
type heldResult struct {
	earlyAt int   // the trial in which the function returned while increments were still to come (0: never)
	stores  int64 // Store calls when the function returned before its last increment began (-1: it did not)
}

// waitsForLastIncrement runs count (goroutines × increments) on a
// gatedCounter inside the bubble, trials times; in each it holds the last
// Store open, lets every other goroutine settle (synctest.Wait), and asks
// whether count has returned. It must be called inside harness.Virtual.
func waitsForLastIncrement(trials, goroutines, increments int, count func(races.Counter, int, int) error) heldResult {
	total := int64(goroutines * increments)
	for trial := 1; trial <= trials; trial++ {
		c := newGatedCounter(0, total)
		returned := make(chan struct{})
		go func() {
			defer close(returned)
			defer GinkgoRecover()
			Expect(count(c, goroutines, increments)).To(Succeed(), "valid arguments: no error")
		}()
		select {
		case <-c.held:
		case <-returned:
			atReturn := c.stores.Load()
			synctest.Wait() // whatever the function left running settles (or stops at the gate)
			later := c.stores.Load()
			close(c.gate)
			synctest.Wait()
			if later != atReturn {
				return heldResult{earlyAt: trial, stores: -1}
			}
			return heldResult{stores: atReturn}
		}
		synctest.Wait() // every other goroutine has ended or is blocked for good
		early := false
		select {
		case <-returned:
			early = true
		default:
		}
		close(c.gate)
		<-returned
		if early {
			return heldResult{earlyAt: trial, stores: -1}
		}
	}
	return heldResult{stores: -1}
}

// fmtHeld is the failure text of a function that returned before its last
// increment was done.
func fmtHeld(fn string, r heldResult, goroutines, increments int, owner bool) string {
	if r.stores >= 0 {
		return fn + " returned after " + itoa(int(r.stores)) + " Store calls; " + itoa(goroutines) + " goroutines × " +
			itoa(increments) + " increments are " + itoa(goroutines*increments) + " increments, each one c.Load and one c.Store(v + 1).\n" +
			"Fewer Stores means increments were added up somewhere else (a local count, c.Store(c.Load() + n)) or\n" +
			"goroutines never ran: every increment must go through c. See the README, \"The counter\"."
	}
	who := "its goroutines"
	cause := "The usual cause is wg.Add(1) called INSIDE the new goroutine (Wait may see 0 and return at once),\n" +
		"or no wg.Wait() at all. Call wg.Add before the go statement (or use wg.Go), and Wait before returning."
	if owner {
		who = "the owner"
		cause = "The senders were waited for, but not the owner: after close(requests) the owner may still be\n" +
			"applying the last requests. Have it close a done channel when its range ends, and receive from it\n" +
			"before returning."
	}
	return fn + " returned while increments were still in progress (trial " + itoa(r.earlyAt) + "): the spec's counter held\n" +
		"the last c.Store open (or saw Stores after the return), so " + fn + " did not wait for " + who + ".\n" + cause + "\n" +
		"See the README, \"Waiting for goroutines\"."
}

// settledCounts runs count on a gatedCounter that starts at 1000, inside
// the bubble, and fails the spec if c is still being changed after count
// has returned (so the counts it then checks are final).
func settledCounts(fn string, goroutines, increments int, count func(races.Counter, int, int) error, owner bool) *gatedCounter {
	c := newGatedCounter(1000, 0)
	Expect(count(c, goroutines, increments)).To(Succeed(), "valid arguments: no error")
	loads, stores := c.loads.Load(), c.stores.Load()
	synctest.Wait() // anything still running after the return settles now
	if c.loads.Load() != loads || c.stores.Load() != stores {
		Fail(fmtHeld(fn, heldResult{earlyAt: 1, stores: -1}, goroutines, increments, owner))
	}
	return c
}

// expectOneLoadAndStoreEach runs count (8 goroutines × 25 increments) on a
// counter that starts at 1000, in the bubble, and expects each increment to
// be one c.Load and one c.Store(v + 1) on the count already there. why is
// the failure text for the calls, with two %d: the Loads and the Stores seen.
func expectOneLoadAndStoreEach(fn string, count func(races.Counter, int, int) error, owner bool, why string) {
	GinkgoHelper()
	harness.Virtual(func() {
		c := settledCounts(fn, 8, 25, count, owner)
		Expect([]int64{c.loads.Load(), c.stores.Load()}).To(Equal([]int64{200, 200}), why, c.loads.Load(), c.stores.Load())
		Expect(c.x).To(Equal(1200), "the counter started at 1000: 200 increments must leave it at 1200 (add to what is there, do not start from 0)")
	})
}

// expectWaitsForLastIncrement runs count (5 goroutines × 20 increments) in
// the bubble 50 times, each time with the last Store held open, and expects
// count never to return before that Store is done.
func expectWaitsForLastIncrement(fn string, count func(races.Counter, int, int) error, owner bool) {
	GinkgoHelper()
	harness.Virtual(func() {
		r := waitsForLastIncrement(50, 5, 20, count)
		Expect(r.earlyAt == 0 && r.stores < 0).To(BeTrue(), fmtHeld(fn, r, 5, 20, owner))
	})
}
