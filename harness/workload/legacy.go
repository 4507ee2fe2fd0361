package workload

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"
)

// LookupDelay is how long LegacyLookup blocks its caller.
const LookupDelay = 100 * time.Millisecond

// LegacyLookup looks up the address of host the old way: it BLOCKS the
// goroutine that calls it for LookupDelay (on virtual time inside a synctest
// bubble), like a resolver from a library written before event loops, such
// as Python's socket.gethostbyname. Called from a task of an event loop, it
// stalls every other task of that loop: run it in an executor instead.
//
// The address is made up but stable: the same host always gets the same
// address, in 203.0.113.0/24 (a range reserved for documentation). It
// returns early with ctx's error if ctx ends first; an empty host or a nil
// ctx is an error. LegacyLookup is safe for concurrent use.
func LegacyLookup(ctx context.Context, host string) (string, error) {
	if ctx == nil {
		return "", errors.New("workload.LegacyLookup: nil context")
	}
	if host == "" {
		return "", errors.New("workload.LegacyLookup: empty host name")
	}
	timer := time.NewTimer(LookupDelay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return "", fmt.Errorf("workload.LegacyLookup(%q): %w", host, ctx.Err())
	}
	h := fnv.New32a()
	h.Write([]byte(host))
	return fmt.Sprintf("203.0.113.%d", 1+h.Sum32()%254), nil
}
