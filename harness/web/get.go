package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

// newGet checks rawURL and builds a GET request for it that carries the
// session header id. exampleBase is the server's URL, for the message that
// shows what a good URL looks like. Session and Client share it.
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

// doGet sends req with client. Errors name the URL once; a status that is
// not 2xx becomes an *HTTPError, its body drained and closed.
func doGet(client *http.Client, req *http.Request, rawURL string) (*http.Response, error) {
	resp, err := client.Do(req)
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
