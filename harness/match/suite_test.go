package match_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestMatch(t *testing.T) { harness.RunSuite(t, "harness/match") }
