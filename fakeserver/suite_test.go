package fakeserver_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
)

func TestFakeserver(t *testing.T) { harness.RunSuite(t, "fakeserver") }

// serve starts a server and a client for it; both are closed after the spec
// (before its leak check).
func serve(start func(...fakeserver.Option) *fakeserver.Server, opts ...fakeserver.Option) (*fakeserver.Server, *http.Client) {
	GinkgoHelper()
	srv := start(opts...)
	client := srv.Client()
	DeferCleanup(client.CloseIdleConnections)
	DeferCleanup(srv.Close)
	return srv, client
}

// serveInBubble is serve for a spec inside harness.Virtual: an in-memory
// server and a client for it, closed by the returned func. Defer it: a
// bubble must see its goroutines end before it returns, so DeferCleanup
// would close them too late.
func serveInBubble(opts ...fakeserver.Option) (*fakeserver.Server, *http.Client, func()) {
	srv := fakeserver.NewInMemory(opts...)
	client := srv.Client()
	return srv, client, func() {
		client.CloseIdleConnections()
		srv.Close()
	}
}

// getAll GETs every url at once, each from its own goroutine, and returns
// when all the answers are read.
func getAll(ctx context.Context, client *http.Client, urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() { mustGet(ctx, client, u) })
	}
	wg.Wait()
}

// get sends a GET for url with the given header name/value pairs, reads the
// body whole and closes it.
func get(ctx context.Context, client *http.Client, url string, header ...string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// mustGet is get that expects no error and returns the status and body.
func mustGet(ctx context.Context, client *http.Client, url string, header ...string) (int, []byte) {
	GinkgoHelper()
	status, body, err := get(ctx, client, url, header...)
	Expect(err).NotTo(HaveOccurred())
	return status, body
}
