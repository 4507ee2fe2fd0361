// Package sitespec holds the specs of DownloadSite, the function every
// download kata starts with: read one page through a session or a client,
// return its size, and fail with errors that name the URL. A kata's spec
// file calls Specs with its own DownloadSite from inside its
// Describe("Task 1: DownloadSite"), the way testing/fstest.TestFS is handed
// a file system, and adds the specs that are the kata's alone after it.
//
// Every spec runs on virtual time (harness.Virtual) against the in-memory
// fake server, so the suite must have been started by harness.RunSuite.
package sitespec

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
	"github.com/concurrency-katas/go-katas/harness/web"
)

// latency is the fake server's latency on virtual time, where it costs no
// real time.
const latency = 100 * time.Millisecond

// A Conn is what a DownloadSite downloads with: a Session, or a Client
// (safe for concurrent use).
type Conn interface {
	*web.Session | *web.Client
	Close() error
}

// A Kata is what the specs need to know of a kata beyond its DownloadSite:
// how their failure messages speak of it, and whether the bodies it reads
// can be checked.
type Kata struct {
	// Request is the call that sends the request, as the kata's README
	// writes it; failure messages name it. If empty: "session.Get(ctx,
	// url)" for a Session, "client.Get(ctx, url)" for a Client.
	Request string

	// README and ContextREADME are the titles of the kata's README sections
	// that teach DownloadSite and the context it passes on ("Task 1", "The
	// context"): failure messages send the learner there. (Written as
	// README: "Task 1" in a kata's spec file, they are checked like its
	// other pointers to README sections: the heading must exist.)
	README, ContextREADME string

	// TrackedBodies says that DownloadSite reads each body it gets from
	// Session.Get, whose Site notes every body not read to the end and
	// closed: a spec then checks that every body was finished. Leave it
	// false where nothing tracks the bodies (a Client's, or those that
	// Session.Begin reads for the caller): that spec could not fail.
	TrackedBodies bool
}

