package web_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
)

func TestWeb(t *testing.T) { harness.RunSuite(t, "harness/web") }

// sessionInBubble is for a spec inside harness.Virtual: an in-memory server
// and a Session of it, closed by the returned func. Defer it: a bubble must
// see its goroutines end before it returns, so DeferCleanup would close
// them too late.
func sessionInBubble(opts ...fakeserver.Option) (*fakeserver.Server, *web.Session, func()) {
	srv := fakeserver.NewInMemory(opts...)
	s := web.NewSite(srv).NewSession()
	return srv, s, func() {
		s.Close()
		srv.Close()
	}
}

// A getter is what read needs of a Session or a Client.
type getter interface {
	Get(ctx context.Context, url string) (*http.Response, error)
}

// read GETs url with g and returns the body, read whole and closed.
func read(ctx context.Context, g getter, url string) ([]byte, error) {
	resp, err := g.Get(ctx, url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// mustRead is read that expects success.
func mustRead(ctx context.Context, g getter, url string) []byte {
	GinkgoHelper()
	body, err := read(ctx, g, url)
	Expect(err).NotTo(HaveOccurred())
	return body
}

// page returns the body the server sends for path.
func page(path string) []byte {
	b, ok := fakeserver.Body(path)
	Expect(ok).To(BeTrue())
	return b
}
