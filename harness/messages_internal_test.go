package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These specs test the texts of the failures that harness reports with
// ginkgo.Fail (which no Gomega interceptor can catch in-process): the
// behaviour end to end is tested by the fixture suite in fixture_test.go.
var _ = ginkgo.Describe("Failure messages", func() {
	ginkgo.It("explains a goroutine leak and shows goleak's report", func(ginkgo.SpecContext) {
		msg := leakMessage(errors.New("found unexpected goroutines:\n[Goroutine 7 in state chan send, with main.worker on top of the stack:]"))
		Expect(msg).To(HavePrefix("Goroutines were still running after the spec ended: a goroutine leak.\n"))
		Expect(msg).To(ContainSubstring("a worker ranging over a jobs channel that was never closed"))
		Expect(msg).To(ContainSubstring("a web.Session never closed"))
		Expect(msg).To(ContainSubstring(`See the README of kata 08, "leaks".`))
		Expect(msg).To(HaveSuffix("\n\nfound unexpected goroutines:\n[Goroutine 7 in state chan send, with main.worker on top of the stack:]"))
	}, ginkgo.SpecTimeout(SpecTimeout))

	ginkgo.It("keeps the first few stacks of a long leak report and counts the rest", func(ginkgo.SpecContext) {
		var gs []string
		for i := range 10 {
			gs = append(gs, fmt.Sprintf("Goroutine %d in state select:\nstack %d", i+1, i+1))
		}
		report := "found unexpected goroutines:\n[" + strings.Join(gs, "\n ") + "]"
		trimmed := trimStacks(report, 6)
		Expect(trimmed).To(ContainSubstring("Goroutine 6 in state select"))
		Expect(trimmed).NotTo(ContainSubstring("Goroutine 7 in state select"))
		Expect(trimmed).To(HaveSuffix("\n … and 4 more goroutines like these."))
		Expect(trimStacks(report, 10)).To(Equal(report))
		Expect(trimStacks("short", 6)).To(Equal("short"))
	}, ginkgo.SpecTimeout(SpecTimeout))

	ginkgo.It("explains a deadlock in a bubble", func(ginkgo.SpecContext) {
		msg := deadlockMessage("deadlock: all goroutines in bubble are blocked")
		Expect(msg).To(HavePrefix("Every goroutine of the run was blocked for good: a deadlock " +
			"(synctest said: deadlock: all goroutines in bubble are blocked).\n"))
		Expect(msg).To(ContainSubstring("workers ranging over a jobs channel that is never closed"))
		Expect(msg).To(ContainSubstring("wg.Wait() on a WaitGroup whose Done is never\ncalled"))
		Expect(msg).To(HaveSuffix(`See your kata's README, "Hints".`))
	}, ginkgo.SpecTimeout(SpecTimeout))

	ginkgo.It("explains goroutines left blocked when the bubble's body returned", func(ginkgo.SpecContext) {
		msg := deadlockMessage("deadlock: main bubble goroutine has exited but blocked goroutines remain")
		Expect(msg).To(HavePrefix("The run returned, but goroutines it started were still blocked, with nothing left that\n" +
			"could wake them: a goroutine leak (synctest said: deadlock: main bubble goroutine has exited but blocked goroutines remain).\n"))
		Expect(msg).To(ContainSubstring("a response body never closed"))
		Expect(msg).NotTo(ContainSubstring("a deadlock"))
	}, ginkgo.SpecTimeout(SpecTimeout))

	ginkgo.It("passes on any other panic of synctest as it is", func(ginkgo.SpecContext) {
		Expect(deadlockMessage("synctest: something else")).To(Equal("harness.Virtual: the synctest bubble failed: synctest: something else"))
		Expect(deadlockMessage(errors.New("boom"))).To(Equal("harness.Virtual: the synctest bubble failed: boom"))
	}, ginkgo.SpecTimeout(SpecTimeout))

	ginkgo.It("is started by RunSuite, which remembers the suite's *testing.T for Virtual", func(ginkgo.SpecContext) {
		Expect(suiteT).NotTo(BeNil())
	}, ginkgo.SpecTimeout(SpecTimeout))
})
