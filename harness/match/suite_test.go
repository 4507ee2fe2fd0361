package match_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
)

func TestMatch(t *testing.T) { harness.RunSuite(t, "harness/match") }

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
