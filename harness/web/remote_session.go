package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// DialSession returns a Session named id that reaches the fake server at
// baseURL (such as srv.URL of a fakeserver.New server) from another process:
// a worker process of kata 09 or 10 has no *fakeserver.Server, only its URL.
// The session behaves as one made by Site.NewSession: it keeps its
// connections alive, stamps id on every request, and is not safe for
// concurrent use. Whoever made it must Close it.
//
// Only loopback addresses are accepted (the katas are hermetic), and the
// session dials that one address and nothing else.
func DialSession(baseURL, id string) (*Session, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("web.DialSession(%q): want the base URL of a fake server, such as http://127.0.0.1:41234", baseURL)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return nil, fmt.Errorf("web.DialSession(%q): want host:port: %v", baseURL, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("web.DialSession(%q): only loopback addresses are allowed (the katas never leave this machine)", baseURL)
	}
	if id == "" {
		return nil, fmt.Errorf("web.DialSession(%q): the session needs a non-empty id", baseURL)
	}
	addr := net.JoinHostPort(host, port)
	d := &net.Dialer{Timeout: 10 * time.Second}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			if a != addr {
				return nil, fmt.Errorf("harness: refusing to dial %s: this session only reaches the fake server at %s", a, addr)
			}
			return d.DialContext(ctx, "tcp", addr)
		},
		Proxy:               nil,
		DisableCompression:  true,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     time.Minute,
	}
	// The Site stands for the remote server: only its URL is used (in the
	// message about a malformed URL) and its counts.
	site := &Site{srv: &fakeserver.Server{URL: "http://" + addr}}
	site.made.Add(1)
	return &Session{sessionBase: sessionBase{id: id, client: &http.Client{Transport: transport}, site: site}}, nil
}
