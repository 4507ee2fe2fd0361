package loop

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotRunning is returned (wrapped) by a Task's methods when they are not
// called by that task's own body while it runs: on a finished task, on
// another task's handle, or outside the loop.
var ErrNotRunning = errors.New("not called from the running task")

// ErrStopped is returned (wrapped, together with the cause) by Yield, Sleep
// and Await when the loop is stopping: its context was cancelled, or another
// task panicked. A task that gets it must return at once.
var ErrStopped = errors.New("the loop is stopping")

// A Task is the handle a task body receives. Its methods may be called only
// by that body, while it runs; they are not safe for use from any other
// goroutine or task.
type Task struct {
	name   string
	loop   *Loop
	body   func(*Task) error
	future *Future // resolved with the body's result when the task ends

	next  func() (request, bool) // resumes the coroutine; nil until it first runs
	stop  func()
	yield func(request) bool

	err      error // what the body returned
	panicked any   // what the body panicked with, if it did
	stack    []byte
	finished bool

	deadline time.Time // while sleeping
	order    uint64    // when it went to sleep: ties wake first-come first-served
}

// kind says why a task gave control back to the loop.
type kind int

const (
	kindYield kind = iota
	kindSleep
	kindAwait
)

// A request is what a task hands the loop when it suspends.
type request struct {
	kind kind
	a    Awaitable
}

// Name returns the name the task was spawned with.
func (t *Task) Name() string { return t.name }

// Loop returns the loop the task runs on, to Spawn more tasks from a body.
func (t *Task) Loop() *Loop { return t.loop }

// Context returns the context of the running loop: it is done when Run's
// context is, and when the loop stops for any other reason. Pass it to the
// I/O a task starts.
func (t *Task) Context() context.Context { return t.loop.ctx }

// Yield gives control back to the loop: the task goes to the back of the
// ready list, and every task that was ready before it runs first. It is
// asyncio's `await asyncio.sleep(0)`. It returns an error wrapping
// ErrStopped if the loop is stopping (return it), or ErrNotRunning if t is
// not the running task.
func (t *Task) Yield() error { return t.suspend("Yield", request{kind: kindYield}) }

// Sleep suspends the task for d, on the clock of time.Now (virtual time
// inside a synctest bubble). Other tasks run meanwhile; the loop blocks if
// none is ready. Sleep(d) with d <= 0 is Yield. Errors as for Yield.
func (t *Task) Sleep(d time.Duration) error {
	if d <= 0 {
		return t.suspend("Sleep", request{kind: kindYield})
	}
	if err := t.check("Sleep"); err != nil {
		return err
	}
	t.deadline = time.Now().Add(d)
	return t.suspend("Sleep", request{kind: kindSleep})
}

// Await suspends the task until a is done, letting other tasks run. If a
// is done already, Await returns at once, without a switch. It returns nil
// when a is done: read a's result then (Future.Err, Call.Body). Errors as
// for Yield; a nil a is an error.
func (t *Task) Await(a Awaitable) error {
	if err := t.check("Await"); err != nil {
		return err
	}
	if a == nil {
		return fmt.Errorf("loop: task %q: Await(nil): nothing to wait for; pass a *Future, a *web.Call or a context", t.name)
	}
	select {
	case <-a.Done():
		return nil
	default:
	}
	return t.suspend("Await", request{kind: kindAwait, a: a})
}

// RunInExecutor runs fn on a goroutine of its own, off the loop, and returns
// a Future resolved with fn's error when fn returns: Await it. This is how a
// task calls a function that blocks (a legacy library, a CPU-heavy
// computation) without stalling every other task: asyncio's
// loop.run_in_executor. fn receives the loop's context and must return soon
// after it is done: Run does not return before every fn it started has.
func (t *Task) RunInExecutor(fn func(ctx context.Context) error) *Future {
	f := NewFuture()
	if err := t.check("RunInExecutor"); err != nil {
		f.Resolve(err)
		return f
	}
	if fn == nil {
		f.Resolve(fmt.Errorf("loop: task %q: RunInExecutor(nil): no function to run", t.name))
		return f
	}
	l := t.loop
	l.executors.Add(1)
	go func() {
		defer l.executors.Done()
		f.Resolve(fn(l.ctx))
	}()
	return f
}

// check returns an error if t is not the running task.
func (t *Task) check(method string) error {
	if t == nil {
		return fmt.Errorf("loop: %s on a nil *Task: %w", method, ErrNotRunning)
	}
	if t.loop.current == t {
		return nil
	}
	if t.finished {
		return fmt.Errorf("loop: %s on task %q, which has finished: %w (keep the *Task inside its own body)", method, t.name, ErrNotRunning)
	}
	return fmt.Errorf("loop: %s on task %q, which is not the task running now: %w (call it only from the task's own body)", method, t.name, ErrNotRunning)
}

// suspend hands r to the loop and returns when the loop resumes the task.
func (t *Task) suspend(method string, r request) error {
	if err := t.check(method); err != nil {
		return err
	}
	if t.loop.stopErr != nil || !t.yield(r) {
		// The loop called stop: yield returns false, and the body must
		// unwind.
		return fmt.Errorf("loop: task %q: %w", t.name, t.loop.stopErr)
	}
	return nil
}

// coroutine is the task as an iter.Seq: the body runs inside it, and every
// suspension is a yield to the loop. A panic is caught here, with the
// task's own stack, and reported by the loop.
func (t *Task) coroutine(yield func(request) bool) {
	t.yield = yield
	defer func() {
		if r := recover(); r != nil {
			t.panicked = r
			t.stack = stack()
		}
	}()
	t.err = t.body(t)
}
