package processwork_test

import (
	"fmt"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
	processwork "github.com/concurrency-katas/go-katas/katas/10-process-work"
)

// expectedSizes returns the size of each of urls (big and small pages alternate).
func expectedSizes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = fakeserver.BigSize
		if i%2 == 1 {
			out[i] = fakeserver.SmallSize
		}
	}
	return out
}

var _ = Describe("Task 3: the downloads on processes", func() {
	It("downloads the 160 sites over loopback, one session per process, sizes in order", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(5 * time.Millisecond))
		DeferCleanup(srv.Close)
		pool := newPool(ctx, 2, proc.Task{Name: "session", Arg: srv.URL})

		urls := fakeserver.Sites(srv.URL)
		sizes, err := processwork.DownloadInProcesses(ctx, pool, urls)
		Expect(err).NotTo(HaveOccurred())
		Expect(sizes).To(Equal(expectedSizes(len(urls))), "sizes[i] is the size of urls[i]")
		stats := srv.Stats()
		Expect(stats.Requests).To(Equal(160))
		Expect(stats).To(match.HaveUsedSessions(2))
		Expect(stats).To(match.UseEachSessionOneAtATime())
	}, SpecTimeout(harness.SpecTimeout))

	It("reports a 500 naming the URL, and answers an empty list and a nil pool", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(0), fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Path: fakeserver.SmallPath}))
		DeferCleanup(srv.Close)
		pool := newPool(ctx, 1, proc.Task{Name: "session", Arg: srv.URL})

		urls := fakeserver.SitesN(srv.URL, 2)
		_, err := processwork.DownloadInProcesses(ctx, pool, urls)
		Expect(err).To(MatchError(ContainSubstring(urls[1])), "the worker's error names the URL: pass it on")
		Expect(err).To(MatchError(ContainSubstring("500")))
		sizes, err := processwork.DownloadInProcesses(ctx, pool, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(sizes).To(BeEmpty())
		_, err = processwork.DownloadInProcesses(ctx, nil, urls)
		Expect(err).To(MatchError(ContainSubstring("pool")))
	}, SpecTimeout(harness.SpecTimeout))

	It("gives the same answers as a goroutine pool, and prints what each cost, both measured in the same run", func(ctx SpecContext) {
		srv := fakeserver.New(fakeserver.WithLatency(10 * time.Millisecond))
		DeferCleanup(srv.Close)
		urls := fakeserver.Sites(srv.URL)
		const workers = 5

		var pool *proc.Pool
		startup := timed(func() { pool = newPool(ctx, workers, proc.Task{Name: "session", Arg: srv.URL}) })
		var procSizes, goSizes []int
		var procErr, goErr error
		procTime := timed(func() { procSizes, procErr = processwork.DownloadInProcesses(ctx, pool, urls) })
		site := web.NewSite(srv)
		goTime := timed(func() { goSizes, goErr = goroutinePool(ctx, site, urls, workers) })
		Expect(procErr).NotTo(HaveOccurred())
		Expect(goErr).NotTo(HaveOccurred())
		Expect(procSizes).To(Equal(expectedSizes(len(urls))))
		Expect(goSizes).To(Equal(procSizes))
		fmt.Fprintf(GinkgoWriter, "160 downloads, %d workers, latency 10ms: goroutines %v; processes %v + start-up %v = %v (%.2f× the goroutines)\n",
			workers, goTime.Round(time.Millisecond), procTime.Round(time.Millisecond), startup.Round(time.Millisecond),
			(procTime + startup).Round(time.Millisecond), float64(procTime+startup)/float64(goTime))
		AddReportEntry("I/O: processes vs goroutines", fmt.Sprintf("goroutines %v, processes %v + start-up %v", goTime.Round(time.Millisecond), procTime.Round(time.Millisecond), startup.Round(time.Millisecond)))
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("What a process costs", Label("harness"), func() {
	It("measures a worker's memory (RSS), its start-up and one round trip, and prints them", func(ctx SpecContext) {
		var pool *proc.Pool
		startup := timed(func() { pool = newPool(ctx, 1, proc.Task{}) })
		pid := pool.PIDs()[0]
		rss, err := proc.RSS(pid)
		Expect(err).NotTo(HaveOccurred())
		self, err := proc.RSS(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		Expect(rss).To(BeNumerically(">", 0))

		const trips = 200
		tasks := make([]proc.Task, trips)
		for i := range tasks {
			tasks[i] = proc.Task{Name: "sum-of-squares", Arg: "1"}
		}
		_, err = pool.Map(ctx, tasks[:10]) // warm
		Expect(err).NotTo(HaveOccurred())
		roundTrips := timed(func() { _, err = pool.Map(ctx, tasks) })
		Expect(err).NotTo(HaveOccurred())
		goroutine := timed(func() {
			done := make(chan struct{})
			for range trips {
				go func() { _ = workload.SumOfSquares(1); done <- struct{}{} }()
				<-done
			}
		})
		report := fmt.Sprintf("one worker process: RSS %d kB (this test process: %d kB); start-up %v; one task round trip %v (a goroutine hand-off: %v)",
			rss, self, startup.Round(time.Microsecond), (roundTrips / trips).Round(time.Microsecond), (goroutine / trips).Round(100*time.Nanosecond))
		fmt.Fprintln(GinkgoWriter, report)
		AddReportEntry("what a process costs", report)
	}, SpecTimeout(harness.SpecTimeout))
})
