package workload_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// TestDigestValues pins Digest's values: kata 11's specs compare the
// learner's digests with Digest's, so the function must never change. The
// value of "abc" at 1 round was also computed by hand, in Python, from the
// algorithm in Digest's doc comment.
func TestDigestValues(t *testing.T) {
	big, _ := fakeserver.Body(fakeserver.BigPath)
	small, _ := fakeserver.Body(fakeserver.SmallPath)
	cases := []struct {
		name   string
		body   []byte
		rounds int
		want   uint64
	}{
		{"nil body, 0 rounds: the FNV offset basis", nil, 0, 0xcbf29ce484222325},
		{"abc, 1 round", []byte("abc"), 1, 0x532f1c717a29ccb7},
		{"big page, 3 rounds", big, 3, 0xe29c3b642c91fbad},
		{"small page, 3 rounds", small, 3, 0x832061d6b8d14d76},
	}
	for _, c := range cases {
		for range 2 { // the same value every time
			if got := workload.Digest(c.body, c.rounds); got != c.want {
				t.Errorf("%s: Digest = %#x, want %#x", c.name, got, c.want)
			}
		}
	}
	if workload.Digest(big, 2) == workload.Digest(big, 3) {
		t.Errorf("Digest(big, 2) == Digest(big, 3): each round must change the value")
	}
	if workload.Digest([]byte("ab"), 1) == workload.Digest([]byte("ba"), 1) {
		t.Errorf("Digest(ab) == Digest(ba): the order of the bytes must count")
	}
}

// TestDigestPanicsOnNegativeRounds checks the message of the panic.
func TestDigestPanicsOnNegativeRounds(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("Digest(body, -1) did not panic")
		}
	}()
	workload.Digest([]byte("x"), -1)
}

// BenchmarkDigest measures the cost of one page's digest at DigestRounds,
// the CPU stage of kata 11. Speed is a benchmark's business, not a test's:
// wall-clock ratios in tests flake on a loaded machine.
func BenchmarkDigest(b *testing.B) {
	big, _ := fakeserver.Body(fakeserver.BigPath)
	for b.Loop() {
		workload.Digest(big, workload.DigestRounds)
	}
}

// BenchmarkDigestEmpty measures a call that does no work (no body, no
// rounds): what each call costs beyond its work, the execution tracer's
// region included when no trace is being recorded.
func BenchmarkDigestEmpty(b *testing.B) {
	var sink uint64
	for b.Loop() {
		sink ^= workload.Digest(nil, 0)
	}
	_ = sink
}
