package processpool_test

import (
	"os"
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

// TestMain lets the test binary be a worker too: started by proc.Command,
// it runs the worker protocol and exits before any spec runs.
func TestMain(m *testing.M) {
	proc.WorkerMain()
	os.Exit(m.Run())
}

// suiteT is the suite's *testing.T, for raceChecked.
var suiteT *testing.T

func TestProcessPool(t *testing.T) {
	suiteT = t
	harness.RunSuite(t, "Kata 09: process-pool")
}
