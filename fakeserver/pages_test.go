package fakeserver_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/internal/servertest"
)

var _ = Describe("Pages", func() {
	for _, nw := range servertest.Networks {
		Context(nw.Name, func() {
			It("serves the big page: 10282 bytes, the same every time", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0))
				status, first := mustGet(ctx, client, srv.URL+fakeserver.BigPath)
				Expect(status).To(Equal(http.StatusOK))
				Expect(first).To(HaveLen(fakeserver.BigSize))
				Expect(fakeserver.BigSize).To(Equal(10282))
				_, again := mustGet(ctx, client, srv.URL+fakeserver.BigPath+"?n=7")
				Expect(again).To(Equal(first), "the query does not change the page")
				want, ok := fakeserver.Body(fakeserver.BigPath)
				Expect(ok).To(BeTrue())
				Expect(first).To(Equal(want))
			}, SpecTimeout(harness.SpecTimeout))

			It("serves the small page: 275 bytes, with its Content-Length", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0))
				resp, err := client.Get(srv.URL + fakeserver.SmallPath)
				Expect(err).NotTo(HaveOccurred())
				defer resp.Body.Close()
				Expect(resp.StatusCode).To(Equal(http.StatusOK))
				Expect(resp.ContentLength).To(BeEquivalentTo(fakeserver.SmallSize))
				Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain; charset=utf-8"))
				var buf bytes.Buffer
				_, err = buf.ReadFrom(resp.Body)
				Expect(err).NotTo(HaveOccurred())
				Expect(buf.Len()).To(Equal(275))
				want, _ := fakeserver.Body(fakeserver.SmallPath)
				Expect(buf.Bytes()).To(Equal(want))
			}, SpecTimeout(harness.SpecTimeout))

			It("answers 404 with a message naming the path and the two pages for any other path", func(ctx SpecContext) {
				srv, client := serve(nw.Start, fakeserver.WithLatency(0))
				status, body := mustGet(ctx, client, srv.URL+"/nope?n=1")
				Expect(status).To(Equal(http.StatusNotFound))
				Expect(string(body)).To(ContainSubstring("no page at /nope"))
				Expect(string(body)).To(ContainSubstring(fakeserver.BigPath))
				Expect(string(body)).To(ContainSubstring(fakeserver.SmallPath))
				st := srv.Stats()
				Expect(st.Spans).To(HaveLen(1))
				Expect(st.Spans[0].Status).To(Equal(http.StatusNotFound))
				Expect(st.ByPath).To(Equal(map[string]int{"/nope": 1}))
			}, SpecTimeout(harness.SpecTimeout))
		})
	}

	It("has deterministic bodies that name their page and differ from each other", func(SpecContext) {
		big, ok := fakeserver.Body(fakeserver.BigPath)
		Expect(ok).To(BeTrue())
		small, ok := fakeserver.Body(fakeserver.SmallPath + "?n=3")
		Expect(ok).To(BeTrue(), "Body ignores the query")
		Expect(string(big)).To(HavePrefix("fake page /www.jython.org: the katas' internet is slow on purpose.\n"))
		Expect(string(small)).To(HavePrefix("fake page /olympus.realpython.org/dice: the katas' internet is slow on purpose.\n"))
		Expect(big).To(HaveLen(10282))
		Expect(small).To(HaveLen(275))
		// The same text, line after line, cut at the size: fixed by its definition.
		line := "fake page /www.jython.org: the katas' internet is slow on purpose.\n"
		Expect(string(big)).To(Equal(strings.Repeat(line, 10282/len(line)+1)[:10282]))
		_, ok = fakeserver.Body("/other")
		Expect(ok).To(BeFalse())
	}, SpecTimeout(harness.SpecTimeout))

	It("lists the 160 sites: the two pages alternating, each with ?n=i", func(SpecContext) {
		urls := fakeserver.Sites("http://h:1/")
		Expect(urls).To(HaveLen(160))
		Expect(fakeserver.SiteCount).To(Equal(160))
		for i, u := range urls {
			path := fakeserver.BigPath
			if i%2 == 1 {
				path = fakeserver.SmallPath
			}
			Expect(u).To(Equal(fmt.Sprintf("http://h:1%s?n=%d", path, i)))
		}
		Expect(urls[0]).To(Equal("http://h:1/www.jython.org?n=0"))
		Expect(urls[159]).To(Equal("http://h:1/olympus.realpython.org/dice?n=159"))
		Expect(fakeserver.SitesN("http://h", 3)).To(Equal([]string{
			"http://h/www.jython.org?n=0", "http://h/olympus.realpython.org/dice?n=1", "http://h/www.jython.org?n=2",
		}))
		Expect(fakeserver.SitesN("http://h", 0)).To(BeEmpty())
		Expect(fakeserver.SitesN("http://h", -1)).To(BeEmpty())
	}, SpecTimeout(harness.SpecTimeout))
})
