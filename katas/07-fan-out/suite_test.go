package fanout_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestFanOut(t *testing.T) { harness.RunSuite(t, "Kata 07: fan-out") }
