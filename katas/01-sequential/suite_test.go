package sequential_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestSequential(t *testing.T) { harness.RunSuite(t, "Kata 01: sequential") }
