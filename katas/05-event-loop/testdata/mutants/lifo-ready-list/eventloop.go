// mutant: takes the newest ready task first (a stack), not the one that has waited longest
// killed-by: runs ready tasks first in, first out

// Package eventloop is kata 05: a cooperative event loop, built by you.
//
// This is the reference solution. (harness/loop is the same loop, plus
// RunInExecutor, for kata 06 to use.)
//
// A Loop runs tasks one at a time on the goroutine that calls Run. A task
// runs until it gives control back with Yield, Sleep or Await; the loop then
// runs the task that has been ready longest. Spawn and Run belong to the
// goroutine that owns the loop (task bodies run on the loop, so they may
// Spawn too); a *Task's methods belong to that task's own body; a Future may
// be resolved from any goroutine.
package eventloop

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

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
// A Future carries an error only. A value travels beside it: the goroutine
// that resolves the future writes the value first (into a variable both
// sides can see), then calls Resolve; the task reads the value after Await
// returns. Resolve happens before Await returns, so this is race-free.
type Future struct {
	once sync.Once
	done chan struct{}
	err  error
}

// NewFuture returns a Future that is not resolved yet.
func NewFuture() *Future { return &Future{done: make(chan struct{})} }

// Resolve completes the future with err (nil for success) and wakes every
// task that awaits it. Only the first call counts: Resolve reports whether
// this call was it. Resolve may be called from any goroutine.
func (f *Future) Resolve(err error) bool {
	first := false
	f.once.Do(func() {
		f.err = err
		close(f.done)
		first = true
	})
	return first
}

// Done returns a channel that is closed when the future is resolved.
func (f *Future) Done() <-chan struct{} { return f.done }

// Err returns the error the future was resolved with. Read it after Done is
// closed (after Await returned nil); before that it returns nil.
func (f *Future) Err() error {
	select {
	case <-f.done:
		return f.err
	default:
		return nil
	}
}

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
// context is, with that context's error (context.DeadlineExceeded after a
// deadline), and when the loop stops for any other reason. Pass it to the
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
		return fmt.Errorf("eventloop: task %q: Await(nil): nothing to wait for; pass a *Future, a *web.Call or a context", t.name)
	}
	select {
	case <-a.Done():
		return nil
	default:
	}
	return t.suspend("Await", request{kind: kindAwait, a: a})
}

// check returns an error if t is not the running task.
func (t *Task) check(method string) error {
	if t == nil {
		return fmt.Errorf("eventloop: %s on a nil *Task: %w", method, ErrNotRunning)
	}
	if t.loop.current == t {
		return nil
	}
	if t.finished {
		return fmt.Errorf("eventloop: %s on task %q, which has finished: %w (keep the *Task inside its own body)", method, t.name, ErrNotRunning)
	}
	return fmt.Errorf("eventloop: %s on task %q, which is not the task running now: %w (call it only from the task's own body)", method, t.name, ErrNotRunning)
}

