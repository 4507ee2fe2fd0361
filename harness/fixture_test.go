package harness_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
)

// fixtureSpecs is a small kata suite whose specs fail on purpose, the ways a
// learner's code fails: harness reports those failures with ginkgo.Fail, so
// only a separate run can show them without failing this suite.
const fixtureSpecs = `package fixture_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
)

func TestFixture(t *testing.T) { harness.RunSuite(t, "fixture") }

var _ = Describe("fixture", func() {
	It("deadlocks in Virtual", func(SpecContext) {
		harness.Virtual(func() {
			jobs := make(chan int)
			<-jobs // DEADLOCK-LINE
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("leaves a goroutine blocked in Virtual", func(SpecContext) {
		harness.Virtual(func() {
			results := make(chan int)
			go func() { results <- 1 }() // BLOCKED-LINE
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("leaks a goroutine", func(SpecContext) {
		never := make(chan int)
		go func() { <-never }() // LEAK-LINE
	}, SpecTimeout(harness.SpecTimeout))

	It("fails an assertion in Virtual", func(SpecContext) {
		harness.Virtual(func() {
			Expect(1).To(Equal(2), "ASSERTION-NOTE")
		})
	}, SpecTimeout(harness.SpecTimeout))

	It("waits an hour of virtual time in no time", func(SpecContext) {
		harness.Virtual(func() {
			start := time.Now()
			time.Sleep(time.Hour)
			Expect(time.Since(start)).To(match.TakeExactly(time.Hour))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
`

// lineOf returns "fixture_test.go:N" for the line of src holding mark.
func lineOf(src, mark string) string {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, mark) {
			return "fixture_test.go:" + strconv.Itoa(i+1)
		}
	}
	Fail("no line marked " + mark)
	return ""
}

// The fixture suite is built and run by the BeforeAll below, which runs
// inside whichever spec of the container comes first (alone, with a focus,
// any of them): a spec's SpecTimeout bounds its BeforeAll too, so every spec
// here gets the build's budget on top of its own. Building takes a few
// seconds on a quiet machine and over 20 s on a busy one.
const (
	fixtureBuildTimeout = 2 * time.Minute
	fixtureRunTimeout   = fixtureBuildTimeout + harness.SpecTimeout
)

var _ = Describe("A kata suite started by RunSuite", Ordered, func() {
	var out string
	var exitErr error

	BeforeAll(func(ctx SpecContext) {
		goTool, err := exec.LookPath("go")
		if err != nil {
			Skip("no go tool on PATH: " + err.Error())
		}
		root, err := filepath.Abs("..")
		Expect(err).NotTo(HaveOccurred())
		mainMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		Expect(err).NotTo(HaveOccurred())
		sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
		Expect(err).NotTo(HaveOccurred())

		// A module of its own that uses this working tree's harness, with
		// the main module's requirements, resolved offline.
		dir := GinkgoT().TempDir()
		var mod strings.Builder
		mod.WriteString("module fixture\n\ngo 1.26\n\n")
		for _, l := range strings.Split(string(mainMod), "\n") {
			if strings.HasPrefix(l, "module ") || strings.HasPrefix(l, "go ") || strings.HasPrefix(l, "tool ") || strings.HasPrefix(l, "toolchain ") {
				continue
			}
			mod.WriteString(l + "\n")
		}
		mod.WriteString("\nrequire github.com/concurrency-katas/go-katas v0.0.0\n\nreplace github.com/concurrency-katas/go-katas => " + root + "\n")
		Expect(os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod.String()), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "fixture_test.go"), []byte(fixtureSpecs), 0o644)).To(Succeed())

		cmd := exec.CommandContext(ctx, goTool, "test", "-count=1", "-v", ".", "-ginkgo.no-color", "-ginkgo.v")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
		cmd.WaitDelay = 5 * time.Second
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		exitErr = cmd.Run()
		out = buf.String()
		AddReportEntry("fixture output", out, ReportEntryVisibilityFailureOrVerbose)
		Expect(out).To(ContainSubstring("Ran 5 of 5 Specs"), "the fixture suite did not run")
	}, NodeTimeout(fixtureBuildTimeout))

	It("fails the run when specs fail", func(SpecContext) {
		Expect(exitErr).To(HaveOccurred())
		Expect(out).To(ContainSubstring("1 Passed | 4 Failed"))
	}, SpecTimeout(fixtureRunTimeout))

	It("reports a deadlock in Virtual at once, with the blocked line", func(SpecContext) {
		Expect(out).To(ContainSubstring("[FAILED] Every goroutine of the run was blocked for good: a deadlock (synctest said: deadlock: all goroutines in bubble are blocked)."))
		Expect(out).To(ContainSubstring(lineOf(fixtureSpecs, "DEADLOCK-LINE")))
		Expect(out).NotTo(ContainSubstring("[TIMEDOUT]"), "a deadlock in a bubble is found at once, not by the timeout")
	}, SpecTimeout(fixtureRunTimeout))

	It("reports goroutines left blocked in Virtual as a leak, with their line", func(SpecContext) {
		Expect(out).To(ContainSubstring("[FAILED] The run returned, but goroutines it started were still blocked"))
		Expect(out).To(ContainSubstring(lineOf(fixtureSpecs, "BLOCKED-LINE")))
	}, SpecTimeout(fixtureRunTimeout))

	It("checks every spec for leaked goroutines and shows where they are", func(SpecContext) {
		Expect(out).To(ContainSubstring("[FAILED] Goroutines were still running after the spec ended: a goroutine leak."))
		Expect(out).To(ContainSubstring(lineOf(fixtureSpecs, "LEAK-LINE")))
	}, SpecTimeout(fixtureRunTimeout))

	It("reports a Gomega failure inside Virtual as the spec's failure", func(SpecContext) {
		Expect(out).To(ContainSubstring("ASSERTION-NOTE\n  Expected\n      <int>: 1\n  to equal\n      <int>: 2"))
	}, SpecTimeout(fixtureRunTimeout))

	It("runs a passing spec on virtual time", func(SpecContext) {
		Expect(out).To(MatchRegexp(`fixture waits an hour of virtual time in no time\n\S*fixture_test.go:\d+\n• \[0\.\d+ seconds\]`))
	}, SpecTimeout(fixtureRunTimeout))
})

var _ = Describe("RunSuite", func() {
	It("pins the suite timeout and grace period", func(SpecContext) {
		Expect(suiteConfig.Timeout).To(Equal(harness.SuiteTimeout))
		Expect(suiteConfig.GracePeriod).To(Equal(harness.GracePeriod))
	}, SpecTimeout(harness.SpecTimeout))
})
