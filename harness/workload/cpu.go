package workload

import (
	"context"
	"fmt"
	"math/big"
	"math/bits"
	"runtime/trace"
)

// The CPU workload of the original programs was cpu_bound(n), the sum of i*i
// for i in range(n), for n = 5_000_000 + x, x in range(20). Python took about
// 0.4 s per number; Go takes about 3 ms, too little for a parallel speed-up
// to show above the noise. So the katas keep the task and the count of 20,
// and start the numbers at 30_000_000: about 20 ms per number on this
// project's 2-core machine.
const (
	CPUTaskCount = 20
	CPUBase      = 30_000_000
	// OriginalCPUBase is the Python programs' first number, for comparison.
	OriginalCPUBase = 5_000_000
)

// CPUNumbers returns the CPU workload: CPUTaskCount numbers from CPUBase up.
func CPUNumbers() []int {
	ns := make([]int, CPUTaskCount)
	for x := range ns {
		ns[x] = CPUBase + x
	}
	return ns
}

// The types of the execution tracer's regions (runtime/trace.StartRegion)
// around each call of the CPU tasks: what harness/cputrace and
// `go tool trace` find them by.
const (
	SumOfSquaresRegion = "workload.SumOfSquares"
	DigestRegion       = "workload.Digest"
)

// A U128 is an unsigned 128-bit integer: the sums of the CPU task do not fit
// in a uint64 (SumOfSquares(5_000_000) is 41,666,654,166,667,500,000, past
// uint64's 18,446,744,073,709,551,615). U128 values compare with ==.
type U128 struct{ Hi, Lo uint64 }

// Big returns u as a *big.Int.
func (u U128) Big() *big.Int {
	b := new(big.Int).SetUint64(u.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(u.Lo))
}

// String returns u in decimal.
func (u U128) String() string { return u.Big().String() }

// maxSquareBase is the largest n for which every i*i with i < n fits in a
// uint64.
const maxSquareBase = 1 << 32

// SumOfSquares is the CPU task: the sum of i*i for 0 <= i < n, exactly. It
// is a plain loop on purpose: it takes time in proportion to n and does
// nothing but compute, so it is CPU-bound. It panics if n is negative or
// n > 2^32 (where i*i would overflow), with a message that says so.
//
// Each call is one region of Go's execution tracer, of type
// SumOfSquaresRegion, so a trace shows when and where each task ran. When no
// trace is being recorded the region costs next to nothing.
func SumOfSquares(n int) U128 {
	defer trace.StartRegion(context.Background(), SumOfSquaresRegion).End()
	if n < 0 || n > maxSquareBase {
		panic(fmt.Sprintf("workload.SumOfSquares(%d): n must be in [0, 2^32]", n))
	}
	var hi, lo uint64
	for i := uint64(0); i < uint64(n); i++ {
		var carry uint64
		lo, carry = bits.Add64(lo, i*i, 0)
		hi += carry
	}
	return U128{hi, lo}
}

// ClosedForm returns the sum of i*i for 0 <= i < n by the formula
// n(n-1)(2n-1)/6, without looping: the check for SumOfSquares.
func ClosedForm(n int) U128 {
	b := big.NewInt(int64(n))
	b.Mul(b, big.NewInt(int64(n-1)))
	b.Mul(b, big.NewInt(int64(2*n-1)))
	b.Quo(b, big.NewInt(6))
	var lo, hi big.Int
	lo.And(b, new(big.Int).SetUint64(^uint64(0)))
	hi.Rsh(b, 64)
	return U128{Hi: hi.Uint64(), Lo: lo.Uint64()}
}
