package sequential_test

import (
	"context"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
)

// A countdownContext cancels itself the n-th time it is asked whether it is
// done (a call of Err or Done): a cancellation that lands mid-run, at a
// point the spec chooses, with no clock and no second goroutine involved.
// From the n-th call on, Err returns context.Canceled and Done is closed.
type countdownContext struct {
	context.Context
	cancel context.CancelFunc
	left   atomic.Int32
}

func newCountdownContext(parent context.Context, n int32) *countdownContext {
	ctx, cancel := context.WithCancel(parent)
	DeferCleanup(cancel)
	c := &countdownContext{Context: ctx, cancel: cancel}
	c.left.Store(n)
	return c
}

func (c *countdownContext) tick() {
	if c.left.Add(-1) == 0 {
		c.cancel()
	}
}

func (c *countdownContext) Err() error {
	c.tick()
	return c.Context.Err()
}

func (c *countdownContext) Done() <-chan struct{} {
	c.tick()
	return c.Context.Done()
}
