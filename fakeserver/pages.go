package fakeserver

import (
	"fmt"
	"strings"
)

// The two pages of the original programs. Their sizes are those the Python
// programs printed ("Read 10282 from https://www.jython.org", "Read 275 from
// http://olympus.realpython.org/dice").
const (
	BigPath   = "/www.jython.org"
	BigSize   = 10282
	SmallPath = "/olympus.realpython.org/dice"
	SmallSize = 275
)

// SiteCount is the number of downloads in the original programs: the two
// pages, 80 times each.
const SiteCount = 160

// pages maps each served path to its body. Bodies are built once, are the
// same on every run and every machine, and differ from one path to the other.
var pages = map[string][]byte{
	BigPath:   makeBody(BigPath, BigSize),
	SmallPath: makeBody(SmallPath, SmallSize),
}

// makeBody returns size bytes of readable text that names the page, so a
// body seen in a debugger tells where it came from.
func makeBody(path string, size int) []byte {
	line := fmt.Sprintf("fake page %s: the katas' internet is slow on purpose.\n", path)
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(line)
	}
	return []byte(b.String()[:size])
}

// Body returns the body the server sends for path (a query string is
// ignored) and whether the path is one of the served pages. The caller must
// not modify the returned slice.
func Body(path string) ([]byte, bool) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	b, ok := pages[path]
	return b, ok
}

// Sites returns the 160 URLs of the original programs on the server at
// baseURL: the big page and the small page, alternating, 80 times over.
//
// Each URL carries its index as a query (?n=0 … ?n=159) so the server's
// spans show in which order the requests came; the query does not change the
// page.
func Sites(baseURL string) []string {
	return SitesN(baseURL, SiteCount)
}

// SitesN is [Sites] for any count: n URLs alternating between the two pages.
// n < 0 is treated as 0.
func SitesN(baseURL string, n int) []string {
	baseURL = strings.TrimRight(baseURL, "/")
	urls := make([]string, 0, max(n, 0))
	for i := range max(n, 0) {
		path := BigPath
		if i%2 == 1 {
			path = SmallPath
		}
		urls = append(urls, fmt.Sprintf("%s%s?n=%d", baseURL, path, i))
	}
	return urls
}
