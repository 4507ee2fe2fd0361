package choose_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// The measurements of Task 6. Wall-clock time is compared only as ratios of
// figures measured in the same run, interleaved, so that a busy machine
// slows the reference and the learner's run alike.

// calibrate returns the number of Digest rounds that makes one sequential
// pass over bodies take about target in this build (the race detector makes
// Digest several times slower, and machines differ), at least 1.
func calibrate(bodies [][]byte, target time.Duration) int {
	const probe = 10
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		for _, b := range bodies {
			workload.Digest(b, probe)
		}
		best = min(best, time.Since(start))
	}
	return max(1, int(float64(probe)*float64(target)/float64(max(best, time.Microsecond))))
}

// sequential digests every body one after another on this goroutine, and
// returns the digests and how long that took: the total CPU time of the
// work.
func sequential(bodies [][]byte, digest func([]byte) uint64) ([]uint64, time.Duration) {
	out := make([]uint64, len(bodies))
	start := time.Now()
	for i, b := range bodies {
		out[i] = digest(b)
	}
	return out, time.Since(start)
}

// parallel digests every body with procs goroutines that take the next body
// from a shared counter, and returns how long that took: the fastest the
// CPU stage can go on this machine right now, with no I/O at all.
func parallel(bodies [][]byte, digest func([]byte) uint64, procs int) time.Duration {
	var next atomic.Int64
	sink := make([]uint64, len(bodies))
	var wg sync.WaitGroup
	start := time.Now()
	for range procs {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(bodies); i = int(next.Add(1) - 1) {
				sink[i] = digest(bodies[i])
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// downloadersFor returns the fewest downloaders whose rounds of requests
// (latency each) fit in the time cpu of the CPU stage: ChoosePlan's rule.
func downloadersFor(pages int, latency, cpu time.Duration) int {
	rounds := int(cpu / latency)
	if rounds < 1 {
		return pages
	}
	return ceilDiv(pages, rounds)
}

// downloadAll downloads urls with a plain pool of workers goroutines, one
// Session each, and no digest: the fastest the I/O stage can go on this
// machine right now, at that concurrency. It returns how long that took.
func downloadAll(ctx context.Context, site *web.Site, urls []string, workers int) (time.Duration, error) {
	var next atomic.Int64
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		session := site.NewSession()
		wg.Go(func() {
			defer session.Close()
			for i := int(next.Add(1) - 1); i < len(urls); i = int(next.Add(1) - 1) {
				if _, err := get(ctx, session, urls[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	return elapsed, <-errs
}

// plain is the spec's own pipeline, the plainest there is: workers
// downloaders (one Session each) hand each body over a channel to procs
// digesters; no order kept, no cancellation, and of the errors only the first
// is returned. It measures what a pipeline costs on this machine right now,
// under the load the learner's run shares: the HTTP work of client and server
// (both in this process) competes with the digests for the same processors,
// which the ideal leaves out. That costs little on an idle machine and much on
// a busy one. It returns how long the pipeline took.
func plain(ctx context.Context, site *web.Site, urls []string, workers int, digest func([]byte) uint64, procs int) (time.Duration, error) {
	var next atomic.Int64
	bodies := make(chan []byte, workers)
	errs := make(chan error, workers)
	var downloaders, digesters sync.WaitGroup
	start := time.Now()
	for range procs {
		digesters.Go(func() {
			for body := range bodies {
				digest(body)
			}
		})
	}
	for range workers {
		session := site.NewSession()
		downloaders.Go(func() {
			defer session.Close()
			for i := int(next.Add(1) - 1); i < len(urls); i = int(next.Add(1) - 1) {
				body, err := get(ctx, session, urls[i])
				if err != nil {
					errs <- err
					return
				}
				bodies <- body
			}
		})
	}
	downloaders.Wait()
	close(bodies)
	digesters.Wait()
	elapsed := time.Since(start)
	close(errs)
	return elapsed, <-errs
}

// get downloads url whole with session.
func get(ctx context.Context, session *web.Session, url string) ([]byte, error) {
	resp, err := session.Get(ctx, url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// cores is how many goroutines can compute at the same instant.
func cores() int { return min(runtime.GOMAXPROCS(0), runtime.NumCPU()) }

// A round is one interleaved measurement of Task 6.
type round struct {
	latency              time.Duration // the server's
	ioCalc               time.Duration // ⌈pages ÷ D⌉ × latency
	io, seq, par, actual time.Duration // see table
	plain                time.Duration // the spec's own plain pipeline
	procs, downloaders   int
	note                 string // why the run did not finish, if it did not
}

// cpuNaive is the textbook CPU bound: the sequential CPU time shared
// perfectly among the cores.
func (r round) cpuNaive() time.Duration { return r.seq / time.Duration(r.procs) }

// ideal is the run's lower bound in theory: the slower of the two stages,
// each at its best. The CPU stage's best is measured (par), not computed
// from seq, and it cannot start before the first page has arrived, one
// latency in: see the README, "Measuring".
func (r round) ideal() time.Duration { return max(r.io, r.latency+r.par) }

// best is what the run is compared with: the ideal, or the spec's own plain
// pipeline measured just before and just after the run (the slower of the
// two) if that took longer: the ideal leaves out the HTTP work, which takes
// processors from the digests.
func (r round) best() time.Duration { return max(r.ideal(), r.plain) }

// ratio is how far the run was from its ideal.
func (r round) ratio() float64 { return float64(r.actual) / float64(r.best()) }

// table formats rounds as the table the spec reports.
func table(rounds []round) string {
	if len(rounds) == 0 {
		return "no round was measured: the spec stopped before its first round ended (see its failure above)"
	}
	var b strings.Builder
	ms := func(d time.Duration) string { return fmt.Sprintf("%7.0f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(&b, "%-5s %10s %10s %10s %3s %10s %10s %10s %10s %10s %10s %6s\n", "round", "CPU seq", "CPU seq÷P", "CPU bound", "D", "⌈160÷D⌉×lat", "I/O bound", "ideal", "plain pipe", "best", "actual", "ratio")
	for i, r := range rounds {
		fmt.Fprintf(&b, "%-5d %s %s %s %3d %s %s %s %s %s %s %5.2f×%s\n", i+1, ms(r.seq), ms(r.cpuNaive()), ms(r.par), r.downloaders, ms(r.ioCalc), ms(r.io), ms(r.ideal()), ms(r.plain), ms(r.best()), ms(r.actual), r.ratio(), r.note)
	}
	fmt.Fprintf(&b, "CPU seq = every digest one after another (once, before the rounds); CPU seq÷P = that over P = %d cores;\n"+
		"CPU bound = the slower of two runs of the digests on P goroutines with no I/O, just before and just after\n"+
		"the run; D = Downloaders, chosen so that the I/O stage takes about half the CPU bound;\n"+
		"I/O bound = the downloads alone by a plain pool of D goroutines (at best ⌈pages ÷ D⌉ × latency);\n"+
		"ideal = max(I/O bound, latency + CPU bound), as the CPU stage cannot start before the first page arrives;\n"+
		"plain pipe = the slower of two runs of the spec's own plainest pipeline (D downloaders, P digesters),\n"+
		"just before and just after the run;\n"+
		"best = max(ideal, plain pipe); ratio = actual ÷ best.", rounds[0].procs)
	return b.String()
}
