package harness

import (
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

// Timeouts every kata uses. A spec that runs past its SpecTimeout is
// reported [TIMEDOUT] with the line it was blocked on, and the suite goes on
// with the next spec: a learner's deadlock fails one spec, it never hangs
// the run.
const (
	// SpecTimeout is the default budget of one spec. Pass it to each It as
	// SpecTimeout(harness.SpecTimeout) (with a SpecContext argument).
	SpecTimeout = 20 * time.Second
	// SuiteTimeout bounds one kata's whole suite.
	SuiteTimeout = 4 * time.Minute
	// GracePeriod is how long a timed-out spec is given to return after
	// its context is cancelled, before Ginkgo moves on without it.
	GracePeriod = 3 * time.Second
)

// Ginkgo's own defaults, which RunSuite replaces unless a flag changed them.
const (
	ginkgoDefaultTimeout     = time.Hour
	ginkgoDefaultGracePeriod = 30 * time.Second
)

// RunSuite runs a kata's Ginkgo specs. Call it from the kata's one Test
// function:
//
//	func TestPool(t *testing.T) { harness.RunSuite(t, "Kata 03: pool") }
//
// It registers Gomega's fail handler, adds LeakCheck before every spec,
// pins the suite timeout and grace period (unless -ginkgo.timeout or
// -ginkgo.grace-period were given) and remembers t for Virtual.
func RunSuite(t *testing.T, description string) bool {
	t.Helper()
	gomega.RegisterFailHandler(ginkgo.Fail)
	suiteT = t
	ginkgo.BeforeEach(LeakCheck, ginkgo.OncePerOrdered)
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	if suiteConfig.Timeout == ginkgoDefaultTimeout {
		suiteConfig.Timeout = SuiteTimeout
	}
	if suiteConfig.GracePeriod == ginkgoDefaultGracePeriod {
		suiteConfig.GracePeriod = GracePeriod
	}
	passed := ginkgo.RunSpecs(t, description, suiteConfig, reporterConfig)
	if passed && raceEnabled {
		// The race detector fails the test after this function returns,
		// whatever Ginkgo said; t.Log shows only if the test fails (or -v).
		t.Log(raceNote)
	}
	return passed
}

// raceNote explains a run whose specs all passed, under the race detector:
// if it found a data race, the test fails anyway.
const raceNote = "Every spec passed. If the race detector reported a \"WARNING: DATA RACE\" above, the run\n" +
	"fails all the same (\"race detected during execution of test\" below): the detector watches\n" +
	"the whole run, not one spec. Its two stacks name the two goroutines and the lines in your\n" +
	"file that touched the same memory without synchronisation. See kata 02's README, \"Hints\"."

// suiteT is the *testing.T of the running suite, for Virtual.
var suiteT *testing.T
