package workload_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestWorkload(t *testing.T) { harness.RunSuite(t, "harness/workload") }
