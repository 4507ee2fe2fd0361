// Package eventloop is kata 05: a cooperative event loop, built by you.
//
// This is the reference solution, and it is short because the project keeps
// one copy of its loop: package harness/loop, which kata 06 runs its
// downloads on. Read harness/loop/loop.go (Spawn, Run and the scheduler),
// harness/loop/task.go (Yield, Sleep, Await) and harness/loop/future.go for
// the code; the names below are that package's, so the specs of this kata
// run it exactly as they run your loop.
//
// A Loop runs tasks one at a time on the goroutine that calls Run. A task
// runs until it gives control back with Yield, Sleep or Await; the loop then
// runs the task that has been ready longest. Spawn and Run belong to the
// goroutine that owns the loop (task bodies run on the loop, so they may
// Spawn too); a *Task's methods belong to that task's own body; a Future may
// be resolved from any goroutine.
package eventloop

import "github.com/concurrency-katas/go-katas/harness/loop"

type (
	// Loop is a cooperative event loop: see harness/loop.Loop.
	Loop = loop.Loop
	// Task is a task's handle on its loop: see harness/loop.Task.
	Task = loop.Task
	// Future is a result that is not there yet: see harness/loop.Future.
	Future = loop.Future
	// Awaitable is what Task.Await waits for: see harness/loop.Awaitable.
	Awaitable = loop.Awaitable
)

var (
	// ErrNotRunning: a Task method called from outside that task's body.
	ErrNotRunning = loop.ErrNotRunning
	// ErrStopped: the loop is stopping.
	ErrStopped = loop.ErrStopped
)

// NewFuture returns a Future that is not resolved yet.
func NewFuture() *Future { return loop.NewFuture() }
