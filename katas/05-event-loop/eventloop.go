// Package eventloop is kata 05: a cooperative event loop, built by you.
//
// A Loop runs tasks one at a time on the goroutine that calls Run. A task
// runs until it gives control back with Yield, Sleep or Await; the loop then
// runs the task that has been ready longest. Python's asyncio works this way;
// so will yours.
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=5`.
//
// Who may call what: Spawn and Run belong to the goroutine that owns the
// loop (task bodies run on the loop, so they may Spawn too); a *Task's
// methods belong to that task's own body; a Future may be resolved from any
// goroutine.
package eventloop

import (
	"context"
	"errors"
	"time"
)

// ErrNotRunning is returned (wrapped) by a Task's methods when they are not
// called by that task's own body while it runs: on a finished task, on
// another task's handle, or outside the loop. The error names the task,
// quoted (task "first"), and, for a task that has ended, says it has
// finished.
var ErrNotRunning = errors.New("not called from the running task")

// ErrStopped is returned (wrapped, together with the cause) by Yield, Sleep
// and Await when the loop is stopping: its context is done, or another task
// panicked. A task that gets it must return at once.
var ErrStopped = errors.New("the loop is stopping")

// An Awaitable is anything a task can Await: it is done when the channel
// returned by Done is closed. *Future, *web.Call and context.Context
// are Awaitables.
type Awaitable interface {
	Done() <-chan struct{}
}

// A Future is a result that will be ready later: a task awaits it, and any
// goroutine resolves it. Make one with NewFuture; the zero value is not
// usable. A Future is safe for concurrent use.
//
// A Future carries an error only. A value travels beside it: whoever
// resolves the future writes the value first (somewhere both sides can see),
// then calls Resolve; the task reads the value after Await returns.
//
// Task 4.
type Future struct {
	// your fields here
}

// NewFuture returns a Future that is not resolved yet.
//
// Task 4.
func NewFuture() *Future {
	panic("NewFuture is not implemented yet: see README, task 4")
}

// Resolve completes the future with err (nil for success) and wakes every
// task that awaits it. Only the first call counts: Resolve reports whether
// this call was it. Resolve may be called from any goroutine.
//
// Task 4.
func (f *Future) Resolve(err error) bool {
	panic("Future.Resolve is not implemented yet: see README, task 4")
}

// Done returns a channel that is closed when the future is resolved.
//
// Task 4.
func (f *Future) Done() <-chan struct{} {
	panic("Future.Done is not implemented yet: see README, task 4")
}

// Err returns the error the future was resolved with. Read it after Done is
// closed (after Await returned nil); before that it returns nil.
//
// Task 4.
func (f *Future) Err() error {
	panic("Future.Err is not implemented yet: see README, task 4")
}

// A Task is the handle a task body receives. Its methods may be called only
// by that body, while it runs; they are not safe for use from any other
// goroutine or task.
type Task struct {
	// your fields here
}

// Name returns the name the task was spawned with.
//
// Task 1.
func (t *Task) Name() string {
	panic("Task.Name is not implemented yet: see README, task 1")
}

// Loop returns the loop the task runs on, so a body can Spawn more tasks.
//
// Task 1.
func (t *Task) Loop() *Loop {
	panic("Task.Loop is not implemented yet: see README, task 1")
}

// Context returns the context of the running loop: it is done when Run's
// context is, with that context's error (context.DeadlineExceeded after a
// deadline), and when the loop stops for any other reason. Pass it to the
// I/O a task starts.
//
// Task 5.
func (t *Task) Context() context.Context {
	panic("Task.Context is not implemented yet: see README, task 5")
}

// Yield gives control back to the loop: the task goes to the back of the
// ready list, and every task that was ready before it runs first. It is
// asyncio's `await asyncio.sleep(0)`. It returns nil when the task is
// resumed; an error wrapping ErrStopped if the loop is stopping (the body
// must then return); an error wrapping ErrNotRunning if t is not the task
// running now.
//
// Task 2.
func (t *Task) Yield() error {
	panic("Task.Yield is not implemented yet: see README, task 2")
}

// Sleep suspends the task for d, on the clock of time.Now (virtual time
// inside a synctest bubble). Other tasks run meanwhile; the loop blocks,
// without spinning, if none is ready. Sleep(d) with d <= 0 is Yield. Errors
// as for Yield.
//
// Task 3.
func (t *Task) Sleep(d time.Duration) error {
	panic("Task.Sleep is not implemented yet: see README, task 3")
}

// Await suspends the task until a is done, letting other tasks run. If a
// is done already, Await returns at once, without a switch. It returns nil
// when a is done: read a's result then (Future.Err, Call.Body). Errors as
// for Yield; a nil a is an error that says nil.
//
// Task 4.
func (t *Task) Await(a Awaitable) error {
	panic("Task.Await is not implemented yet: see README, task 4")
}

// A Loop runs tasks cooperatively on the goroutine that calls Run. The zero
// value is an empty loop, ready to use. Spawn and Run are not safe for
// concurrent use: call them from the goroutine that owns the loop, or from a
// task body (which runs on the loop).
type Loop struct {
	// your fields here: a ready list, a waiting list...
}

// Spawn adds a task to the back of the ready list and returns a Future
// resolved with the body's error when the task ends (with an error wrapping
// ErrStopped if it was stopped before its end). name appears in errors. The
// body runs when Run reaches it, not before. A nil body is an error that
// says nil (and no Future is returned), and so is Spawn on a loop that is
// stopping.
//
// Task 1.
func (l *Loop) Spawn(name string, body func(t *Task) error) (*Future, error) {
	panic("Loop.Spawn is not implemented yet: see README, task 1")
}

// Run runs the tasks until none is left, then returns the errors the tasks
// returned (errors.Join, each wrapped with its task's quoted name, as in
// task "first": ...), or nil. Tasks spawned while it runs are run too. A task's returned error does not stop the others.
//
// Run stops early when ctx is done, returning an error that wraps ctx.Err(),
// or when a task panics, returning an error that names the task (quoted)
// and the panic value. Either way it first stops every unfinished task (their Yield, Sleep
// or Await returns an error wrapping ErrStopped and their deferred calls
// run; tasks that never started never run) and ends every goroutine it
// started, so nothing outlives it. A nil ctx is an error that says nil;
// calling Run from a task is an error that says the loop is "already
// running".
//
// Task 1 (and every task after it).
func (l *Loop) Run(ctx context.Context) error {
	panic("Loop.Run is not implemented yet: see README, task 1")
}
