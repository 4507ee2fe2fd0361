// Package races is kata 02: goroutines started and joined, and the shared
// counter of the original race program made safe three ways.
//
// Replace each panic with your code, task by task, in the order of the
// README. Run the specs with `make kata N=2`.
package races

// RunBoth runs first and second at the same time, each on its own goroutine
// (or one of them on the calling goroutine), and returns only when both have
// returned. Neither function may wait for the other to finish before it
// starts: the specs hand you two functions that each wait until the other
// has started.
//
// A nil first or second is an error that names it; nothing is run then.
//
// Task 1.
func RunBoth(first, second func()) error {
	panic("RunBoth is not implemented yet: see README, task 1")
}

// A Counter is the shared count x of the original race program, with the
// steps of x = x + 1 made visible: Load reads x, Store writes it. An
// increment is c.Store(c.Load() + 1): a load, an add, a store, and another
// goroutine can run between any two of them.
//
// A Counter is NOT safe for concurrent use, like a plain int. The specs hand
// you Counters that watch how they are used; in a program, a plain int with
// these two methods is enough (see the README, "The counter").
type Counter interface {
	Load() int
	Store(v int)
}

// CountWithMutex starts goroutines goroutines; each adds one to c, increments
// times. A sync.Mutex makes each increment (the Load and the Store together)
// one step that no other goroutine can enter half-way. It returns only after
// every goroutine has ended, so c then holds goroutines × increments more
// than before.
//
// A nil c is an error that says the Counter is nil; goroutines < 1 or
// increments < 0 is an error that names the argument ("goroutines",
// "increments"). Nothing is started then.
//
// Task 2.
func CountWithMutex(c Counter, goroutines, increments int) error {
	panic("CountWithMutex is not implemented yet: see README, task 2")
}

// CountWithAtomic starts goroutines goroutines; each adds one to a shared
// count, increments times, with one atomic read-modify-write (sync/atomic)
// per increment. It returns the count after every goroutine has ended:
// goroutines × increments.
//
// goroutines < 1 or increments < 0 is an error that names the argument
// ("goroutines", "increments").
//
// Task 3.
func CountWithAtomic(goroutines, increments int) (int64, error) {
	panic("CountWithAtomic is not implemented yet: see README, task 3")
}

// CountConfined starts goroutines goroutines; each asks for one increment of
// c, increments times, by sending on a channel. ONE goroutine, the owner,
// receives the requests and is the only goroutine that ever calls c.Load or
// c.Store: c is confined to it, so it needs no lock. The owner applies each
// request as it receives it, as one increment (c.Store(c.Load() + 1)), to
// the count c already holds. CountConfined closes the channel once every
// sender is done, and returns only after the owner has applied every
// increment and ended.
//
// A nil c is an error that says the Counter is nil; goroutines < 1 or
// increments < 0 is an error that names the argument ("goroutines",
// "increments"). Nothing is started then.
//
// Task 4.
func CountConfined(c Counter, goroutines, increments int) error {
	panic("CountConfined is not implemented yet: see README, task 4")
}
