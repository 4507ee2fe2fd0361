// mutant: runs every task on its own goroutine, in parallel; Yield is runtime.Gosched
// killed-by: lets a task that never yields starve the others

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
	"runtime"
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
	name     string
	loop     *Loop
	body     func(*Task) error
	future   *Future
	finished bool
}

func (t *Task) Name() string             { return t.name }
func (t *Task) Loop() *Loop              { return t.loop }
func (t *Task) Context() context.Context { return t.loop.ctx }
func (t *Task) Yield() error             { runtime.Gosched(); return t.stopped() }
func (t *Task) stopped() error {
	if t == nil || t.finished {
		return ErrNotRunning
	}
	if err := t.loop.ctx.Err(); err != nil {
		return fmt.Errorf("eventloop: task %q: %w: %w", t.name, ErrStopped, err)
	}
	return nil
}

// Sleep sleeps on the task's own goroutine.
func (t *Task) Sleep(d time.Duration) error {
	if err := t.stopped(); err != nil {
		return err
	}
	select {
	case <-time.After(d):
		return t.stopped()
	case <-t.loop.ctx.Done():
		return t.stopped()
	}
}

// Await blocks the task's own goroutine.
func (t *Task) Await(a Awaitable) error {
	if a == nil {
		return errors.New("eventloop: Await(nil)")
	}
	if err := t.stopped(); err != nil {
		return err
	}
	select {
	case <-a.Done():
		return nil
	case <-t.loop.ctx.Done():
		return t.stopped()
	}
}

// A Loop starts a goroutine per task: the tasks run in parallel, not
// cooperatively.
type Loop struct {
	mu      sync.Mutex
	pending []*Task
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
	errs    []error
	running bool
}

func (l *Loop) Spawn(name string, body func(t *Task) error) (*Future, error) {
	if body == nil {
		return nil, fmt.Errorf("eventloop: Spawn(%q, nil): nil body", name)
	}
	t := &Task{name: name, loop: l, body: body, future: NewFuture()}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		l.start(t)
	} else {
		l.pending = append(l.pending, t)
	}
	return t.future, nil
}

func (l *Loop) start(t *Task) {
	l.wg.Go(func() {
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("eventloop: task %q panicked: %v", t.name, r)
					l.cancel() // stop the others
				}
			}()
			err = t.body(t)
		}()
		t.finished = true
		t.future.Resolve(err)
		if err != nil {
			l.mu.Lock()
			l.errs = append(l.errs, fmt.Errorf("task %q: %w", t.name, err))
			l.mu.Unlock()
		}
	})
}

func (l *Loop) Run(ctx context.Context) error {
	if ctx == nil {
		return errors.New("eventloop: Run(nil)")
	}
	l.mu.Lock()
	if l.running {
		l.mu.Unlock()
		return errors.New("eventloop: already running")
	}
	l.running = true
	l.ctx, l.cancel = context.WithCancel(ctx)
	defer l.cancel()
	for _, t := range l.pending {
		l.start(t)
	}
	l.pending = nil
	l.mu.Unlock()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = false
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(l.errs...)
}
