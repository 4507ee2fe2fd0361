package harness_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/concurrency-katas/go-katas/harness"
)

func TestHarness(t *testing.T) { harness.RunSuite(t, "harness") }

// suiteConfig is the configuration the suite really runs with, as Ginkgo
// reports it before the first spec.
var suiteConfig types.SuiteConfig

var _ = ReportBeforeSuite(func(r Report) { suiteConfig = r.SuiteConfig })
