package workload

import (
	"context"
	"fmt"
	"runtime/trace"
)

// The capstone kata (11, "choose") mixes the two kinds of work: it downloads
// the 160 pages (I/O-bound: waiting for the server) and then computes a
// digest of each page's body (CPU-bound: nothing but arithmetic). Digest is
// that CPU work: deterministic, pure and slow on purpose.
//
// DigestRounds is the number of rounds that makes one digest of the big
// page (10282 bytes) cost a few milliseconds of CPU on this project's 2-core
// machine without -race (about 5 ms; the race detector makes it about four
// times slower). The 80 small pages cost next to nothing, so the 160 pages
// cost about 80 × 5 ms = 0.4 s of CPU one after another. Specs that need an
// exact cost measure it in the same run instead of trusting this figure.
const DigestRounds = 250

// Digest returns a 64-bit digest of body: rounds passes of FNV-1a over every
// byte, each pass followed by a xorshift-multiply finaliser (from
// MurmurHash3's fmix64) and mixed with the pass number, so no two passes can
// be skipped or reordered. It is a pure function: the same body and rounds
// give the same value on every run, every machine and every goroutine, and it
// never blocks. Its cost is proportional to len(body) × rounds; rounds = 0
// costs nothing but still depends on the body's length.
//
// It is not a cryptographic hash: it is the katas' stand-in for real CPU
// work on a page (parsing, indexing, checksumming). It is safe for
// concurrent use (it only reads body). It panics if rounds is negative.
//
// Each call is one region of Go's execution tracer, of type DigestRegion
// (see SumOfSquares).
func Digest(body []byte, rounds int) uint64 {
	defer trace.StartRegion(context.Background(), DigestRegion).End()
	if rounds < 0 {
		panic(fmt.Sprintf("workload.Digest: rounds = %d: must be 0 or more", rounds))
	}
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64) ^ uint64(len(body))
	for r := range rounds {
		for _, b := range body {
			h ^= uint64(b)
			h *= prime64
		}
		h ^= uint64(r)
		h ^= h >> 33
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
		h *= 0xc4ceb9fe1a85ec53
		h ^= h >> 33
	}
	return h
}
