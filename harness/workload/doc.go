// Package workload holds the work of the programs the katas port: the CPU
// task (SumOfSquares over CPUNumbers, exact in 128 bits and checked against
// ClosedForm), the per-page Digest of kata 11, and LegacyLookup, a blocking
// call with no cooperative form.
package workload
