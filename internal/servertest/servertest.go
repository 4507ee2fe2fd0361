// Package servertest holds what the specs of fakeserver and of the packages
// that talk to it (harness/web, harness/match) share: the two networks a
// fake server runs on, a client-side count of fresh connections, and Sites
// and Sessions that are closed after the spec.
package servertest

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/web"
)

// A Network is one of the two ways to run a fake server.
type Network struct {
	Name  string
	Start func(...fakeserver.Option) *fakeserver.Server
}

// Networks are both: real TCP on loopback and net.Pipe in memory.
var Networks = []Network{
	{"on loopback", fakeserver.New},
	{"in memory", fakeserver.NewInMemory},
}

// FreshConns counts, from the client's side, the requests sent on a
// connection never used before (httptrace: GotConn not Reused). Outside
// virtual time net/http does not always reuse an idle connection: it drops
// one whose request its writer goroutine has not reported written within
// 50 ms, which a busy machine can delay. So a spec on real time compares
// the server's connection count with the client's, never with a constant;
// the constant is checked on virtual time, where it is exact.
type FreshConns struct{ n atomic.Int64 }

// Trace returns ctx with the client trace that counts.
func (f *FreshConns) Trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if !i.Reused {
			f.n.Add(1)
		}
	}})
}

// Count is how many requests went out on a fresh connection so far.
func (f *FreshConns) Count() int { return int(f.n.Load()) }

// NewSite starts a server and returns a Site for it; the server is closed
// after the spec.
func NewSite(start func(...fakeserver.Option) *fakeserver.Server, opts ...fakeserver.Option) (*fakeserver.Server, *web.Site) {
	srv := start(opts...)
	DeferCleanup(srv.Close)
	return srv, web.NewSite(srv)
}

// NewSession makes a Session of site that is closed after the spec.
func NewSession(site *web.Site) *web.Session {
	s := site.NewSession()
	DeferCleanup(s.Close)
	return s
}
