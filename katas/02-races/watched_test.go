package races_test

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurrency-katas/go-katas/harness"
)

// holdFor is how long a watched counter keeps its first call open, waiting
// for another goroutine to call it at the same time. With a lock held around
// each increment no other call can arrive, so the wait runs out (once per
// spec); without one, the other goroutines arrive within microseconds. It is
// a watchdog for something that must not happen, not a sleep that orders
// anything.
const holdFor = 250 * time.Millisecond

// A watchedCounter is a Counter that watches how it is used. Its value is a
// plain int, on purpose: unsynchronised use is a data race that -race can
// see. Its bookkeeping is atomic.
type watchedCounter struct {
	x int

	inCall   atomic.Int32 // Load or Store calls in progress
	overlaps atomic.Int64 // calls that began while another was in progress
	first    atomic.Bool  // the first call has been made
	arrived  chan struct{}
	once     sync.Once

	trackOwners bool
	mu          sync.Mutex
	owners      map[uint64]bool // goroutines that called Load or Store
}

func newWatchedCounter() *watchedCounter {
	return &watchedCounter{arrived: make(chan struct{}), owners: map[uint64]bool{}}
}

// newOwnedCounter also records which goroutines call it (slower: use it
// with a smaller workload).
func newOwnedCounter() *watchedCounter {
	c := newWatchedCounter()
	c.trackOwners = true
	return c
}

func (c *watchedCounter) Load() int {
	c.enter()
	defer c.inCall.Add(-1)
	return c.x
}

func (c *watchedCounter) Store(v int) {
	c.enter()
	defer c.inCall.Add(-1)
	c.x = v
}

func (c *watchedCounter) enter() {
	if c.inCall.Add(1) > 1 {
		c.overlaps.Add(1)
		c.once.Do(func() { close(c.arrived) })
	}
	if c.trackOwners {
		id := harness.GoroutineID()
		c.mu.Lock()
		c.owners[id] = true
		c.mu.Unlock()
	}
	if c.first.CompareAndSwap(false, true) {
		// Keep the first call open until another call arrives, or holdFor.
		t := time.NewTimer(holdFor)
		defer t.Stop()
		select {
		case <-c.arrived:
		case <-t.C:
		}
	}
}

// value reads the count once the counting function has returned.
func (c *watchedCounter) value() int { return c.x }

// ownerCount returns how many goroutines called Load or Store.
func (c *watchedCounter) ownerCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.owners)
}

// A plainCounter is the plain int of the original program as a Counter: no
// bookkeeping, so the big counts run fast. Unsynchronised use of it is a data
// race that -race reports.
type plainCounter struct{ x int }

func (c *plainCounter) Load() int   { return c.x }
func (c *plainCounter) Store(v int) { c.x = v }
