package races_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestRaces(t *testing.T) { harness.RunSuite(t, "Kata 02: races") }
