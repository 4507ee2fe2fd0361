package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// A Site makes Sessions that reach one fake server, and counts them. It is
// the katas' stand-in for "the internet" as learner code sees it: kata APIs
// take a site.NewSession function wherever the Python original made a
// requests.Session.
//
// A Site is safe for concurrent use. Its zero value is not usable: make one
// with NewSite.
type Site struct {
	srv        *fakeserver.Server
	closeTakes time.Duration
	made       atomic.Int64
	closed     atomic.Int64
	bodies     bodyLedger
}

// A SiteOption changes how a Site's sessions behave, for a spec.
type SiteOption func(*Site)

// CloseTakes makes the first Close of each Session and Client of the Site
// take d before SessionsOpen counts it closed (the session refuses new
// requests at once). On virtual time (harness.Virtual) that makes the
// order of the end of a run visible: a function that returns while its
// goroutines are still closing their sessions (a worker that calls
// wg.Done before its deferred Close, say) is seen with SessionsOpen above
// 0 at its return, whatever the scheduler happens to run first.
func CloseTakes(d time.Duration) SiteOption { return func(s *Site) { s.closeTakes = max(d, 0) } }

// NewSite returns a Site for srv. The caller still owns srv and closes it.
func NewSite(srv *fakeserver.Server, opts ...SiteOption) *Site {
	s := &Site{srv: srv}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Server returns the fake server this site reaches.
func (s *Site) Server() *fakeserver.Server { return s.srv }

// NewSession returns a new Session with its own pool of keep-alive
// connections, named "s1", "s2"… in the order they were made. The caller
// owns it and must Close it.
func (s *Site) NewSession() *Session {
	return &Session{sessionBase: s.newBase()}
}

// SessionsMade returns how many Sessions NewSession has made.
func (s *Site) SessionsMade() int { return int(s.made.Load()) }

// SessionsOpen returns how many Sessions were made and not yet closed.
func (s *Site) SessionsOpen() int { return int(s.made.Load() - s.closed.Load()) }

// A Session is an HTTP client session like Python's requests.Session: it
// keeps its connections open between requests (keep-alive), so a run that
// reuses one Session opens one connection, not one per request. Each
// request carries the session's ID in the X-Kata-Session header, so the fake
// server can tell sessions apart.
//
// A Session is NOT safe for concurrent use, on purpose: like a
// requests.Session shared between threads, it must belong to one goroutine
// at a time. Get blocks its goroutine for the whole request; two goroutines
// calling Get on one Session at once get an error that says so, and the race
// detector reports the shared use too. A Session may be handed from one
// goroutine to another through a channel or a mutex.
//
// Begin is the one way to have many requests of one Session in flight: it
// starts a request that completes in the background and returns at once, so
// one goroutine (an event loop) can start many. That is how one
// aiohttp.ClientSession serves every task of an asyncio program.
//
// A Session is made by Site.NewSession; whoever made it must Close it.
type Session struct {
	sessionBase

	// lastURL is written without synchronisation on every request, on
	// purpose: two goroutines using one Session race here, and go test -race
	// reports it.
	lastURL string
	busy    atomic.Bool                 // set during Get: a second Get at the same time is an error
	last    atomic.Pointer[trackedBody] // the latest body Get handed out, not judged yet
}

// ErrConcurrentUse is returned (wrapped) by Get when another goroutine is in
// the middle of a Get on the same Session.
var ErrConcurrentUse = errors.New("harness: Session used by two goroutines at once")

// ErrSessionClosed is returned (wrapped) by Get and Begin after Close.
var ErrSessionClosed = errors.New("harness: Session used after Close")

// An HTTPError is returned by Get and Call.Body when the server answered
// with a status that is not 2xx.
type HTTPError struct {
	URL        string
	StatusCode int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s: server answered %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// ID returns the session's name, such as "s1".
func (s *Session) ID() string { return s.id }

// Get sends a GET request for rawURL and returns the response, whose Body
// the caller must read to the end and close before the session's next
// request (a body that is not keeps its connection from being reused, so
// the next request opens a new one). The Site notes each body that was not:
// see Site.UnfinishedBodies.
//
// Errors name the URL: a nil ctx, a malformed URL, a closed Session,
// concurrent use (ErrConcurrentUse), a network failure or cancellation
// (errors.Is(err, context.Canceled) holds), and a status that is not 2xx
// (*HTTPError; the body is then closed for you).
func (s *Session) Get(ctx context.Context, rawURL string) (*http.Response, error) {
	req, err := s.prepare(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if !s.busy.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("GET %s: %w (session %s): a Session is not safe for concurrent use; give each worker its own (kata 03, README: \"One session per worker\")", rawURL, ErrConcurrentUse, s.id)
	}
	defer s.busy.Store(false)
	s.judgeLast()
	resp, err := s.do(req, rawURL)
	if err != nil {
		return nil, err
	}
	resp.Body = s.track(rawURL, resp.Body)
	return resp, nil
}

// prepare checks the arguments and builds the request. It writes lastURL
// without synchronisation: see Session.
func (s *Session) prepare(ctx context.Context, rawURL string) (*http.Request, error) {
	if s == nil {
		return nil, fmt.Errorf("GET %s: harness: nil *Session (make one with site.NewSession())", rawURL)
	}
	// If the race detector stopped here, two goroutines used one Session
	// without handing it over: see the Session doc and kata 03's README.
	s.lastURL = rawURL
	return s.request(ctx, rawURL, ErrSessionClosed, "session")
}

// Close closes the session's idle connections. Requests still in flight
// finish; new ones fail with ErrSessionClosed. The latest body Get handed
// out must be finished by then: Close judges it (see
// Site.UnfinishedBodies). Close may be called more than once.
func (s *Session) Close() error {
	if s == nil {
		return nil
	}
	s.judgeLast()
	s.close()
	return nil
}
