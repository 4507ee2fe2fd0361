package main

import (
	"fmt"
	"sort"
	"strings"
)

// An adapter is one kata's program of the article's kind: a main package in
// cmd/kata/internal/adapters/<kata folder>/ that fits the kata's API to
// internal/runkit, so the tool can run the kata's download (IO) or CPU sums
// (CPU) outside its specs. The programs are ordinary Go, compiled (and vetted)
// against the stubs with the rest of the module; the tool builds one over the
// learner's files, or with -overlay over the reference solution.
type adapter struct {
	Kata    int
	IO, CPU bool // the workloads its program has
}

// adapters are the katas that have such a program. TestAdaptersMatchTheirPrograms
// keeps this table and the programs' runkit.Version literals in step.
var adapters = []adapter{
	{Kata: 1, IO: true, CPU: true},
	{Kata: 3, IO: true},
	{Kata: 4, CPU: true},
	{Kata: 5, CPU: true},
	{Kata: 6, IO: true},
	{Kata: 7, IO: true},
	{Kata: 10, IO: true, CPU: true},
}

// adaptersDir holds the adapters' packages, relative to the repository root.
const adaptersDir = "cmd/kata/internal/adapters"

// pkg is the adapter's package path for go build, relative to the root.
func (adapter) pkg(k kata) string { return "./" + adaptersDir + "/" + k.Dir }

// has reports whether the adapter has the workload ("io" or "cpu").
func (a adapter) has(workload string) bool {
	return (workload == "io" && a.IO) || (workload == "cpu" && a.CPU)
}

// adapterFor returns the adapter of kata n.
func adapterFor(n int) (adapter, bool) {
	for _, a := range adapters {
		if a.Kata == n {
			return a, true
		}
	}
	return adapter{}, false
}

// katasWith lists the numbers of the katas whose adapter has the workload
// ("io" or "cpu"), as "1, 3, 6".
func katasWith(workload string) string {
	var nums []int
	for _, a := range adapters {
		if a.has(workload) {
			nums = append(nums, a.Kata)
		}
	}
	sort.Ints(nums)
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
