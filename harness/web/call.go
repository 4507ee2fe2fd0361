package web

import (
	"context"
	"fmt"
	"io"
)

// A Call is a request started by Session.Begin. It completes in the
// background: the network wait and the reading of the body happen on a
// goroutine of the harness, never on the goroutine that called Begin.
//
// A Call is safe for concurrent use. Done is closed when the request has
// finished, successfully or not; Body then returns at once.
type Call struct {
	url  string
	done chan struct{}
	body []byte
	err  error
}

// Begin starts a GET request for rawURL and returns at once. The request
// goes on until it completes or ctx is done; the body is read whole. Begin
// itself is as unsafe for concurrent use as the rest of the Session: call it
// from one goroutine (your event loop) only. Many Calls of one Session may be
// in flight at once.
//
// Errors that need no network (nil ctx, malformed URL, closed Session) are
// reported by the returned Call, which is then already done.
func (s *Session) Begin(ctx context.Context, rawURL string) *Call {
	c := &Call{url: rawURL, done: make(chan struct{})}
	req, err := s.prepare(ctx, rawURL)
	if err != nil {
		c.err = err
		close(c.done)
		return c
	}
	s.judgeLast()
	go func() {
		defer close(c.done)
		defer s.endCall()
		resp, err := s.do(req, rawURL)
		if err != nil {
			c.err = err
			return
		}
		defer resp.Body.Close()
		c.body, err = io.ReadAll(resp.Body)
		if err != nil {
			c.err = fmt.Errorf("GET %s: reading the body: %w", rawURL, err)
		}
	}()
	return c
}

// endCall notes that a Call has finished. A Call that finishes after Close
// returns its connection to the idle pool, so it is closed here.
func (s *Session) endCall() {
	if s.closed.Load() {
		s.client.CloseIdleConnections()
	}
}

// URL returns the URL the call requested.
func (c *Call) URL() string { return c.url }

// Done returns a channel that is closed when the call has finished.
func (c *Call) Done() <-chan struct{} { return c.done }

// Body waits for the call to finish and returns the whole body, or the
// error: as for Session.Get, errors name the URL and a non-2xx status is an
// *HTTPError.
func (c *Call) Body() ([]byte, error) {
	<-c.done
	return c.body, c.err
}
