package eventloop_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestEventLoop(t *testing.T) { harness.RunSuite(t, "Kata 05: event-loop") }
