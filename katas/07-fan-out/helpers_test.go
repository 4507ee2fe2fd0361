package fanout_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/sitespec"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/07-fan-out"
)

// onVirtualClient runs body on virtual time (harness.Virtual) with a fresh
// in-memory fake server at the kata's latency and a Client on it, the one
// DownloadAll shares between its goroutines. opts are added after the
// latency (jitter, faults): they follow the body, as an It's decorators
// follow its body. When body returns the client is closed, then the server,
// inside the bubble, where they were made; a body may close the client
// sooner, to count the goroutines left behind (a second Close does nothing).
func onVirtualClient(body func(srv *fakeserver.Server, client *web.Client), opts ...fakeserver.Option) {
	harness.Virtual(func() {
		srv := fakeserver.NewInMemory(append([]fakeserver.Option{fakeserver.WithLatency(latency)}, opts...)...)
		defer srv.Close()
		client := web.NewSite(srv).NewClient()
		defer client.Close()
		body(srv, client)
	})
}

// expectPagesByIndex checks that pages[i] is the downloaded page of urls[i].
func expectPagesByIndex(pages []fanout.Page, urls []string) {
	ExpectWithOffset(1, pages).To(HaveLen(len(urls)), "one Page per URL")
	for i, p := range pages {
		ExpectWithOffset(1, p.URL).To(Equal(urls[i]),
			"pages[%d] must be the page of urls[%d]: store each result at its URL's index (results[i] = ...), not in the order the downloads finished. See README, \"Results by index\"", i, i)
		ExpectWithOffset(1, p.Err).NotTo(HaveOccurred(), "pages[%d] (%s)", i, p.URL)
		ExpectWithOffset(1, p.Size).To(Equal(sitespec.PageSize(p.URL)), "pages[%d].Size is the size of the body of %s", i, p.URL)
	}
}

// settledGoroutines lets every goroutine of the bubble run until it ends or
// blocks for good, and returns the stacks of those left. Only this bubble's:
// harness.BubbleGoroutines also lists the goroutines that an earlier spec's
// bubble left blocked for good, which would make one leak fail every spec
// after it with a wrong count.
func settledGoroutines() []string {
	synctest.Wait()
	mine := thisBubble()
	return slices.DeleteFunc(harness.BubbleGoroutines(), func(g string) bool {
		header, _, _ := strings.Cut(g, "\n")
		return !strings.Contains(header, mine+"]") && !strings.Contains(header, mine+",")
	})
}

// thisBubble returns "synctest bubble N", N being the bubble of the calling
// goroutine, as the runtime's stack dumps name it.
func thisBubble() string {
	buf := make([]byte, 1024)
	header, _, _ := strings.Cut(string(buf[:runtime.Stack(buf, false)]), "\n")
	_, id, ok := strings.Cut(header, "synctest bubble ")
	if !ok {
		Fail("settledGoroutines called outside harness.Virtual (a harness problem, not yours)")
	}
	end := strings.IndexFunc(id, func(r rune) bool { return r < '0' || r > '9' })
	return "synctest bubble " + id[:max(end, 0)]
}

// expectNoGoroutineLeft checks that the bubble is back to the goroutines it
// had before the run (baseline), and shows a leaked one if not.
func expectNoGoroutineLeft(baseline int) {
	left := settledGoroutines()
	msg := func() string {
		extra := ""
		for _, g := range left {
			if strings.Contains(g, "07-fan-out.") { // your package, not its _test package
				extra = "\nOne of them, blocked for good:\n" + g
				break
			}
		}
		if extra == "" && len(left) > 1 {
			extra = "\nOne of them:\n" + left[len(left)-1]
		}
		return fmt.Sprintf("Expected DownloadAll to leave no goroutine behind: the bubble had %d goroutines before the run\n"+
			"and %d after it (the client closed, every other goroutine run until it ended or blocked for good).\n"+
			"DownloadAll returned before its goroutines ended, and some of them can never end: usually\n"+
			"a goroutine sending its result on a channel that nobody reads any more after the first error.\n"+
			"Wait for every goroutine (sync.WaitGroup) and store results by index. See README, \"No goroutine left behind\".%s",
			baseline, len(left), extra)
	}
	ExpectWithOffset(1, len(left)).To(Equal(baseline), msg)
}

// cpuTime returns the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail with RUSAGE_SELF
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuWatchdog explains, in the spec's output, a run that has used more than
// budget of CPU time since start: a correct run uses a tenth of it however
// busy the machine is, so the run is spinning (on virtual time a goroutine
// that never blocks keeps the clock from moving). It runs on real time,
// outside any bubble, until the spec ends.
func cpuWatchdog(start, budget time.Duration) {
	done := make(chan struct{})
	DeferCleanup(func() { close(done) })
	go func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if used := cpuTime() - start; used > budget {
					fmt.Fprintf(GinkgoWriter, "\nThis run has used %v of CPU time; a correct DownloadAll needs about a tenth of that,\n"+
						"however busy the machine. On virtual time a goroutine that never blocks (a loop polling a\n"+
						"counter or a flag) keeps the clock from moving, so the run can never end: wait with a\n"+
						"sync.WaitGroup instead. The spec is stopped when its time runs out. See README, \"Task 2: DownloadAll\".\n", used.Round(time.Second))
					return
				}
			}
		}
	}()
}

// slowBodiesFailingAt makes request n answer 500 after one latency while
// every other body trickles in over 16 latencies (a slow body), so only
// cancellation ends a run early.
func slowBodiesFailingAt(n int) fakeserver.Option {
	return fakeserver.WithFaults(
		fakeserver.Fault{Kind: fakeserver.StatusFault, Request: n},
		fakeserver.Fault{Kind: fakeserver.SlowBodyFault},
	)
}

// slowServerFailingAt starts an in-memory server, at the kata's latency, on
// which request n fails and the other bodies are slow (see
// slowBodiesFailingAt), for a spec that runs more than one server. Start it
// inside the bubble and close it there.
func slowServerFailingAt(n int) *fakeserver.Server {
	return fakeserver.NewInMemory(fakeserver.WithLatency(latency), slowBodiesFailingAt(n))
}
