// mutant: the argument check accepts goroutines == 0 (it tests < 0, not < 1)
// killed-by: CountWithMutex rejects a nil counter, fewer than 1 goroutine and negative increments
// killed-by: CountWithAtomic rejects fewer than 1 goroutine and negative increments
// Package races is kata 02: goroutines started and joined, and the shared
// counter of the original race program made safe three ways.
//
// This is the reference solution.
package races

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// RunBoth runs first and second at the same time, each on its own goroutine
// (or one of them on the calling goroutine), and returns only when both have
// returned. Neither function may wait for the other to finish before it
// starts: the specs hand you two functions that each wait until the other
// has started.
//
// A nil first or second is an error that names it; nothing is run then.
func RunBoth(first, second func()) error {
	if first == nil {
		return errors.New("RunBoth: first is nil: pass a function to run")
	}
	if second == nil {
		return errors.New("RunBoth: second is nil: pass a function to run")
	}
	var wg sync.WaitGroup
	wg.Add(2) // before the go statements: Wait must see the count
	go func() {
		defer wg.Done()
		first()
	}()
	go func() {
		defer wg.Done()
		second()
	}()
	wg.Wait()
	return nil
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

// checkJob reports bad arguments of the counting functions.
func checkJob(fn string, goroutines, increments int) error {
	if goroutines < 0 {
		return fmt.Errorf("%s: goroutines must be at least 1, got %d", fn, goroutines)
	}
	if increments < 0 {
		return fmt.Errorf("%s: increments must not be negative, got %d", fn, increments)
	}
	return nil
}

// CountWithMutex starts goroutines goroutines; each adds one to c, increments
// times. A sync.Mutex makes each increment (the Load and the Store together)
// one step that no other goroutine can enter half-way. It returns only after
// every goroutine has ended, so c then holds goroutines × increments more
// than before.
//
// A nil c, goroutines < 1 or increments < 0 is an error that names the
// argument; nothing is started then.
func CountWithMutex(c Counter, goroutines, increments int) error {
	if c == nil {
		return errors.New("CountWithMutex: the Counter c is nil")
	}
	if err := checkJob("CountWithMutex", goroutines, increments); err != nil {
		return err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range increments {
				mu.Lock()
				c.Store(c.Load() + 1)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return nil
}

// CountWithAtomic starts goroutines goroutines; each adds one to a shared
// count, increments times, with one atomic read-modify-write (sync/atomic)
// per increment. It returns the count after every goroutine has ended:
// goroutines × increments.
//
// goroutines < 1 or increments < 0 is an error that names the argument.
func CountWithAtomic(goroutines, increments int) (int64, error) {
	if err := checkJob("CountWithAtomic", goroutines, increments); err != nil {
		return 0, err
	}
	var count atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range increments {
				count.Add(1)
			}
		})
	}
	wg.Wait()
	return count.Load(), nil
}

// CountConfined starts goroutines goroutines; each asks for one increment of
// c, increments times, by sending on a channel. ONE goroutine, the owner,
// receives the requests and is the only goroutine that ever calls c.Load or
// c.Store: c is confined to it, so it needs no lock. CountConfined closes
// the channel once every sender is done, and returns only after the owner
// has applied every increment and ended.
//
// A nil c, goroutines < 1 or increments < 0 is an error that names the
// argument; nothing is started then.
func CountConfined(c Counter, goroutines, increments int) error {
	if c == nil {
		return errors.New("CountConfined: the Counter c is nil")
	}
	if err := checkJob("CountConfined", goroutines, increments); err != nil {
		return err
	}
	requests := make(chan struct{}, 1024)
	ownerDone := make(chan struct{})
	go func() { // the owner: the only goroutine that touches c
		defer close(ownerDone)
		for range requests {
			c.Store(c.Load() + 1)
		}
	}()
	var senders sync.WaitGroup
	for range goroutines {
		senders.Go(func() {
			for range increments {
				requests <- struct{}{}
			}
		})
	}
	senders.Wait()
	close(requests) // every request is sent: the owner drains the rest and ends
	<-ownerDone
	return nil
}
