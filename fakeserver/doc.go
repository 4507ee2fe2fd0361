// Package fakeserver is the katas' internet: a slow HTTP server that runs on
// this machine only and remembers everything it saw.
//
// The original Python programs downloaded two real sites, a 10282-byte page
// and a 275-byte page, 80 times each. Here the same two pages are served by a
// [Server] from loopback (127.0.0.1, a real TCP port chosen by the kernel) or
// from memory ([NewInMemory]: connections are [net.Pipe] pairs, so specs can
// run inside a testing/synctest bubble on virtual time).
//
// Every request waits for the server's latency before it is answered, and the
// wait ends early when the client gives up, so cancellation can be measured.
// The server records what a teacher would want to know about a run: how many
// requests came, on which paths, how many were in flight at once, how many
// connections and sessions were used, and one [Span] per request for
// timelines. [Fault]s make it misbehave on purpose: an error status, a reset
// connection, a truncated or slow body, or no answer at all.
//
// A Server is safe for concurrent use. [Server.Close] never hangs, even with
// requests in flight, and leaves no goroutine of its own behind.
package fakeserver
