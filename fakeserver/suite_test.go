package fakeserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
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

// freshConns counts, from the client's side, the requests sent on a
// connection never used before (httptrace: GotConn not Reused). Outside
// virtual time net/http does not always reuse an idle connection: it drops
// one whose request its writer goroutine has not reported written within
// 50 ms, which a busy machine can delay. So a spec on real time compares
// the server's connection count with the client's, never with a constant;
// the constant is checked on virtual time, where it is exact.
type freshConns struct{ n atomic.Int64 }

// trace returns ctx with the client trace that counts.
func (f *freshConns) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if !i.Reused {
			f.n.Add(1)
		}
	}})
}

func (f *freshConns) count() int { return int(f.n.Load()) }
