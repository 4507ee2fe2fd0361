package web

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// An UnfinishedBody is a response that Session.Get handed out whose body
// was not finished (read to the end and closed) before the session's next
// request or its Close. Its connection could not be reused: net/http keeps a
// connection only once the body before it was read to the end and closed.
type UnfinishedBody struct {
	Session   string // the session's ID, such as "s1"
	URL       string // the URL requested
	ReadToEnd bool   // a Read returned io.EOF
	Closed    bool   // Close was called
}

// Why returns what was missing: "not read to the end", "not closed" or both.
func (u UnfinishedBody) Why() string {
	switch {
	case !u.ReadToEnd && !u.Closed:
		return "neither read to the end nor closed"
	case !u.ReadToEnd:
		return "closed before it was read to the end"
	default:
		return "read to the end but not closed"
	}
}

// bodyLedger is a Site's record of the bodies its Sessions handed out. It is
// safe for concurrent use: the Sessions of one Site run on many goroutines.
type bodyLedger struct {
	handed     atomic.Int64
	mu         sync.Mutex
	unfinished []UnfinishedBody
}

func (l *bodyLedger) note(u UnfinishedBody) {
	l.mu.Lock()
	l.unfinished = append(l.unfinished, u)
	l.mu.Unlock()
}

// Bodies returns how many response bodies the Site's Sessions have handed
// out through Get (a non-2xx answer's body is closed by Get itself and not
// counted). With UnfinishedBodies it proves keep-alive reuse from the
// client's side, exactly, where counting connections on real loopback
// cannot: net/http may open a new connection on a busy machine even when
// every body was finished.
func (s *Site) Bodies() int { return int(s.bodies.handed.Load()) }

// UnfinishedBodies returns the bodies, in the order found, that were not
// read to the end and closed before their session's next request or its
// Close. A body still being read when its session is neither used again nor
// closed is not judged yet. The caller owns the returned slice.
func (s *Site) UnfinishedBodies() []UnfinishedBody {
	s.bodies.mu.Lock()
	defer s.bodies.mu.Unlock()
	return append([]UnfinishedBody(nil), s.bodies.unfinished...)
}

// trackedBody wraps a response body and notes whether it was read to the
// end and closed. Its flags are atomic: a learner may read a body on another
// goroutine than the one that calls the session's next Get, and the race
// detector must then point at the learner's code, not at this.
type trackedBody struct {
	io.ReadCloser
	url    string
	sawEOF atomic.Bool
	closed atomic.Bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.sawEOF.Store(true)
	}
	return n, err
}

func (b *trackedBody) Close() error {
	b.closed.Store(true)
	return b.ReadCloser.Close()
}

// track wraps body as the session's latest.
func (s *Session) track(url string, body io.ReadCloser) io.ReadCloser {
	b := &trackedBody{ReadCloser: body, url: url}
	s.site.bodies.handed.Add(1)
	s.last.Store(b)
	return b
}

// judgeLast notes the session's latest body in its Site's ledger if it was
// not finished, and forgets it. It runs before each request and at Close.
func (s *Session) judgeLast() {
	b := s.last.Swap(nil)
	if b == nil {
		return
	}
	if eof, closed := b.sawEOF.Load(), b.closed.Load(); !eof || !closed {
		s.site.bodies.note(UnfinishedBody{Session: s.id, URL: b.url, ReadToEnd: eof, Closed: closed})
	}
}

// BodiesOpen returns how many response bodies the Client's Get has handed
// out that were not closed yet. A Client's bodies are read on many
// goroutines at once, so it cannot judge each one at its next request as a
// Session does: it counts them instead. Once every goroutine that used the
// Client has finished, a count above zero is a body never closed.
func (c *Client) BodiesOpen() int { return int(c.bodiesOpen.Load()) }

// countedBody is a body of a Client's, counted in bodiesOpen until its first
// Close.
type countedBody struct {
	io.ReadCloser
	open   *atomic.Int64
	closed atomic.Bool
}

func (b *countedBody) Close() error {
	if b.closed.CompareAndSwap(false, true) {
		b.open.Add(-1)
	}
	return b.ReadCloser.Close()
}

// count wraps body as one of the Client's open bodies.
func (c *Client) count(body io.ReadCloser) io.ReadCloser {
	c.bodiesOpen.Add(1)
	return &countedBody{ReadCloser: body, open: &c.bodiesOpen}
}
