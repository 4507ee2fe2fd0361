package timeline_test

import (
	"fmt"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/internal/timeline"
)

// Two sessions, one request each, the second starting when the first is
// half done; then two requests on one session, at once. A heading wider
// than the picture puts its counts on a line of their own.
func ExampleASCII() {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(session, path string, from, to int) fakeserver.Span {
		return fakeserver.Span{Path: path, Session: session, Status: 200,
			Start: t0.Add(time.Duration(from) * time.Millisecond), End: t0.Add(time.Duration(to) * time.Millisecond)}
	}
	fmt.Print(timeline.ASCII([]timeline.Run{
		{Label: "two sessions", Spans: []fakeserver.Span{at("s1", fakeserver.BigPath, 0, 40), at("s2", fakeserver.SmallPath, 20, 60)}},
		{Label: "one shared", Spans: []fakeserver.Span{at("s1", fakeserver.BigPath, 0, 30), at("s1", fakeserver.SmallPath, 0, 30)}},
	}, 51))
	// Output:
	//               0         20ms      40ms     60ms
	// time          +---------+---------+--------+
	// two sessions
	//   2 requests, 2 sessions, peak 2 in flight, 60ms elapsed
	//   session s1  |###################
	//   session s2            |===================
	//   in flight   ▄▄▄▄▄▄▄▄▄▄██████████▄▄▄▄▄▄▄▄▄▄
	//
	// one shared
	//   2 requests, 1 session, peak 2 in flight, 30ms elapsed
	//   session s1: 2 requests at once
	//     lane 1    |##############
	//     lane 2    |==============
	//   in flight   ███████████████
	//
	// one column = 2ms, the same for every run; a bar is one request, from arrival to answer
	// |## /www.jython.org   |== /olympus.realpython.org/dice
	// in flight: ▁ is 1 request, █ is 2 at once (the highest peak drawn)
}
