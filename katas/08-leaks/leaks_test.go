package leaks_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/08-leaks"
)

// bound is how long a spec waits for a function that should return at once
// before calling it stuck: a failure bound, never a synchronisation.
const bound = 2 * time.Second

var _ = Describe("Task 1: FirstAnswer", func() {
	It("returns the first answer, and the replicas that answer late can still finish", func(ctx SpecContext) {
		noLeak := leakCheck("FirstAnswer", "Task 1: FirstAnswer")
		late := make(chan struct{}) // the slow replicas answer once it is closed
		slow := func(answer string) func() string {
			return func() string { <-late; return answer }
		}

		bounded, cancel := context.WithTimeout(ctx, bound)
		defer cancel()
		got, err := leaks.FirstAnswer(bounded, slow("a"), func() string { return "b" }, slow("c"))
		close(late) // now the two slow replicas answer, after FirstAnswer has returned
		Expect(err).NotTo(HaveOccurred(), "replica \"b\" answers at once; the others answer only after FirstAnswer returns, so it must not wait for them")
		Expect(got).To(Equal("b"), "the first answer to arrive is b's")

		_, err = leaks.FirstAnswer(ctx)
		Expect(err).To(MatchError(ContainSubstring("no replicas")), "no replicas is an error")
		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = leaks.FirstAnswer(nil, func() string { return "x" }) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil ctx is an error that names the argument, not a panic")

		later := make(chan struct{})
		cancelled, cancelNow := context.WithCancel(ctx)
		cancelNow()
		_, err = leaks.FirstAnswer(cancelled, func() string { <-later; return "x" })
		close(later) // the replica answers after FirstAnswer gave up on it
		Expect(err).To(MatchError(context.Canceled), "a done ctx before any answer: return its error")

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 2: ReadAll", func() {
	It("reads to the end, stops a blocked read when ctx is cancelled, and leaves no watcher", func(ctx SpecContext) {
		noLeak := leakCheck("ReadAll", "Task 2: ReadAll")

		data, err := leaks.ReadAll(context.Background(), io.NopCloser(strings.NewReader("the whole page")))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(Equal("the whole page"))

		r, w := io.Pipe() // a Read blocks until the test writes, or until r is closed
		cancellable, cancel := context.WithCancel(context.Background())
		go func() {
			_, _ = w.Write([]byte("partial")) // returns once ReadAll has read it
			cancel()                          // then ReadAll is blocked on the next Read
		}()
		type result struct {
			data []byte
			err  error
		}
		done := make(chan result, 1)
		go func() { d, err := leaks.ReadAll(cancellable, r); done <- result{d, err} }()
		select {
		case res := <-done:
			Expect(res.err).To(MatchError(context.Canceled), "a cancelled ctx: return its error (wrapped is fine)")
			Expect(string(res.data)).To(Equal("partial"), "return what was read before the cancel")
		case <-time.After(bound):
			Fail("ReadAll was still blocked in Read 2 s after ctx was cancelled: close r when ctx is done (that is what unblocks a Read). See README, \"Task 2: ReadAll\"")
		}
		w.Close()

		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = leaks.ReadAll(nil, io.NopCloser(strings.NewReader(""))) //nolint:staticcheck
		Expect(err).To(HaveOccurred(), "a nil ctx is an error")
		_, err = leaks.ReadAll(context.Background(), nil)
		Expect(err).To(HaveOccurred(), "a nil reader is an error")

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 3: Process", func() {
	It("returns the items in upper case, and its progress reporter stops when it returns", func(ctx SpecContext) {
		noLeak := leakCheck("Process", "Task 3: Process")
		var calls atomic.Int64
		report := func(int) { calls.Add(1) }

		items := []string{"jython", "olympus", "dice", "realpython"}
		got, err := leaks.Process(items, time.Millisecond, report)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]string{"JYTHON", "OLYMPUS", "DICE", "REALPYTHON"}))

		empty, err := leaks.Process(nil, time.Millisecond, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(empty).To(BeEmpty())

		_, err = leaks.Process(items, 0, report)
		Expect(err).To(MatchError(ContainSubstring("interval")), "an interval <= 0 is an error (time.NewTicker would panic)")

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 4: Equal", func() {
	It("compares two sequences, stops at the first difference, and leaves no coroutine", func(ctx SpecContext) {
		noLeak := leakCheck("Equal", "Task 4: Equal")
		seq := func(xs ...int) func(func(int) bool) { return slices.Values(xs) }

		Expect(leaks.Equal(seq(1, 2, 3), seq(1, 2, 3))).To(BeTrue())
		Expect(leaks.Equal(seq(), seq())).To(BeTrue(), "two empty sequences are equal")
		Expect(leaks.Equal(seq(1, 2, 3, 4, 5), seq(1, 2, 9, 4, 5))).To(BeFalse(), "they differ at the third value")
		Expect(leaks.Equal(seq(1, 2), seq(1, 2, 3))).To(BeFalse(), "a is shorter")
		Expect(leaks.Equal(seq(1, 2, 3), seq(1, 2))).To(BeFalse(), "b is shorter")

		var pulled atomic.Int64
		counting := func(yield func(int) bool) {
			for i := range 1000 {
				pulled.Add(1)
				if !yield(i) {
					return
				}
			}
		}
		Expect(leaks.Equal(counting, seq(0, 1, 2, 99))).To(BeFalse())
		Expect(pulled.Load()).To(BeNumerically("<=", 5), "Equal stops at the first difference: it must not read the rest of a sequence")

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 5: SumSquares", func() {
	It("sums the squares with a pool of workers, and the workers end", func(ctx SpecContext) {
		noLeak := leakCheck("SumSquares", "Task 5: SumSquares")
		nums := make([]int, 100)
		for i := range nums {
			nums[i] = i + 1
		}
		sum, err := leaks.SumSquares(nums, 4)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(338_350), "1² + 2² + … + 100²")

		sum, err = leaks.SumSquares(nil, 3)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(BeZero(), "no numbers sum to 0")

		for _, w := range []int{0, -2} {
			_, err = leaks.SumSquares(nums, w)
			Expect(err).To(MatchError(ContainSubstring("workers")), "workers = %d is an error that names the argument", w)
		}

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})
