package web_test

import (
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

var _ = Describe("Site.UnfinishedBodies", func() {
	for _, nw := range servertest.Networks {
		It("is empty when every body is read to the end and closed, and Bodies counts them, "+nw.Name, func(ctx SpecContext) {
			srv, site := servertest.NewSite(nw.Start, fakeserver.WithLatency(0))
			s := site.NewSession()
			for _, u := range fakeserver.SitesN(srv.URL, 10) {
				mustRead(ctx, s, u)
			}
			Expect(s.Close()).To(Succeed())
			Expect(site.Bodies()).To(Equal(10))
			Expect(site.UnfinishedBodies()).To(BeEmpty())
		}, SpecTimeout(harness.SpecTimeout))
	}

	It("notes a body closed before its end, one read but not closed, and one neither, at the session's next request", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		s := servertest.NewSession(site)
		urls := fakeserver.SitesN(srv.URL, 4)

		resp, err := s.Get(ctx, urls[0])
		Expect(err).NotTo(HaveOccurred())
		_, _ = resp.Body.Read(make([]byte, 10))
		resp.Body.Close()
		Expect(site.UnfinishedBodies()).To(BeEmpty(), "not judged until the session's next request")

		resp, err = s.Get(ctx, urls[1])
		Expect(err).NotTo(HaveOccurred())
		Expect(site.UnfinishedBodies()).To(Equal([]web.UnfinishedBody{{Session: "s1", URL: urls[0], Closed: true}}))
		_, _ = io.ReadAll(resp.Body)
		DeferCleanup(resp.Body.Close) // closed only after the spec

		neither, err := s.Get(ctx, urls[2])
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(neither.Body.Close)

		mustRead(ctx, s, urls[3])
		Expect(s.Close()).To(Succeed())
		bad := site.UnfinishedBodies()
		Expect(bad).To(Equal([]web.UnfinishedBody{
			{Session: "s1", URL: urls[0], Closed: true},
			{Session: "s1", URL: urls[1], ReadToEnd: true},
			{Session: "s1", URL: urls[2]},
		}), "the fourth was finished")
		Expect(bad[0].Why()).To(Equal("closed before it was read to the end"))
		Expect(bad[1].Why()).To(Equal("read to the end but not closed"))
		Expect(bad[2].Why()).To(Equal("neither read to the end nor closed"))
		Expect(site.Bodies()).To(Equal(4))
	}, SpecTimeout(harness.SpecTimeout))

	It("judges a session's last body at its Close, once, and counts each session's on its own", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0))
		a, b := site.NewSession(), site.NewSession()
		mustRead(ctx, a, srv.URL+fakeserver.SmallPath)
		resp, err := b.Get(ctx, srv.URL+fakeserver.BigPath)
		Expect(err).NotTo(HaveOccurred())
		mustRead(ctx, a, srv.URL+fakeserver.SmallPath) // another session's request judges nothing of b's
		Expect(site.UnfinishedBodies()).To(BeEmpty())
		resp.Body.Close()
		Expect(b.Close()).To(Succeed())
		Expect(b.Close()).To(Succeed())
		Expect(a.Close()).To(Succeed())
		Expect(site.UnfinishedBodies()).To(Equal([]web.UnfinishedBody{{Session: "s2", URL: srv.URL + fakeserver.BigPath, Closed: true}}))
	}, SpecTimeout(harness.SpecTimeout))

	It("counts no body for a non-2xx answer (Get closes it) nor for Begin (the harness reads it), and Begin judges the body before it", func(ctx SpecContext) {
		srv, site := servertest.NewSite(fakeserver.NewInMemory, fakeserver.WithLatency(0),
			fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 1}))
		s := servertest.NewSession(site)
		_, err := s.Get(ctx, srv.URL+fakeserver.SmallPath)
		Expect(err).To(HaveOccurred())
		Expect(site.Bodies()).To(BeZero())

		resp, err := s.Get(ctx, srv.URL+fakeserver.BigPath)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(resp.Body.Close)
		_, err = s.Begin(ctx, srv.URL+fakeserver.SmallPath).Body()
		Expect(err).NotTo(HaveOccurred())
		Expect(site.Bodies()).To(Equal(1))
		Expect(site.UnfinishedBodies()).To(HaveLen(1))
	}, SpecTimeout(harness.SpecTimeout))
})
