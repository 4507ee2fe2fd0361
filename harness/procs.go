package harness

import (
	"runtime"

	"github.com/onsi/ginkgo/v2"
)

// SetGOMAXPROCS sets runtime.GOMAXPROCS to n for the running spec and
// restores the value it had when the spec ends (ginkgo.DeferCleanup). Call it
// from a spec or a setup node, never from a goroutine of the code under test.
func SetGOMAXPROCS(n int) {
	was := runtime.GOMAXPROCS(n)
	ginkgo.DeferCleanup(func() { runtime.GOMAXPROCS(was) })
}

// AtLeastTwoProcs makes sure the running spec has at least 2 processors
// (GOMAXPROCS), whatever GOMAXPROCS the run was given: with one, code that
// runs one thing at a time and code that runs two at once look alike to the
// execution tracer, and two goroutines that share a variable without
// synchronisation may never touch it at the same time. Go runs 2 Ps on a
// single core too: the operating system then takes turns between them.
func AtLeastTwoProcs() {
	if runtime.GOMAXPROCS(0) < 2 {
		SetGOMAXPROCS(2)
	}
}
