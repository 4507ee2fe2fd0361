package web_test

import (
	"context"
	"io"
	"net/http/httptrace"
	"sync/atomic"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
)

func TestWeb(t *testing.T) { harness.RunSuite(t, "harness/web") }

// A network is one of the two ways to run a fake server.
type network struct {
	name  string
	start func(...fakeserver.Option) *fakeserver.Server
}

var networks = []network{
	{"on loopback", fakeserver.New},
	{"in memory", fakeserver.NewInMemory},
}

// newSite starts a server and returns a Site for it; the server is closed
// after the spec.
func newSite(start func(...fakeserver.Option) *fakeserver.Server, opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := start(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

// newSession makes a Session of site that is closed after the spec.
func newSession(site *web.Site) *web.Session {
	s := site.NewSession()
	DeferCleanup(s.Close)
	return s
}

// read GETs url with s and returns the body, read whole and closed.
func read(ctx context.Context, s *web.Session, url string) ([]byte, error) {
	resp, err := s.Get(ctx, url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// mustRead is read that expects success.
func mustRead(ctx context.Context, s *web.Session, url string) []byte {
	GinkgoHelper()
	body, err := read(ctx, s, url)
	Expect(err).NotTo(HaveOccurred())
	return body
}

// page returns the body the server sends for path.
func page(path string) []byte {
	b, ok := fakeserver.Body(path)
	Expect(ok).To(BeTrue())
	return b
}

// freshConns counts, from the client's side, the requests sent on a
// connection never used before (httptrace: GotConn not Reused). Outside
// virtual time net/http does not always reuse an idle connection (it drops
// one whose request its writer goroutine has not reported written within
// 50 ms, which a busy machine can delay), so a spec on real time compares
// the server's count with the client's; exact counts are checked on virtual
// time.
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
