package eventloop_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	eventloop "github.com/concurrency-katas/go-katas/katas/05-event-loop"
)

var _ = Describe("Task 1: Spawn and Run", func() {
	It("runs each task to its end, in the order spawned, when no task yields", func(ctx SpecContext) {
		var l eventloop.Loop
		var lines []string
		spawn(&l, "do_first", func(*eventloop.Task) error {
			lines = append(lines, "do_first line 1", "do_first line 2")
			return nil
		})
		spawn(&l, "do_second", func(*eventloop.Task) error {
			lines = append(lines, "do_second line 1", "do_second line 2")
			return nil
		})
		Expect(lines).To(BeEmpty(), "Spawn only puts the task on the ready list: nothing runs before Run")
		Expect(l.Run(ctx)).To(Succeed(), "every task returned nil, so Run must return nil")
		Expect(lines).To(Equal([]string{"do_first line 1", "do_first line 2", "do_second line 1", "do_second line 2"}),
			"a task that never yields runs from start to end before the next one starts (README, \"The ready list\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("returns at once when there is no task", func(SpecContext) {
		virtual(func() {
			var l eventloop.Loop
			start := time.Now()
			Expect(runGuarded(&l, context.Background())).To(Succeed(), "every task returned nil, so Run must return nil")
			Expect(time.Since(start)).To(match.TakeExactly(0), "with nothing ready and nothing waiting, the loop is done")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("runs every task, then returns the errors they returned, each naming its task", func(ctx SpecContext) {
		errFirst, errThird := errors.New("first went wrong"), errors.New("third went wrong")
		var l eventloop.Loop
		ran := 0
		f1 := spawn(&l, "first", func(*eventloop.Task) error { ran++; return errFirst })
		f2 := spawn(&l, "second", func(*eventloop.Task) error { ran++; return nil })
		f3 := spawn(&l, "third", func(*eventloop.Task) error { ran++; return errThird })

		err := l.Run(ctx)
		Expect(ran).To(Equal(3), "an error returned by one task does not stop the others")
		Expect(err).To(MatchError(errFirst), "Run's error wraps each task's error (errors.Join)")
		Expect(err).To(MatchError(errThird), "Run's error wraps each task's error (errors.Join)")
		Expect(err.Error()).To(And(ContainSubstring(`"first"`), ContainSubstring(`"third"`)), "name the task of each error, quoted")
		Expect(err.Error()).NotTo(ContainSubstring(`"second"`), "the task that succeeded is not an error")
		Expect(f1.Err()).To(MatchError(errFirst), "a task's Future is resolved with what its body returned")
		Expect(f2.Err()).NotTo(HaveOccurred(), "a task that returned nil has a Future resolved with nil")
		Expect(f3.Err()).To(MatchError(errThird), "a task's Future is resolved with what its body returned")
		Expect(f1.Done()).To(BeClosed(), "the Future of a finished task is done")
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects a nil body, a nil context and a Run from inside a task, with clear errors", func(ctx SpecContext) {
		var l eventloop.Loop
		f, err := l.Spawn("nothing", nil)
		Expect(err).To(MatchError(ContainSubstring("nil")), "a nil task body is an error that says so")
		Expect(f).To(BeNil(), "a task that was refused has no Future")

		Expect(l.Run(nil)).To(MatchError(ContainSubstring("nil")), "Run(nil) is an error that says so")

		var inner error
		innerReturned := false
		spawn(&l, "nested", func(t *eventloop.Task) error {
			inner = t.Loop().Run(ctx)
			innerReturned = true
			return nil
		})
		var outer error
		outerPanic := func() (r any) {
			defer func() { r = recover() }()
			outer = l.Run(ctx)
			return nil
		}()
		Expect(innerReturned && inner != nil && outerPanic == nil).To(BeTrue(), func() string {
			outerDid := fmt.Sprintf("returned %v", outer)
			if outerPanic != nil {
				outerDid = fmt.Sprintf("panicked: %v", outerPanic)
			}
			return fmt.Sprintf("a Run called from inside a task returned %v (and the outer Run %s). Run inside a task\n"+
				"would run a loop inside the loop, over the same lists: it must refuse at once with an error\n"+
				"that says the loop is \"already running\" (Python: \"This event loop is already running\"),\n"+
				"and change nothing. Keep a running flag in the Loop, set by Run (README, Task 1)",
				inner, outerDid)
		})
		Expect(inner).To(MatchError(ContainSubstring("already running")),
			"Run inside a task would run a loop inside the loop (Python: \"This event loop is already running\")")
		Expect(outer).To(Succeed(), "every task returned nil, so Run must return nil")
	}, SpecTimeout(harness.SpecTimeout))
})