// suspend hands r to the loop and returns when the loop resumes the task.
func (t *Task) suspend(method string, r request) error {
	if err := t.check(method); err != nil {
		return err
	}
	if t.loop.stopErr != nil || !t.yield(r) {
		// The loop called stop: yield returns false, and the body must
		// unwind.
		return fmt.Errorf("eventloop: task %q: %w", t.name, t.loop.stopErr)
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

// A Loop runs tasks cooperatively on the goroutine that calls Run. The zero
// value is an empty loop, ready to use. Spawn and Run are not safe for
// concurrent use: call them from the goroutine that owns the loop, or from
// a task body (which runs on the loop).
type Loop struct {
	ready    []*Task // first in, first out
	sleepers []*Task // by deadline, then by order
	awaiting int     // tasks waiting for an Awaitable
	all      []*Task // every task spawned since Run began, in spawn order
	sleeps   uint64

	current *Task // the task whose body runs now
	running bool
	ctx     context.Context
	stopErr error // set when the loop stops its tasks

	woken    chan *Task    // watchers hand awaited-on tasks back here
	quit     chan struct{} // closed when Run returns: watchers give up
	watchers sync.WaitGroup
}

// Spawn adds a task to the back of the ready list and returns a Future
// resolved with the body's error when the task ends (with an error wrapping
// ErrStopped if it never ran to its end). name appears in errors. The body
// runs when Run reaches it. A nil body is an error, and so is Spawn on a
// loop that is stopping.
func (l *Loop) Spawn(name string, body func(*Task) error) (*Future, error) {
	if body == nil {
		return nil, fmt.Errorf("eventloop: Spawn(%q, nil): a task needs a body, a func(*eventloop.Task) error", name)
	}
	if l.stopErr != nil {
		return nil, fmt.Errorf("eventloop: Spawn(%q): %w", name, l.stopErr)
	}
	t := &Task{name: name, loop: l, body: body, future: NewFuture()}
	l.ready = append(l.ready, t)
	l.all = append(l.all, t)
	return t.future, nil
}

// Run runs the tasks until none is left, then returns the errors the tasks
// returned (errors.Join, each naming its task), or nil. Tasks spawned while
// it runs are run too.
//
// Run stops early when ctx is done, returning an error that wraps ctx.Err(),
// or when a task panics, returning an error that names it. Either way it
// first stops every unfinished task (their Yield, Sleep or Await returns an
// error wrapping ErrStopped, their deferred calls run; tasks that never
// started never run) and waits for its own goroutines, so nothing it started
// outlives it. A nil ctx is an error; so is calling Run from a task (the
// loop is already running).
func (l *Loop) Run(ctx context.Context) (err error) {
	if ctx == nil {
		return errors.New("eventloop: Run(nil): pass a context (context.Background() at the top of a program)")
	}
	if l.running {
		return errors.New("eventloop: Run called while the loop is already running (from inside a task?): spawn a task, or Await, instead")
	}
	runCtx, cancel := context.WithCancel(ctx)
	l.running, l.ctx, l.stopErr = true, runCtx, nil
	l.woken, l.quit = make(chan *Task), make(chan struct{})
	defer func() {
		// When ctx is done, runCtx gets ctx's error from ctx itself, but only
		// after ctx's Done channel is closed (which is what woke the loop):
		// cancelling runCtx first would give the tasks context.Canceled
		// instead of, say, context.DeadlineExceeded. So wait for it.
		if ctx.Err() != nil {
			<-runCtx.Done()
		}
		cancel()
		close(l.quit)
		l.watchers.Wait()
		l.running, l.all = false, nil
	}()

	var errs []error
	for {
		if err := ctx.Err(); err != nil {
			n := l.abandon(fmt.Errorf("%w: %w", ErrStopped, err))
			return fmt.Errorf("eventloop: stopped with %d task(s) unfinished: %w", n, err)
		}
		l.collect()
		if len(l.ready) == 0 {
			if len(l.sleepers) == 0 && l.awaiting == 0 {
				return errors.Join(errs...)
			}
			l.block(ctx)
			continue
		}
		t := l.ready[len(l.ready)-1] // the newest first: a stack
		l.ready = l.ready[:len(l.ready)-1]
		if done := l.step(t); done {
			if t.panicked != nil {
				perr := fmt.Errorf("eventloop: task %q panicked: %v\n%s", t.name, t.panicked, t.stack)
				l.abandon(fmt.Errorf("%w: task %q panicked", ErrStopped, t.name))
				return perr
			}
			if t.err != nil {
				errs = append(errs, fmt.Errorf("task %q: %w", t.name, t.err))
			}
		}
	}
}

// step runs t until it suspends or ends, files it in the list its request
// asks for, and reports whether it ended.
func (l *Loop) step(t *Task) bool {
	if t.next == nil {
		t.next, t.stop = iter.Pull(t.coroutine)
	}
	l.current = t
	req, ok := t.next()
	l.current = nil
	if !ok {
		l.finish(t, t.err)
		return true
	}
	switch req.kind {
	case kindYield:
		l.ready = append(l.ready, t)
	case kindSleep:
		l.sleeps++
		t.order = l.sleeps
		i, _ := slices.BinarySearchFunc(l.sleepers, t, func(a, b *Task) int {
			if c := a.deadline.Compare(b.deadline); c != 0 {
				return c
			}
			return int(a.order - b.order) // never equal: orders are unique
		})
		l.sleepers = slices.Insert(l.sleepers, i, t)
	case kindAwait:
		l.awaiting++
		l.watchers.Add(1)
		go l.watch(t, req.a)
	}
	return false
}

// watch waits, off the loop, for a to be done, then hands t back to the
// loop. It gives up when Run returns.
func (l *Loop) watch(t *Task, a Awaitable) {
	defer l.watchers.Done()
	select {
	case <-a.Done():
		select {
		case l.woken <- t:
		case <-l.quit:
		}
	case <-l.quit:
	}
}

// collect moves to the ready list every task that became ready: awaited
// things that are done, then sleepers whose deadline has come.
func (l *Loop) collect() {
	for {
		select {
		case t := <-l.woken:
			l.awaiting--
			l.ready = append(l.ready, t)
			continue
		default:
		}
		break
	}
	now := time.Now()
	n := 0
	for n < len(l.sleepers) && !l.sleepers[n].deadline.After(now) {
		n++
	}
	l.ready = append(l.ready, l.sleepers[:n]...)
	l.sleepers = slices.Delete(l.sleepers, 0, n)
}

// block waits, without spinning, until the next deadline, a wake-up or the
// end of ctx.
func (l *Loop) block(ctx context.Context) {
	var deadline <-chan time.Time
	if len(l.sleepers) > 0 {
		timer := time.NewTimer(time.Until(l.sleepers[0].deadline))
		defer timer.Stop()
		deadline = timer.C
	}
	select {
	case t := <-l.woken:
		l.awaiting--
		l.ready = append(l.ready, t)
	case <-deadline:
	case <-ctx.Done():
	}
}

// finish marks t ended and resolves its future.
func (l *Loop) finish(t *Task, err error) {
	t.finished = true
	if t.panicked != nil {
		err = fmt.Errorf("eventloop: task %q panicked: %v", t.name, t.panicked)
	}
	t.future.Resolve(err)
}

// abandon stops every unfinished task with cause and returns how many there
// were. A task suspended in Yield, Sleep or Await is resumed with an error
// and unwinds; a task that never ran is dropped.
func (l *Loop) abandon(cause error) int {
	l.stopErr = cause
	tasks := l.all
	l.all, l.ready, l.sleepers, l.awaiting = nil, nil, nil, 0
	n := 0
	for _, t := range tasks {
		if t.finished {
			continue
		}
		n++
		if t.stop != nil {
			l.current = t
			t.stop() // the coroutine's Yield returns false: the body unwinds
			l.current = nil
		}
		t.finished = true
		t.future.Resolve(cause)
	}
	return n
}

func stack() []byte { return debug.Stack() }
