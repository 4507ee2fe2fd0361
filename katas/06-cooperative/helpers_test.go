package cooperative_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/loop"
	"github.com/concurrency-katas/go-katas/harness/web"
	cooperative "github.com/concurrency-katas/go-katas/katas/06-cooperative"
)

// latency is the fake server's latency on virtual time.
const latency = 100 * time.Millisecond

// beat is the heartbeat's period on virtual time.
const beat = 10 * time.Millisecond

// faultySmallPages makes every small page misbehave as kind says, while the
// big ones answer after one latency (in fakeserver.Sites and SitesN, the
// odd-numbered URLs are the small pages).
func faultySmallPages(kind fakeserver.FaultKind) fakeserver.Option {
	return fakeserver.WithFaults(fakeserver.Fault{Kind: kind, Path: fakeserver.SmallPath})
}

// newLoopbackSite starts a fake server on real loopback (fakeserver.New)
// with opts, and returns it with the Site on it that Download makes its
// Session from. The server is closed when the spec ends (DeferCleanup).
func newLoopbackSite(opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := fakeserver.New(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

// onVirtualSite runs body on virtual time (harness.Virtual) with a fresh
// in-memory fake server at the kata's latency and the Site on it that the
// specs make Sessions from. opts are added after the latency (faults, say):
// they follow the body, as an It's decorators follow its body. The server
// is closed when body returns, inside the bubble, where it was made.
func onVirtualSite(body func(srv *fakeserver.Server, site *web.Site), opts ...fakeserver.Option) {
	harness.Virtual(func() {
		srv := fakeserver.NewInMemory(append([]fakeserver.Option{fakeserver.WithLatency(latency)}, opts...)...)
		defer srv.Close()
		body(srv, web.NewSite(srv))
	})
}

// spawn spawns body on l and fails the spec if Spawn refuses it.
func spawn(l *loop.Loop, name string, body func(*loop.Task) error) *loop.Future {
	GinkgoHelper()
	f, err := l.Spawn(name, body)
	Expect(err).NotTo(HaveOccurred(), "the spec's Spawn(%q) on harness/loop failed (a harness problem, not yours)", name)
	return f
}

// downloadSite runs DownloadSite in a task of a new loop that stops when
// ctx ends, and returns what DownloadSite returned: DownloadSite as the
// specs of harness/sitespec call it. A DownloadSite that panics fails the
// spec with the loop's report of the panic.
func downloadSite(ctx context.Context, session *web.Session, url string) (int, error) {
	GinkgoHelper()
	var l loop.Loop
	var size int
	var err error
	returned := false
	spawn(&l, "DownloadSite", func(t *loop.Task) error {
		size, err = cooperative.DownloadSite(t, session, url)
		returned = true
		return nil
	})
	runErr := l.Run(ctx)
	Expect(returned).To(BeTrue(), "DownloadSite never returned: %v", runErr)
	return size, err
}

// A heartbeat is a task that sleeps beat between beats until stop is set,
// and records the longest gap between two beats. On a loop that nobody
// blocks, every gap is exactly beat (on virtual time).
type heartbeat struct {
	stop    bool // set by another task of the same loop
	longest time.Duration
}

func (h *heartbeat) task(t *loop.Task) error {
	last := time.Now()
	for !h.stop {
		if err := t.Sleep(beat); err != nil {
			return err
		}
		h.longest = max(h.longest, time.Since(last))
		last = time.Now()
	}
	return nil
}

// stalledMessage explains a heartbeat that missed beats.
func stalledMessage(h *heartbeat, what string) string {
	return fmt.Sprintf("A heartbeat task that sleeps %v between beats saw a gap of %v: the whole loop was stalled\n"+
		"while %s. A task that calls a function which BLOCKS its goroutine (session.Get, time.Sleep,\n"+
		"workload.LegacyLookup...) holds the loop: no other task can run until it returns. Start the work\n"+
		"off the loop and Await it (README, \"The blocking-call pitfall\").", beat, h.longest, what)
}
