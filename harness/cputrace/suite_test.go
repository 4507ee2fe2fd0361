package cputrace_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestCPUTrace(t *testing.T) { harness.RunSuite(t, "harness/cputrace") }
