package choose_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

var _ = Describe("Task 1: ChoosePlan", func() {
	It("gives the CPU stage one digester per processor Go runs goroutines on (GOMAXPROCS)", func(SpecContext) {
		for _, procs := range []int{1, 2, 3, 8} {
			harness.SetGOMAXPROCS(procs)
			plan, err := choose.ChoosePlan(160, 50*time.Millisecond, 5*time.Millisecond)
			Expect(err).NotTo(HaveOccurred())
			Expect(plan.Digesters).To(Equal(procs),
				"with GOMAXPROCS = %d, Go runs %d goroutines at the same instant: more digesters only take turns, fewer leave a processor idle (README, \"Which tool for which stage\")", procs, procs)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("gives the I/O stage just enough downloaders to keep up with the CPU stage", func(SpecContext) {
		harness.SetGOMAXPROCS(2)
		cases := []struct {
			pages           int
			latency, perCPU time.Duration
			want            int
			why             string
		}{
			{160, 50 * time.Millisecond, 5 * time.Millisecond, 20, "CPU stage: 160 × 5 ms ÷ 2 = 400 ms = 8 latencies, so ⌈160 ÷ 8⌉ = 20 downloaders"},
			{160, 50 * time.Millisecond, 10 * time.Millisecond, 10, "CPU stage: 800 ms = 16 latencies, so ⌈160 ÷ 16⌉ = 10"},
			{160, 50 * time.Millisecond, 3 * time.Millisecond, 40, "CPU stage: 240 ms = 4 whole latencies (4.8 rounded down), so ⌈160 ÷ 4⌉ = 40"},
			{150, 50 * time.Millisecond, 5 * time.Millisecond, 22, "CPU stage: 375 ms = 7 whole latencies, so ⌈150 ÷ 7⌉ = 22 (round up: 21 would need 8 rounds)"},
			{160, 50 * time.Millisecond, 0, 160, "no CPU work: pure I/O, every request at once"},
			{160, 50 * time.Millisecond, time.Millisecond, 160, "CPU stage: 80 ms, 1 latency: every request at once"},
			{160, 0, 5 * time.Millisecond, 1, "no latency: nothing to overlap, one downloader keeps up"},
			{7, 100 * time.Millisecond, time.Second, 1, "CPU stage: 3.5 s = 35 latencies for 7 pages: one downloader keeps up"},
			{0, 50 * time.Millisecond, 5 * time.Millisecond, 1, "no pages: the smallest valid plan"},
		}
		for _, c := range cases {
			plan, err := choose.ChoosePlan(c.pages, c.latency, c.perCPU)
			Expect(err).NotTo(HaveOccurred())
			Expect(plan).To(Equal(choose.Plan{Downloaders: c.want, Digesters: 2}),
				"ChoosePlan(%d, %v, %v) with GOMAXPROCS = 2: %s (README, \"Which tool for which stage\")", c.pages, c.latency, c.perCPU, c.why)
		}
	}, SpecTimeout(harness.SpecTimeout))

	It("rejects negative arguments with errors that name them", func(SpecContext) {
		_, err := choose.ChoosePlan(-1, time.Millisecond, time.Millisecond)
		Expect(err).To(MatchError(ContainSubstring("pages")), "name the argument that is wrong")
		_, err = choose.ChoosePlan(1, -time.Millisecond, time.Millisecond)
		Expect(err).To(MatchError(ContainSubstring("latency")), "name the argument that is wrong")
		_, err = choose.ChoosePlan(1, time.Millisecond, -time.Millisecond)
		Expect(err).To(MatchError(ContainSubstring("cpuPerPage")), "name the argument that is wrong")
	}, SpecTimeout(harness.SpecTimeout))
})
