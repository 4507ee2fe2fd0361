// Command fakeserver runs the katas' slow fake site on loopback, for demos
// and for trying a program by hand:
//
//	go run ./fakeserver/cmd/fakeserver -latency 100ms
//
// It prints its URL and the two page URLs, then serves until interrupted
// (Ctrl-C), and prints what it saw when it stops. It listens on 127.0.0.1
// only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

func main() {
	latency := flag.Duration("latency", fakeserver.DefaultLatency, "how long each request waits before it is answered")
	jitter := flag.Duration("jitter", 0, "extra random latency per request, in [0, jitter)")
	seed := flag.Uint64("seed", 1, "seed of the jitter")
	fail := flag.Int("fail-every", 0, "if > 0, answer 500 to every request whose number is a multiple of this")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "fakeserver: unexpected argument %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	if *latency < 0 || *jitter < 0 || *fail < 0 {
		fmt.Fprintln(os.Stderr, "fakeserver: -latency, -jitter and -fail-every must not be negative")
		os.Exit(2)
	}

	opts := []fakeserver.Option{fakeserver.WithLatency(*latency), fakeserver.WithJitter(*jitter, *seed)}
	srv := fakeserver.New(opts...)
	if *fail > 0 {
		srv.AddFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Every: *fail})
	}
	fmt.Println(srv.URL)
	fmt.Fprintf(os.Stderr, "fakeserver: serving %s%s (%d bytes) and %s%s (%d bytes), latency %v; Ctrl-C stops\n",
		srv.URL, fakeserver.BigPath, fakeserver.BigSize, srv.URL, fakeserver.SmallPath, fakeserver.SmallSize, *latency)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()

	srv.Close()
	st := srv.Stats()
	fmt.Fprintf(os.Stderr, "fakeserver: %d requests, peak %d in flight, %d connections, %d sessions, busy for %v\n",
		st.Requests, st.PeakInFlight, st.Connections, len(st.Sessions), st.Elapsed().Round(time.Millisecond))
}
