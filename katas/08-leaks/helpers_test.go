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
func leakCheck(function, section string) func() {
	snapshot := goleak.IgnoreCurrent()
	return func() {
		GinkgoHelper()
		if err := goleak.Find(snapshot); err != nil {
			Fail(fmt.Sprintf("%s returned the right results, but left a goroutine running: a goroutine leak.\n"+
				"Each leaked goroutine is listed below with its stack; the top frames say where it is blocked,\n"+
				"and \"created by\" says which line started it. Fix %s without changing its results.\n"+
				"See README, %q.\n\n%v", function, function, section, err))
		}
	}
}
