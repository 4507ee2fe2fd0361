package leaks_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing/synctest"
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

		release := sync.OnceFunc(func() { close(late) })
		DeferCleanup(release)
		bounded, cancel := context.WithTimeout(ctx, bound)
		defer cancel()
		var got string
		var err error
		returnsWithin("FirstAnswer did not return within 2 s although replica \"b\" answers at once: it waits for the\n"+
			"slow replicas (or ignores ctx). Return the first answer as it arrives (README, \"Task 1: FirstAnswer\")", func() {
			got, err = leaks.FirstAnswer(bounded, slow("a"), func() string { return "b" }, slow("c"))
		})
		release() // now the two slow replicas answer, after FirstAnswer has returned
		Expect(err).NotTo(HaveOccurred(), "replica \"b\" answers at once; the others answer only after FirstAnswer returns, so it must not wait for them")
		Expect(got).To(Equal("b"), "the first answer to arrive is b's")

		_, err = leaks.FirstAnswer(ctx)
		Expect(err).To(MatchError(ContainSubstring("no replicas")), "no replicas is an error")
		Expect(func() {
			//lint:ignore SA1012 a nil context is the bad input under test
			_, err = leaks.FirstAnswer(nil, func() string { return "x" }) //nolint:staticcheck
		}).NotTo(Panic(), "FirstAnswer(nil, replica) panicked (ctx.Done() on a nil ctx): a nil ctx is an error, not a panic.\n"+
			"Check ctx == nil first, before starting anything, and return an error that names it (leaks.go, FirstAnswer)")
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil ctx is an error that names the argument, not a panic")

		later := make(chan struct{})
		releaseLater := sync.OnceFunc(func() { close(later) })
		DeferCleanup(releaseLater)
		cancelled, cancelNow := context.WithCancel(ctx)
		cancelNow()
		returnsWithin("FirstAnswer, with a ctx already done and a replica that never answers, did not return within 2 s:\n"+
			"select on ctx.Done() too, and return ctx's error (README, \"Task 1: FirstAnswer\")", func() {
			_, err = leaks.FirstAnswer(cancelled, func() string { <-later; return "x" })
		})
		releaseLater() // the replica answers after FirstAnswer gave up on it
		Expect(err).To(MatchError(context.Canceled), "a done ctx before any answer: return its error")

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))

	It("returns the first answer at once, without waiting for the replicas that have not answered", func(SpecContext) {
		harness.Virtual(func() {
			late := make(chan struct{})
			defer close(late)
			slow := func() string { <-late; return "slow" }
			answer := make(chan string, 1)
			go func() {
				got, _ := leaks.FirstAnswer(context.Background(), slow, func() string { return "b" }, slow)
				answer <- got
			}()
			synctest.Wait() // FirstAnswer has returned, or it is blocked for good
			select {
			case got := <-answer:
				Expect(got).To(Equal("b"), "the first answer to arrive is b's")
			default:
				Fail("FirstAnswer was still blocked after replica \"b\" had answered, while the two others wait for it to\n" +
					"return: it waits for every answer. Return the first one as it arrives (README, \"Task 1: FirstAnswer\")")
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns ctx's error as soon as ctx is done, while no replica has answered", func(SpecContext) {
		harness.Virtual(func() {
			never := make(chan struct{})
			defer close(never)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errs := make(chan error, 1)
			go func() {
				_, err := leaks.FirstAnswer(ctx, func() string { <-never; return "x" })
				errs <- err
			}()
			synctest.Wait() // FirstAnswer waits for its replica
			cancel()
			synctest.Wait() // FirstAnswer has returned, or it is blocked for good
			select {
			case err := <-errs:
				Expect(err).To(MatchError(context.Canceled), "ctx was cancelled before any answer: return ctx.Err()")
			default:
				Fail("FirstAnswer was still blocked after its ctx was cancelled, with no answer in: it waits only for the\n" +
					"replicas. Select on ctx.Done() too, and return ctx.Err() (README, \"Task 1: FirstAnswer\")")
			}
		})
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

	It("leaves r open when it reads to the end, even when ctx is cancelled after it returned", func(SpecContext) {
		harness.Virtual(func() {
			r := newEndReader("the whole page", nil, nil)
			data, err := leaks.ReadAll(context.Background(), r)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(Equal("the whole page"))
			Expect(r.closesStarted.Load()).To(BeZero(), "ReadAll read r to the end, and closed it: the caller still owns r then,\n"+
				"only a ctx done before the end closes it (README, \"Task 2: ReadAll\")")

			ctx, cancel := context.WithCancel(context.Background())
			r = newEndReader("the whole page", nil, nil)
			data, err = leaks.ReadAll(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(Equal("the whole page"))
			Expect(r.closesStarted.Load()).To(BeZero(), "ReadAll read r to the end, and closed it: the caller still owns r then")
			cancel()
			synctest.Wait() // a watcher left registered has run now
			Expect(r.closesStarted.Load()).To(BeZero(), "ctx was cancelled after ReadAll had returned the whole page, and r was closed then:\n"+
				"the watcher outlived ReadAll. Call the stop function of context.AfterFunc before returning\n"+
				"(README, \"Task 2: ReadAll\")")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("when ctx is done just as the read ends: r closed and ctx's error, or r open and no error, and no Close after it returns", func(SpecContext) {
		harness.Virtual(func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			gate := make(chan struct{}) // holds r.Close until ReadAll has returned, or waits
			r := newEndReader("the whole page", cancel, gate)
			type result struct {
				data        []byte
				err         error
				closesEnded int64
			}
			done := make(chan result, 1)
			go func() {
				data, err := leaks.ReadAll(ctx, r)
				done <- result{data, err, r.closesEnded.Load()}
			}()
			synctest.Wait() // ReadAll has returned, or it waits for the Close held at the gate
			close(gate)
			res := <-done
			synctest.Wait() // a Close still running when ReadAll returned has ended now
			Expect(string(res.data)).To(Equal("the whole page"), "every byte was read before the end: return them all")
			if res.err == nil {
				Expect(r.closesStarted.Load()).To(BeZero(), "ReadAll returned the whole page with no error, and r was closed by its watcher,\n"+
					"which ctx (done as the last Read returned) had started: stop() returned false and ReadAll did not\n"+
					"wait. The caller owns r again and finds it closed. When stop() returns false, wait for the watcher\n"+
					"and return ctx's error (README, \"Task 2: ReadAll\", \"defer stop() alone leaves a race\")")
				return
			}
			Expect(res.err).To(MatchError(context.Canceled), "r was closed because ctx was done: the error is ctx's (wrapped is fine)")
			Expect(res.closesEnded).To(Equal(int64(1)), "ReadAll returned ctx's error while the watcher's r.Close() was still running:\n"+
				"wait for it (a channel it closes) before returning (README, \"Task 2: ReadAll\")")
		})
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

		for _, interval := range []time.Duration{0, -time.Millisecond} {
			_, err = leaks.Process(items, interval, report)
			Expect(err).To(MatchError(ContainSubstring("interval")), "an interval <= 0 is an error (time.NewTicker would panic): got none for %v", interval)
		}

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))

	It("calls progress while it works, from another goroutine, and waits for a call in flight before it returns", func(SpecContext) {
		noLeak := leakCheck("Process", "Task 3: Process")
		// So that the reporter runs while Process works, not only in its
		// gaps: a count shared without synchronisation is then raced every run.
		harness.AtLeastTwoProcs()
		// The first tick must come while Process works: with a 1 ns interval
		// it does as soon as the reporter gets a turn; more items give it more
		// turns, until one came.
		var p *progressProbe
		var items []string
		for n := 1 << 12; n <= 1<<20; n *= 4 {
			items = lowerItems(n)
			p = newProgressProbe(n)
			got, err := leaks.Process(items, time.Nanosecond, p.progress)
			p.afterReturn()
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(HaveLen(n), "one result per item")
			Expect(got[n-1]).To(Equal("REALPYTHON"))
			if p.held.Load() {
				break
			}
		}
		Expect(p.held.Load()).To(BeTrue(), "Process worked through %d items with an interval of 1 ns and never called progress:\n"+
			"a reporter goroutine must call it on every tick while Process works (README, \"Task 3: Process\")", len(items))
		Expect(p.sameGoroutine.Load()).To(BeFalse(), "progress was called on the goroutine that called Process: call it from another goroutine,\n"+
			"on the ticks of the ticker, while Process works (README, \"Task 3: Process\")")
		Expect(p.holdTimedOut.Load()).To(BeFalse(), "a progress call was held %v while Process neither returned nor waited: Process seems stuck", holdBound)
		Expect(p.heldAtReturn.Load()).To(BeFalse(), "Process returned while a progress call it had made was still running: the reporter was told to\n"+
			"stop but not waited for, so progress runs after Process has returned. Wait for the reporter to end\n"+
			"(a done channel it closes) before returning (README, \"Task 3: Process\")")
		Expect(p.late.Load()).To(BeZero(), "progress was called after Process had returned (README, \"Task 3: Process\")")
		Expect(p.badCount.Load()).To(BeZero(), "progress got the count %d, outside 0..%d or smaller than the one before: pass the number of items done so far", p.badCount.Load()-1, len(items))

		for range 3 { // a nil progress is never called, not even on a tick
			_, err := leaks.Process(items, time.Nanosecond, nil)
			Expect(err).NotTo(HaveOccurred())
		}
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
		for _, c := range []struct {
			a, b  []int
			which string
		}{{[]int{1, 2}, []int{1, 2, 0}, "a"}, {[]int{1, 2, 0}, []int{1, 2}, "b"}, {nil, []int{0}, "a"}} {
			Expect(leaks.Equal(seq(c.a...), seq(c.b...))).To(BeFalse(), "Equal(%v, %v) = true: %s is shorter, and the other's next value is 0, the value next\n"+
				"returns (with ok false) once its sequence has ended. Compare the two oks too: one sequence ended\n"+
				"and the other did not, so they differ (README, \"Task 4: Equal\")", c.a, c.b, c.which)
		}

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
		Expect(pulled.Load()).To(BeNumerically("<=", 4), "they differ at the fourth value: Equal stops there, it must not read the rest of a sequence")

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
		var sum int
		var err error
		returnsWithin("SumSquares(1..100, 4 workers) did not return within 2 s: its goroutines are blocked. With 100 numbers and\n"+
			"4 workers, every job and every result needs room (buffers of len(nums)) or a reader (README, \"Task 5: SumSquares\")", func() {
			sum, err = leaks.SumSquares(nums, 4)
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(338_350), "1² + 2² + … + 100²")

		sum, err = leaks.SumSquares(nil, 3)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(BeZero(), "no numbers sum to 0")

		for _, w := range []int{0, -2} {
			returnsWithin(fmt.Sprintf("SumSquares(1..100, %d workers) did not return within 2 s: it started no worker, so nobody takes\n"+
				"the jobs and it waits for ever for the first result. workers <= 0 is an error: check it before\n"+
				"starting anything (leaks.go, SumSquares; README, \"Task 5: SumSquares\")", w), func() {
				_, err = leaks.SumSquares(nums, w)
			})
			Expect(err).To(MatchError(ContainSubstring("workers")), "workers = %d is an error that names the argument", w)
		}

		noLeak()
	}, SpecTimeout(harness.SpecTimeout))
})
