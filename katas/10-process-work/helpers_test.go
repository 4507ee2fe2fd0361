package processwork_test

import (
	"context"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/web"
)

// newPool starts the harness's process pool of n workers (0: one per CPU)
// and registers its Close and a check that nothing of it is left.
func newPool(ctx context.Context, n int, init proc.Task) *proc.Pool {
	GinkgoHelper()
	pool, err := proc.NewPool(ctx, proc.PoolConfig{Workers: n, Command: proc.Command, Init: init, Stderr: GinkgoWriter})
	Expect(err).NotTo(HaveOccurred())
	groups := pool.PIDs()
	DeferCleanup(func() {
		proc.Cleanup(os.Getpid(), groups)
	})
	DeferCleanup(func() {
		Expect(pool.Close()).To(Succeed())
		Eventually(func() ([]proc.Process, error) { return ownLeftovers(groups) }).
			Within(3 * time.Second).Should(proc.HaveNoLeftovers())
	})
	return pool
}

// ownLeftovers returns the leftovers of the pool whose workers lead groups:
// the members of those groups and their descendants (another pool of the
// same spec may still be running).
func ownLeftovers(groups []int) ([]proc.Process, error) {
	all, err := proc.Leftovers(os.Getpid(), groups)
	var own []proc.Process
	for _, p := range all {
		if slices.Contains(groups, p.PGID) || slices.Contains(groups, p.PID) {
			own = append(own, p)
		}
	}
	return own, err
}

// goroutinePool is the reference the process pool is measured against: the
// downloads on `workers` goroutines, each with its own Session, sizes in
// order (kata 03's pool, in a few lines).
func goroutinePool(ctx context.Context, site *web.Site, urls []string, workers int) ([]int, error) {
	sizes := make([]int, len(urls))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range workers {
		wg.Go(func() {
			session := site.NewSession()
			defer session.Close()
			for i := range jobs {
				resp, err := session.Get(ctx, urls[i])
				if err == nil {
					var n int64
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					sizes[i] = int(n)
				}
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		})
	}
	for i := range urls {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return sizes, first
}

// timed returns how long f took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
