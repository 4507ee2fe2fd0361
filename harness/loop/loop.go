package loop

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

	woken     chan *Task    // watchers hand awaited-on tasks back here
	quit      chan struct{} // closed when Run returns: watchers give up
	watchers  sync.WaitGroup
	executors sync.WaitGroup
}

// Spawn adds a task to the back of the ready list and returns a Future
// resolved with the body's error when the task ends (with an error wrapping
// ErrStopped if it never ran to its end). name appears in errors. The body
// runs when Run reaches it. A nil body is an error, and so is Spawn on a
// loop that is stopping.
func (l *Loop) Spawn(name string, body func(*Task) error) (*Future, error) {
	if body == nil {
		return nil, fmt.Errorf("loop: Spawn(%q, nil): a task needs a body, a func(*loop.Task) error", name)
	}
	if l.stopErr != nil {
		return nil, fmt.Errorf("loop: Spawn(%q): %w", name, l.stopErr)
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
		return errors.New("loop: Run(nil): pass a context (context.Background() at the top of a program)")
	}
	if l.running {
		return errors.New("loop: Run called while the loop is already running (from inside a task?): spawn a task, or Await, instead")
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
		l.executors.Wait()
		l.running, l.all = false, nil
	}()

	var errs []error
	for {
		if err := ctx.Err(); err != nil {
			n := l.abandon(fmt.Errorf("%w: %w", ErrStopped, err))
			return fmt.Errorf("loop: stopped with %d task(s) unfinished: %w", n, err)
		}
		l.collect()
		if len(l.ready) == 0 {
			if len(l.sleepers) == 0 && l.awaiting == 0 {
				return errors.Join(errs...)
			}
			l.block(ctx)
			continue
		}
		t := l.ready[0]
		l.ready = l.ready[1:]
		if done := l.step(t); done {
			if t.panicked != nil {
				perr := fmt.Errorf("loop: task %q panicked: %v\n%s", t.name, t.panicked, t.stack)
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
		err = fmt.Errorf("loop: task %q panicked: %v", t.name, t.panicked)
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
