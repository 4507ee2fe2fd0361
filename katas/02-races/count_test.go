package races_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/02-races"
)

// The original program: 5000 threads, each adding 1 to a shared counter 100
// times. Expected: 500,000.
const (
	goroutines = 5000
	increments = 100
	expected   = goroutines * increments
)

// bigCountTimeout is the budget of the 500,000-increment specs: half a
// million lock hand-offs or channel sends take a few seconds under -race on
// an idle machine, and several times that on a loaded one.
const bigCountTimeout = time.Minute

func itoa(n int) string { return strconv.Itoa(n) }

// exclusive is the failure text for a counter whose calls overlapped.
func exclusive(overlaps int64) string {
	return "The counter was called by one goroutine while another goroutine's call was still in progress\n" +
		"(" + strconv.FormatInt(overlaps, 10) + " times). The first call was held open for a moment: with the whole\n" +
		"increment locked, no other goroutine could have reached the counter meanwhile.\n" +
		"An increment is a Load and a Store; if only the Store (or nothing) is locked, two goroutines\n" +
		"load the same value and one update is lost. Lock around both:\n" +
		"    mu.Lock(); c.Store(c.Load() + 1); mu.Unlock()\n" +
		"See the README, \"Lock the whole increment\"."
}

var _ = Describe("Task 2: CountWithMutex", func() {
	It("counts 5000 goroutines × 100 increments to exactly 500,000", func(SpecContext) {
		c := &plainCounter{}
		Expect(races.CountWithMutex(c, goroutines, increments)).To(Succeed(), "valid arguments: no error")
		Expect(c.x).To(Equal(expected),
			"5000 × 100 increments must give 500,000; fewer means lost updates (a race) or goroutines not waited for.\n"+
				"See the README, \"Why x = x + 1 loses updates\".")
	}, SpecTimeout(bigCountTimeout))

	It("lets no goroutine reach the counter while another is in the middle of an increment", func(SpecContext) {
		c := newWatchedCounter()
		Expect(races.CountWithMutex(c, 50, increments)).To(Succeed(), "valid arguments: no error")
		Expect(c.overlaps.Load()).To(BeZero(), exclusive(c.overlaps.Load()))
		Expect(c.value()).To(Equal(50*increments), "50 × 100 increments must give 5,000: fewer means lost updates or goroutines not waited for")
	}, SpecTimeout(harness.SpecTimeout))

	It("adds one per increment to the count already there: one Load and one Store each", func(SpecContext) {
		expectOneLoadAndStoreEach("CountWithMutex", races.CountWithMutex, false,
			"8 goroutines × 25 increments: expected 200 calls of c.Load and 200 of c.Store, one each per increment; saw %d and %d.\n"+
				"Each increment is c.Store(c.Load() + 1) under the lock: adding a goroutine's share at once, or counting in a\n"+
				"local variable and storing the total, gets the right number without being the counter. See the README, \"The counter\".")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns only after every goroutine has ended: the last increment held open", func(SpecContext) {
		expectWaitsForLastIncrement("CountWithMutex", races.CountWithMutex, false)
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil counter, fewer than 1 goroutine and negative increments", func(SpecContext) {
		Expect(races.CountWithMutex(nil, 1, 0)).To(MatchError(ContainSubstring("nil")),
			"a nil Counter must be rejected before anything starts, even when there is nothing to count (0 increments):\n"+
				"check c == nil first; with increments > 0 your goroutines would panic on c.Load()")
		Expect(races.CountWithMutex(nil, 2, 2)).To(MatchError(ContainSubstring("nil")), "say that the Counter is nil")
		c := newWatchedCounter()
		Expect(races.CountWithMutex(c, 0, 2)).To(MatchError(ContainSubstring("goroutines")), "name the argument that is wrong")
		Expect(races.CountWithMutex(c, -3, 2)).To(MatchError(ContainSubstring("goroutines")), "name the argument that is wrong")
		Expect(races.CountWithMutex(c, 2, -1)).To(MatchError(ContainSubstring("increments")), "name the argument that is wrong")
		Expect(c.first.Load()).To(BeFalse(), "check the arguments before touching the counter")
		Expect(races.CountWithMutex(c, 3, 0)).To(Succeed(), "zero increments is a valid, empty job")
		Expect(c.value()).To(BeZero(), "zero increments leave the counter at 0")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 3: CountWithAtomic", func() {
	It("counts 5000 goroutines × 100 increments to exactly 500,000", func(SpecContext) {
		n, err := races.CountWithAtomic(goroutines, increments)
		Expect(err).NotTo(HaveOccurred(), "valid arguments: no error")
		Expect(n).To(Equal(int64(expected)),
			"5000 × 100 atomic increments must give 500,000; fewer means lost updates: a plain n++, or a\n"+
				"Load followed by a Store (two atomic steps are not one). Use one Add(1) per increment.\n"+
				"See the README, \"Atomics\".")
	}, SpecTimeout(bigCountTimeout))

	It("counts a few long-running goroutines exactly: 4 × 500,000, each pre-empted mid-run", func(SpecContext) {
		// Few goroutines with long loops: the scheduler pre-empts each many
		// times in the middle of its loop, on any GOMAXPROCS, so an increment
		// made of two steps loses updates in every run.
		n, err := races.CountWithAtomic(4, 500_000)
		Expect(err).NotTo(HaveOccurred(), "valid arguments: no error")
		Expect(n).To(Equal(int64(2_000_000)),
			"4 goroutines × 500,000 atomic increments must give 2,000,000; fewer means lost updates: a Load followed by a\n"+
				"Store (two atomic steps are not one: the scheduler can pre-empt a goroutine between them), a plain n++,\n"+
				"or a count read before every goroutine has ended (wg.Wait first, then Load). Use one Add(1) per increment.\n"+
				"See the README, \"Atomics\".")
	}, SpecTimeout(bigCountTimeout))

	It("counts small jobs exactly too: 1 goroutine, 7 goroutines × 3, and zero increments", func(SpecContext) {
		for _, job := range [][2]int{{1, 1}, {7, 3}, {4, 0}} {
			n, err := races.CountWithAtomic(job[0], job[1])
			Expect(err).NotTo(HaveOccurred(), "%d goroutines × %d increments are valid arguments", job[0], job[1])
			Expect(n).To(Equal(int64(job[0]*job[1])), "%d goroutines × %d increments", job[0], job[1])
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects fewer than 1 goroutine and negative increments", func(SpecContext) {
		_, err := races.CountWithAtomic(0, 2)
		Expect(err).To(MatchError(ContainSubstring("goroutines")), "name the argument that is wrong")
		_, err = races.CountWithAtomic(2, -1)
		Expect(err).To(MatchError(ContainSubstring("increments")), "name the argument that is wrong")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: CountConfined", func() {
	It("counts 5000 goroutines × 100 increments to exactly 500,000", func(SpecContext) {
		// Inside the bubble a channel never closed (the owner's range never
		// ends) is reported at once as a deadlock, not after a timeout.
		harness.Virtual(func() {
			c := &plainCounter{}
			Expect(races.CountConfined(c, goroutines, increments)).To(Succeed(), "valid arguments: no error")
			Expect(c.x).To(Equal(expected),
				"every increment sent must be applied before CountConfined returns: close the channel after the\n"+
					"senders are done, and wait for the owner to drain it. See the README, \"Confinement\".")
		})
	}, SpecTimeout(bigCountTimeout))

	It("has the owner apply each request as one increment, to the count already there", func(SpecContext) {
		expectOneLoadAndStoreEach("CountConfined", races.CountConfined, true,
			"8 goroutines × 25 requests: expected the owner to call c.Load 200 times and c.Store 200 times, once each per\n"+
				"request as it receives it; saw %d and %d. An owner that counts the requests in a local variable and\n"+
				"stores the total at the end gets the right number, but c is not the counter any more. See the README, \"Confinement\".")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns only after the owner has applied the last increment and ended", func(SpecContext) {
		expectWaitsForLastIncrement("CountConfined", races.CountConfined, true)
	}, SpecTimeout(harness.SpecTimeout))

	It("touches the counter from one goroutine only, the owner", func(SpecContext) {
		c := newOwnedCounter()
		Expect(races.CountConfined(c, 100, increments)).To(Succeed(), "valid arguments: no error")
		Expect(c.ownerCount()).To(Equal(1),
			"%d goroutines called Load or Store; confinement means exactly one goroutine (the owner) ever does.\n"+
				"The senders must not touch the counter, not even under a lock: they send a request on a\n"+
				"channel, and the owner applies it. See the README, \"Confinement\".", c.ownerCount())
		Expect(c.overlaps.Load()).To(BeZero(), exclusive(c.overlaps.Load()))
		Expect(c.value()).To(Equal(100*increments), "100 × 100 increments must give 10,000: every request sent must be applied before CountConfined returns")
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil counter, fewer than 1 goroutine and negative increments", func(SpecContext) {
		Expect(races.CountConfined(nil, 1, 0)).To(MatchError(ContainSubstring("nil")),
			"a nil Counter must be rejected before anything starts, even when there is nothing to count (0 increments):\n"+
				"check c == nil first; with increments > 0 the owner would panic on c.Load()")
		Expect(races.CountConfined(nil, 2, 2)).To(MatchError(ContainSubstring("nil")), "say that the Counter is nil")
		c := newWatchedCounter()
		Expect(races.CountConfined(c, 0, 2)).To(MatchError(ContainSubstring("goroutines")), "name the argument that is wrong")
		Expect(races.CountConfined(c, 2, -1)).To(MatchError(ContainSubstring("increments")), "name the argument that is wrong")
		Expect(c.first.Load()).To(BeFalse(), "check the arguments before touching the counter")
		Expect(races.CountConfined(c, 3, 0)).To(Succeed(), "zero increments is a valid, empty job")
		Expect(c.value()).To(BeZero(), "zero increments leave the counter at 0")
	}, SpecTimeout(harness.SpecTimeout))
})
