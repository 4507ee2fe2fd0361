package timeline_test

import (
	"fmt"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/internal/timeline"
)

// Two sessions, one request each, the second starting when the first is
// half done.
func ExampleASCII() {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	spans := []fakeserver.Span{
		{Seq: 1, Path: fakeserver.BigPath, Session: "s1", Start: t0, End: t0.Add(40 * time.Millisecond), Status: 200},
		{Seq: 2, Path: fakeserver.SmallPath, Session: "s2", Start: t0.Add(20 * time.Millisecond), End: t0.Add(60 * time.Millisecond), Status: 200},
	}
	fmt.Print(timeline.ASCII(spans, 30))
	// Output:
	// 2 requests, 2 sessions, peak 2 in flight, 60ms elapsed
	//          0         20ms      40ms     60ms
	// session  +---------+---------+--------+
	// s1       |###################
	// s2                 |===================
	// one column = 2ms; each bar is one request, from the moment the server got it to its answer
	// |## /www.jython.org   |== /olympus.realpython.org/dice   |-- other page   |xx failed (no 2xx answer)
}
