// Package match holds Gomega matchers over fakeserver.Stats (peak in flight,
// sessions, connections, order), over a web.Site (every body finished) and
// over durations (virtual-time exactness, speed-ups). Each failure message says what was expected, what the server
// saw, what that usually means, and which README section to read.
package match
