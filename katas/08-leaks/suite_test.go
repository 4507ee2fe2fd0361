package leaks_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestLeaks(t *testing.T) { harness.RunSuite(t, "Kata 08: leaks") }
