package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
)

// A Client is an HTTP client that, unlike a Session, IS safe for concurrent
// use: any number of goroutines may call Get at the same time. It is the Go
// answer to the one aiohttp.ClientSession that every task of an asyncio
// program shares: one http.Client (which is safe for concurrent use) with one
// pool of keep-alive connections, and one session ID stamped on every
// request, so the fake server counts it as one session however many
// goroutines use it.
//
// The pool opens as many connections as there are requests in flight at once
// and keeps some of them for reuse; Close closes the idle ones. A Client
// counts as a session in its Site's SessionsMade and SessionsOpen.
//
// A Client is made by Site.NewClient; whoever made it must Close it, after
// every goroutine that uses it has finished.
type Client struct {
	sessionBase
	bodiesOpen atomic.Int64 // bodies Get handed out and not closed yet (see BodiesOpen)
}

// NewClient returns a new Client, safe for concurrent use, with its own pool
// of keep-alive connections. It takes the next session name ("s1", "s2"…,
// shared with NewSession). The caller owns it and must Close it.
func (s *Site) NewClient() *Client {
	return &Client{sessionBase: s.newBase()}
}

// ErrClientClosed is returned (wrapped) by Client.Get after Close.
var ErrClientClosed = errors.New("harness: Client used after Close")

// ID returns the client's session name, such as "s1".
func (c *Client) ID() string { return c.id }

// Get sends a GET request for rawURL and returns the response, whose Body
// the caller must read and close. It is safe to call from many goroutines at
// once. Its errors are those of Session.Get, and they name the URL: a nil
// ctx, a malformed URL, a closed Client (ErrClientClosed), a network failure
// or cancellation (errors.Is(err, context.Canceled) holds), and a status that
// is not 2xx (*HTTPError; the body is then closed for you).
func (c *Client) Get(ctx context.Context, rawURL string) (*http.Response, error) {
	if c == nil {
		return nil, fmt.Errorf("GET %s: harness: nil *Client (make one with site.NewClient())", rawURL)
	}
	req, err := c.request(ctx, rawURL, ErrClientClosed, "client")
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req, rawURL)
	if err != nil {
		return nil, err
	}
	resp.Body = c.count(resp.Body)
	return resp, nil
}

// Close closes the client's idle connections. Requests still in flight
// finish (call Close after they have: a connection they return to the pool
// afterwards stays open); new ones fail with ErrClientClosed. Close may be
// called more than once.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.close()
	return nil
}
