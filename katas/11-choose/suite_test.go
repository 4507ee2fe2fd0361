package choose_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestChoose(t *testing.T) { harness.RunSuite(t, "Kata 11: choose") }
