package leaks_test

import (
	"io"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// returnsWithin runs f on a goroutine of its own and fails the spec with
// stuck if f has not returned within bound: a failure bound, so that a
// function that blocks for ever fails its spec with a message that says so,
// instead of the whole spec timing out.
func returnsWithin(stuck string, f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(bound):
		Fail(stuck)
	}
}

// An endReader reads its text, and in the Read that reaches the end runs
// atEnd (a spec cancels ctx there) before returning io.EOF. It counts the
// calls to Close, which waits for gate first when gate is not nil.
type endReader struct {
	text  *strings.Reader
	atEnd func()
	gate  chan struct{}

	closesStarted atomic.Int64
	closesEnded   atomic.Int64
}

func newEndReader(text string, atEnd func(), gate chan struct{}) *endReader {
	return &endReader{text: strings.NewReader(text), atEnd: atEnd, gate: gate}
}

func (e *endReader) Read(p []byte) (int, error) {
	n, err := e.text.Read(p)
	if err == io.EOF && e.atEnd != nil {
		e.atEnd()
		e.atEnd = nil
	}
	return n, err
}

func (e *endReader) Close() error {
	e.closesStarted.Add(1)
	if e.gate != nil {
		<-e.gate
	}
	e.closesEnded.Add(1)
	return nil
}

// A progressProbe is a progress callback for Process that holds its first
// call until Process has either returned (then the call was still running
// when Process returned: a broken promise) or is blocked inside Process
// (waiting for the reporter, as it must). It notes every call, and the calls
// that started after Process had returned.
type progressProbe struct {
	caller int // the goroutine that calls Process
	items  int

	returned      atomic.Bool // set by the caller as soon as Process has returned
	calls         atomic.Int64
	late          atomic.Int64  // calls that started after Process had returned
	held          atomic.Bool   // the first call has been taken
	heldEnded     chan struct{} // closed when the first call returns
	heldAtReturn  atomic.Bool   // Process returned while the first call was held
	sameGoroutine atomic.Bool   // progress was called on the caller's goroutine
	holdTimedOut  atomic.Bool
	badCount      atomic.Int64 // a count outside [0, items], or smaller than the one before, plus 1
	lastCount     atomic.Int64
}

// holdBound is how long the first call waits for Process to return or to
// block: a failure bound, far above what the work takes on a loaded machine.
const holdBound = 10 * time.Second

func (p *progressProbe) progress(done int) {
	if p.returned.Load() {
		p.late.Add(1)
		return
	}
	p.calls.Add(1)
	if done < 0 || done > p.items || int64(done) < p.lastCount.Load() {
		p.badCount.CompareAndSwap(0, int64(done)+1)
	}
	p.lastCount.Store(int64(done))
	if !p.held.CompareAndSwap(false, true) {
		return
	}
	defer close(p.heldEnded)
	if goroutines(false)[0].id == p.caller {
		p.sameGoroutine.Store(true)
		return
	}
	deadline := time.Now().Add(holdBound)
	for !p.returned.Load() && !blockedIn(p.caller, "08-leaks.Process") {
		if time.Now().After(deadline) {
			p.holdTimedOut.Store(true)
			return
		}
		time.Sleep(100 * time.Microsecond) // a poll: the outcome does not depend on it
	}
	if p.returned.Load() {
		p.heldAtReturn.Store(true)
	}
}

// blockedIn reports whether goroutine id is blocked (see goroutine.blocked)
// with function on its stack.
func blockedIn(id int, function string) bool {
	for _, g := range goroutines(true) {
		if g.id == id {
			return g.blocked() && strings.Contains(waitingFrame(g.stack), function)
		}
	}
	return false
}

// waitingFrame returns the first function of stack outside the runtime and
// package sync: the code that waits. An allocation parked by the garbage
// collector (semacquire inside mallocgc, under strings.ToUpper) is not
// Process waiting for its reporter, though Process is on the stack.
func waitingFrame(stack string) string {
	for _, line := range strings.Split(stack, "\n") {
		if line == "" || strings.HasPrefix(line, "\t") {
			continue // a file:line, not a function
		}
		if strings.HasPrefix(line, "runtime.") || strings.HasPrefix(line, "sync.") || strings.HasPrefix(line, "internal/") {
			continue
		}
		return line
	}
	return ""
}

// newProgressProbe returns a probe for a Process of items items, called
// from the current goroutine.
func newProgressProbe(items int) *progressProbe {
	return &progressProbe{caller: goroutines(false)[0].id, items: items, heldEnded: make(chan struct{})}
}

// afterReturn notes that Process has returned, and waits for a held call
// to end: at once if Process waited for it, else once it has seen that
// Process returned.
func (p *progressProbe) afterReturn() {
	p.returned.Store(true)
	if p.held.Load() {
		select {
		case <-p.heldEnded:
		case <-time.After(holdBound + bound):
		}
	}
}

// lowerItems returns n short lower-case items.
func lowerItems(n int) []string {
	items := make([]string, n)
	for i := range items {
		items[i] = "realpython"
	}
	return items
}