// Specs registers, in the container it is called from, the specs that
// downloadSite, the kata's DownloadSite, meets. Each spec opens one Session
// or Client (as C says) on a new in-memory server and passes it in; ctx is
// the context the request must end with (a kata whose DownloadSite takes no
// context adapts it: kata 06 runs it in a task of a loop that stops when ctx
// ends). The specs:
//
//   - it reads a page whole and returns the size of its body;
//   - a 500 comes back as the *web.HTTPError of the request (errors.As finds
//     it), and the error names the URL;
//   - a reset connection, a body cut short (errors.Is finds
//     io.ErrUnexpectedEOF) and a malformed URL are errors that name the URL;
//   - when the context's deadline passes, on a server that never answers,
//     it gives up at the deadline with an error that wraps the context's
//     and names the URL;
//   - with k.TrackedBodies, it reads each body to the end and closes it, so
//     one session reuses one connection.
func Specs[C Conn](downloadSite func(ctx context.Context, c C, url string) (int, error), k Kata) {
	if k.Request == "" {
		k.Request = "session.Get(ctx, url)"
		if _, client := any(*new(C)).(*web.Client); client {
			k.Request = "client.Get(ctx, url)"
		}
	}

	It("reads a page whole and returns its size: 10282 bytes, then 275", func(SpecContext) {
		onVirtualRig(func(r rig[C]) {
			for _, page := range []struct {
				path string
				size int
			}{{fakeserver.BigPath, fakeserver.BigSize}, {fakeserver.SmallPath, fakeserver.SmallSize}} {
				size, err := downloadSite(context.Background(), r.c, r.srv.URL+page.path)
				Expect(err).NotTo(HaveOccurred(), "a page the server answers 200 is no error")
				Expect(size).To(Equal(page.size), "the size of %s is the number of bytes of its body, read to the end", page.path)
			}
		})
	}, SpecTimeout(harness.SpecTimeout))

	if k.TrackedBodies {
		It("closes each body, so one session reuses one connection", func(SpecContext) {
			onVirtualRig(func(r rig[C]) {
				for _, url := range fakeserver.SitesN(r.srv.URL, 6) {
					_, err := downloadSite(context.Background(), r.c, url)
					Expect(err).NotTo(HaveOccurred(), "a page the server answers 200 is no error")
				}
				Expect(r.c.Close()).To(Succeed())
				Expect(r.site).To(match.HaveFinishedEveryBody(), "read each body to the end and close it. See the README, %q.", k.README)
			})
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("returns an error naming the URL when the server answers 500", func(SpecContext) {
		onVirtualRig(func(r rig[C]) {
			url := r.srv.URL + fakeserver.SmallPath
			_, err := downloadSite(context.Background(), r.c, url)
			Expect(err).To(MatchError(ContainSubstring(url)), "the error must say which URL failed")
			var httpErr *web.HTTPError
			Expect(errors.As(err, &httpErr)).To(BeTrue(),
				"return (or wrap with %%w) the error of %s, so callers can inspect it; got %v", k.Request, err)
			Expect(httpErr.StatusCode).To(Equal(500), "the status the server answered")
		}, fakeserver.Fault{Kind: fakeserver.StatusFault})
	}, SpecTimeout(harness.SpecTimeout))

	It("returns errors naming the URL: a reset connection, a truncated body, a malformed URL", func(SpecContext) {
		onVirtualRig(func(r rig[C]) {
			reset, truncated, malformed := r.srv.URL+fakeserver.SmallPath, r.srv.URL+fakeserver.BigPath, "::not a url"
			_, err := downloadSite(context.Background(), r.c, reset)
			Expect(err).To(MatchError(ContainSubstring(reset)), "the server reset the connection: the error must say which URL failed")
			_, err = downloadSite(context.Background(), r.c, truncated)
			Expect(err).To(HaveOccurred(), "the server sent half the body it promised (Content-Length): reading it to the end is an error, not a smaller page")
			Expect(err).To(MatchError(ContainSubstring(truncated)),
				"a body cut short is an error too, and it must say which URL: wrap the error of reading the body,\n"+
					"fmt.Errorf(\"GET %%s: reading the body: %%w\", url, err)")
			Expect(errors.Is(err, io.ErrUnexpectedEOF)).To(BeTrue(),
				"the error of a body cut short must still be the reader's underneath: errors.Is(err, io.ErrUnexpectedEOF) is false for %q.\n"+
					"Wrap it with %%w, not %%v or %%s (those keep the text and lose the error): fmt.Errorf(\"GET %%s: reading the body: %%w\", url, err).\n"+
					"See the README, %q.", err, k.README)
			_, err = downloadSite(context.Background(), r.c, malformed)
			Expect(err).To(MatchError(ContainSubstring(malformed)), "a malformed URL is an error that names it (the error of %s does)", k.Request)
		},
			fakeserver.Fault{Kind: fakeserver.ResetFault, Path: fakeserver.SmallPath},
			fakeserver.Fault{Kind: fakeserver.TruncateFault, Path: fakeserver.BigPath})
	}, SpecTimeout(harness.SpecTimeout))

	It("gives up when the context's deadline passes", func(SpecContext) {
		onVirtualRig(func(r rig[C]) {
			url := r.srv.URL + fakeserver.BigPath
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				defer GinkgoRecover() // a panic fails the spec, not the whole run
				_, err = downloadSite(ctx, r.c, url)
			}()
			select {
			case <-done:
				Expect(err).To(MatchError(context.DeadlineExceeded), "pass the context on to %s, and return its error", k.Request)
				Expect(err).To(MatchError(ContainSubstring(url)),
					"the context's error names no URL: wrap it with the URL (fmt.Errorf(\"GET %%s: %%w\", url, err)), so that the\n"+
						"caller knows which download stopped. See the README, %q.", k.README)
				Expect(time.Since(start)).To(match.TakeExactly(3*time.Second), "give up at the deadline, not later")
			case <-time.After(4 * time.Second):
				// The deferred stop closes the server, which ends the hung request.
				Fail("DownloadSite was still waiting 1 s after the context's 3 s deadline, on a server that never answers:\n" +
					"the context never reached the request. Send it with " + k.Request + ", passing the context you were\n" +
					"given, not context.Background(). See the README, \"" + k.ContextREADME + "\".")
			}
		}, fakeserver.Fault{Kind: fakeserver.HangFault})
	}, SpecTimeout(harness.SpecTimeout))
}

// A rig is a spec's in-memory server, its site, and the Session or Client
// opened on it.
type rig[C Conn] struct {
	srv  *fakeserver.Server
	site *web.Site
	c    C
}

// onVirtualRig runs body on virtual time (harness.Virtual) with a rig whose
// server has faults, and stops the rig when body returns: the frame of
// every spec. The faults follow the body, as an It's decorators follow its
// body.
func onVirtualRig[C Conn](body func(r rig[C]), faults ...fakeserver.Fault) {
	harness.Virtual(func() {
		r := start[C](faults...)
		defer r.stop()
		body(r)
	})
}

// start starts an in-memory server with faults and opens a Session or a
// Client on it, as C says; onVirtualRig calls it, inside harness.Virtual.
func start[C Conn](faults ...fakeserver.Fault) rig[C] {
	srv := fakeserver.NewInMemory(fakeserver.WithLatency(latency), fakeserver.WithFaults(faults...))
	site := web.NewSite(srv)
	var c C
	switch p := any(&c).(type) {
	case **web.Session:
		*p = site.NewSession()
	case **web.Client:
		*p = site.NewClient()
	}
	return rig[C]{srv: srv, site: site, c: c}
}

// stop closes the Session or Client, then the server.
func (r rig[C]) stop() {
	r.c.Close()
	r.srv.Close()
}

// PageSize returns the size of the page that url names on the fake server,
// a URL of fakeserver.Sites or SitesN: what DownloadSite returns for it.
func PageSize(url string) int {
	if strings.Contains(url, fakeserver.SmallPath) {
		return fakeserver.SmallSize
	}
	return fakeserver.BigSize
}
