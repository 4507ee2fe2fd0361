package poolcpu_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestPoolCPU(t *testing.T) { harness.RunSuite(t, "Kata 04: pool-cpu") }
