package fakeserver_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
)

func TestFakeserver(t *testing.T) { harness.RunSuite(t, "fakeserver") }

// A network is one of the two ways to run a Server.
type network struct {
	name  string
	start func(...fakeserver.Option) *fakeserver.Server
}

// networks are both: real TCP on loopback and net.Pipe in memory.
var networks = []network{
	{"on loopback", fakeserver.New},
	{"in memory", fakeserver.NewInMemory},
}

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
