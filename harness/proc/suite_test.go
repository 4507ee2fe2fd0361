package proc_test

import (
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

func TestMain(m *testing.M) { proc.Main(m) }

func TestProc(t *testing.T) { harness.RunSuite(t, "harness/proc") }
