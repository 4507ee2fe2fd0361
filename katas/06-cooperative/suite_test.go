package cooperative_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestCooperative(t *testing.T) { harness.RunSuite(t, "Kata 06: cooperative") }
