package pool_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestPool(t *testing.T) { harness.RunSuite(t, "Kata 03: pool") }
