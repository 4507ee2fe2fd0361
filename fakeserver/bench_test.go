package fakeserver_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// fetch GETs url with client and reads the body whole, failing b on error.
func fetch(b *testing.B, client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		b.Error(err)
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Error(err)
	}
}

// BenchmarkRequestsZeroLatency measures how many requests per second one
// keep-alive client gets from a server with no latency over loopback: the
// overhead the fake server adds to every request.
func BenchmarkRequestsZeroLatency(b *testing.B) {
	for _, page := range []string{fakeserver.SmallPath, fakeserver.BigPath} {
		b.Run(page[1:], func(b *testing.B) {
			srv := fakeserver.New(fakeserver.WithLatency(0))
			defer srv.Close()
			client := srv.Client()
			defer client.CloseIdleConnections()
			url := srv.URL + page
			start := time.Now()
			for b.Loop() {
				fetch(b, client, url)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			// Normally 1. net/http's Transport gives up on reusing a
			// connection when its writer goroutine has not reported within
			// 50 ms (maxWriteWaitBeforeConnReuse), which happens on a loaded
			// machine: so this is reported, not required.
			b.ReportMetric(float64(srv.Stats().Connections), "conns")
		})
	}
}

// BenchmarkRequestsZeroLatencyParallel is the same with GOMAXPROCS clients
// at once, each on its own keep-alive connection.
func BenchmarkRequestsZeroLatencyParallel(b *testing.B) {
	srv := fakeserver.New(fakeserver.WithLatency(0))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	url := srv.URL + fakeserver.SmallPath
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fetch(b, client, url)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkAddedLatencyAt160 sends the 160 sites at once to a loopback
// server with a 50 ms latency, and reports how much longer than the latency
// the requests took: as the server measured them (span duration − latency)
// and as the clients saw them (time from Get to the body read − latency).
// One op is one round of 160 requests.
func BenchmarkAddedLatencyAt160(b *testing.B) {
	const latency = 50 * time.Millisecond
	srv := fakeserver.New(fakeserver.WithLatency(latency))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	urls := fakeserver.Sites(srv.URL)

	var serverSum, serverMax, clientSum, clientMax time.Duration
	var mu sync.Mutex
	round := func() fakeserver.Stats {
		srv.ResetStats()
		var wg sync.WaitGroup
		for _, u := range urls {
			wg.Go(func() {
				began := time.Now()
				fetch(b, client, u)
				extra := time.Since(began) - latency
				mu.Lock()
				clientSum += extra
				clientMax = max(clientMax, extra)
				mu.Unlock()
			})
		}
		wg.Wait()
		return srv.Stats()
	}
	// A first round opens the connections; the measured rounds reuse them.
	round()
	clientSum, clientMax = 0, 0
	n, minPeak := 0, len(urls)
	for b.Loop() {
		st := round()
		minPeak = min(minPeak, st.PeakInFlight)
		for _, sp := range st.Spans {
			extra := sp.Duration() - sp.Latency
			serverSum += extra
			serverMax = max(serverMax, extra)
		}
		n += len(st.Spans)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(serverSum)/float64(n), "server-extra-mean-ms")
	b.ReportMetric(ms(serverMax), "server-extra-max-ms")
	b.ReportMetric(ms(clientSum)/float64(n), "client-extra-mean-ms")
	b.ReportMetric(ms(clientMax), "client-extra-max-ms")
	b.ReportMetric(float64(minPeak), "min-peak-in-flight")
}
