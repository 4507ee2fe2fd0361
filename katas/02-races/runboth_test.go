package races_test

import (
	"sync/atomic"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/02-races"
)

var _ = Describe("Task 1: RunBoth", func() {
	It("runs both functions and returns after both have run", func(SpecContext) {
		var ranFirst, ranSecond atomic.Int32
		err := races.RunBoth(func() { ranFirst.Add(1) }, func() { ranSecond.Add(1) })
		Expect(err).NotTo(HaveOccurred(), "two non-nil functions: no error")
		Expect(ranFirst.Load()).To(Equal(int32(1)), "first must run exactly once before RunBoth returns")
		Expect(ranSecond.Load()).To(Equal(int32(1)), "second must run exactly once before RunBoth returns")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs the two at the same time: each waits until the other has started", func(SpecContext) {
		harness.Virtual(func() {
			firstStarted, secondStarted := make(chan struct{}), make(chan struct{})
			// waitFor gives the other function one second of virtual time to
			// start: if it cannot start until this one returns, the wait runs
			// out (at once, in real time) and says so.
			waitFor := func(other <-chan struct{}, saw *atomic.Bool) {
				select {
				case <-other:
					saw.Store(true)
				case <-time.After(time.Second):
				}
			}
			var firstSawSecond, secondSawFirst atomic.Bool
			err := races.RunBoth(
				func() { close(firstStarted); waitFor(secondStarted, &firstSawSecond) },
				func() { close(secondStarted); waitFor(firstStarted, &secondSawFirst) },
			)
			Expect(err).NotTo(HaveOccurred(), "two non-nil functions: no error")
			Expect(firstSawSecond.Load() && secondSawFirst.Load()).To(BeTrue(),
				"each function waited (up to 1s) for the other to start; first saw second start: %v, second saw first start: %v.\n"+
					"One of them could not start until the other had returned: the two ran one after the other\n"+
					"(or RunBoth returned before they ran at all).\n"+
					"Start each on its own goroutine (go f()), then wait for both. See the README, \"Goroutines\".",
				firstSawSecond.Load(), secondSawFirst.Load())
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("does not return while either function is still running", func(SpecContext) {
		// Inside the bubble, synctest.Wait returns once every other goroutine
		// is blocked: the functions held on the gate, and RunBoth in its wait
		// (or returned, if it did not wait). That makes the check exact.
		// A misplaced wg.Add returns early only when the scheduler runs the
		// caller first, so each check is repeated: once is enough to fail.
		// Three shapes: both functions held; only first held (second returns
		// at once); only second held.
		const trials = 200
		harness.Virtual(func() {
			for _, shape := range []struct {
				name                string
				holdFirst, holdSecn bool
			}{{"both functions", true, true}, {"first", true, false}, {"second", false, true}} {
				earlyAt, finishedThen := 0, int32(0)
				for trial := 1; trial <= trials && earlyAt == 0; trial++ {
					gate := make(chan struct{})
					returned := make(chan struct{})
					var finished atomic.Int32
					held := func() { <-gate; finished.Add(1) }
					free := func() { finished.Add(1) }
					first, second := free, free
					if shape.holdFirst {
						first = held
					}
					if shape.holdSecn {
						second = held
					}
					go func() {
						defer close(returned)
						defer GinkgoRecover()
						Expect(races.RunBoth(first, second)).To(Succeed(), "two non-nil functions: no error")
					}()
					synctest.Wait()
					select {
					case <-returned:
						earlyAt, finishedThen = trial, finished.Load()
					default:
					}
					close(gate) // let the functions end before anything fails
					<-returned
					synctest.Wait()
					if earlyAt == 0 {
						Expect(finished.Load()).To(Equal(int32(2)), "trial %d: both functions must have run", trial)
					}
				}
				if earlyAt != 0 {
					Fail(fmtEarly(shape.name, earlyAt, trials, finishedThen))
				}
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil function with an error that names it, and runs nothing", func(SpecContext) {
		harness.Virtual(func() {
			var ran atomic.Int32
			f := func() { ran.Add(1) }
			Expect(races.RunBoth(nil, f)).To(MatchError(ContainSubstring("first")), "name the argument that is nil")
			Expect(races.RunBoth(f, nil)).To(MatchError(ContainSubstring("second")), "name the argument that is nil")
			synctest.Wait() // anything RunBoth started has run by now
			Expect(ran.Load()).To(BeZero(),
				"RunBoth returned an error for a nil function, yet the other one ran (%d time(s)): check both arguments\n"+
					"before starting anything (a goroutine started before the check runs even though RunBoth failed).",
				ran.Load())
		})
	}, SpecTimeout(harness.SpecTimeout))
})

func fmtEarly(held string, trial, trials int, finished int32) string {
	still, cause := "both functions were", "It did not wait for its goroutines. The usual cause is wg.Add(1) called INSIDE the new goroutine:\n"+
		"if the caller reaches wg.Wait() before the goroutine has run its Add, the counter is still 0 and\n"+
		"Wait returns at once. Call wg.Add before the go statement (or use wg.Go).\n"
	if held != "both functions" {
		still = held + " was"
		cause = "It waited for one function but not for " + held + ": with one function run on the calling goroutine\n" +
			"(or on its own goroutine), RunBoth must still wait for the other one's goroutine to end\n" +
			"(wg.Add(2) before the go statements, wg.Wait() before returning; or a done channel).\n"
	}
	return "RunBoth returned while " + still + " still blocked (trial " + itoa(trial) + " of " + itoa(trials) +
		", functions finished: " + itoa(int(finished)) + ").\n" + cause +
		"See the README, \"Waiting for goroutines\"."
}
