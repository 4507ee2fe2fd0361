package processwork_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

// TestMain lets the test binary be a worker too: started by proc.Command,
// it runs the worker protocol and exits before any spec runs.
func TestMain(m *testing.M) { proc.Main(m) }

func TestProcessWork(t *testing.T) { harness.RunSuite(t, "Kata 10: process-work") }
