package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// A sessionBase is what a Session and a Client share: the session name the
// fake server counts them by, an http.Client with its own pool of keep-alive
// connections, the Site that counts them open and closed, and whether Close
// was called.
type sessionBase struct {
	id     string
	client *http.Client
	site   *Site
	closed atomic.Bool
}

// newBase is the Site's next session: named "s1", "s2"… in the order made
// (Sessions and Clients alike), with a client over the site's transport.
func (s *Site) newBase() sessionBase {
	n := s.made.Add(1)
	return sessionBase{id: fmt.Sprintf("s%d", n), client: &http.Client{Transport: s.srv.Transport()}, site: s}
}

// request checks what every GET of a Session or Client checks (a ctx, not
// closed: then errClosed, wrapped, naming what (session or client) and its
// name) and builds the request.
func (b *sessionBase) request(ctx context.Context, rawURL string, errClosed error, what string) (*http.Request, error) {
	if ctx == nil {
		return nil, nilContextError(rawURL)
	}
	if b.closed.Load() {
		return nil, fmt.Errorf("GET %s: %w (%s %s)", rawURL, errClosed, what, b.id)
	}
	return newGet(ctx, rawURL, b.id, b.site.srv.URL)
}

// close counts the first Close in the Site's SessionsOpen and closes the
// idle connections (at every Close: a request that was in flight at the
// first may have returned one since).
func (b *sessionBase) close() {
	if b.closed.CompareAndSwap(false, true) {
		if b.site.closeTakes > 0 {
			time.Sleep(b.site.closeTakes)
		}
		b.site.closed.Add(1)
	}
	b.client.CloseIdleConnections()
}

// newGet checks rawURL and builds a GET request for it that carries the
// session header id. exampleBase is the server's URL, for the message that
// shows what a good URL looks like.
func newGet(ctx context.Context, rawURL, id, exampleBase string) (*http.Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("GET %q: harness: malformed URL: want an absolute http:// URL such as %s%s", rawURL, exampleBase, fakeserver.BigPath)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set(fakeserver.SessionHeader, id)
	return req, nil
}

// do sends req. Errors name the URL once; a status that is not 2xx becomes
// an *HTTPError, its body drained and closed.
func (b *sessionBase) do(req *http.Request, rawURL string) (*http.Response, error) {
	resp, err := b.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the method and URL we add
		}
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, &HTTPError{URL: rawURL, StatusCode: resp.StatusCode}
	}
	return resp, nil
}

// nilContextError is the error of a GET given a nil context.
func nilContextError(rawURL string) error {
	return fmt.Errorf("GET %s: harness: nil context: pass the ctx your function was given (context.Background() only at the very top)", rawURL)
}
