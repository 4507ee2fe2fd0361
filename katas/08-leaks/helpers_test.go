package leaks_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	"go.uber.org/goleak"
)

// leakCheck takes a snapshot of the goroutines running now and returns a
// function that fails the spec, pointing to the README section of the
// function under test, if any other goroutine is still running when it is
// called. (RunSuite's own leak check runs after it, at the end of the spec;
// this one runs first, so its message is the one you see.)
//
// It decides without goleak's full wait when the answer is clear: no new
// goroutine at all (pass), or new goroutines that all stay blocked on a
// channel, a select, a lock or a coroutine (see stuck) while none of them
// runs (a leak: only another goroutine could wake them, and every goroutine
// started since the snapshot is among them). Anything else (a goroutine
// still running, sleeping or in a system call) is left to goleak.Find and
// its retries, which give goroutines on their way out the time to end.
func leakCheck(function, section string) func() {
	before := goroutineIDs()
	snapshot := goleak.IgnoreCurrent()
	return func() {
		GinkgoHelper()
		report, decided := stuck(before)
		if !decided {
			if err := goleak.Find(snapshot); err != nil {
				report = err.Error()
			}
		}
		if report != "" {
			Fail(fmt.Sprintf("%s returned the right results, but left a goroutine running: a goroutine leak.\n"+
				"Each leaked goroutine is listed below with its stack; the top frames say where it is blocked,\n"+
				"and \"created by\" says which line started it. Fix %s without changing its results.\n"+
				"See README, %q.\n\n%v", function, function, section, report))
		}
	}
}
