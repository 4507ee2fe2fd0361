package loop

import "sync"

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
