package proc_test

import (
	"os"
	"testing"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
)

func TestMain(m *testing.M) {
	proc.WorkerMain()
	os.Exit(m.Run())
}

func TestProc(t *testing.T) { harness.RunSuite(t, "harness/proc") }
