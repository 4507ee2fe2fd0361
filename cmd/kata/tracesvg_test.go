package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/concurrency-katas/go-katas/cmd/kata/internal/traced"
	"github.com/concurrency-katas/go-katas/harness/cputrace"
)

func TestTraceSVG(t *testing.T) {
	ms := time.Millisecond
	task := func(g, p int64, start, end time.Duration) cputrace.Span {
		return cputrace.Span{Region: "r", Goroutine: g, Start: start, End: end, Running: []cputrace.Slice{{Start: start, End: end, P: p}}}
	}
	pool := &cputrace.Recording{Spans: []cputrace.Span{task(7, 0, 10*ms, 30*ms), task(8, 1, 10*ms, 30*ms)}, Procs: []int64{0, 1}}
	one := &cputrace.Recording{Spans: []cputrace.Span{task(7, 0, 5*ms, 25*ms), task(8, 0, 25*ms, 45*ms)}, Procs: []int64{0}}
	svg := traceSVG("Kata 04 & co", []tracePanel{
		{Run: traced.Run{Label: "pool <4>", Region: "r", GOMAXPROCS: 2}, Rec: pool},
		{Run: traced.Run{Label: "GOMAXPROCS=1", Region: "r", GOMAXPROCS: 1}, Rec: one},
	})
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	s := string(svg)
	for _, want := range []string{
		"Kata 04 &amp; co", "pool &lt;4&gt;", ">P0<", ">P1<",
		"2 tasks, at most 2 running at the same moment, on 2 of 2 processor(s); 20ms",
		"2 tasks, at most 1 running at the same moment, on 1 of 1 processor(s); 40ms",
		">0 ms<", ">40 ms<", "time since the first task", "goroutines:", "Each row is one processor (P)",
		"goroutine 7, 0s to 20ms",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	// The pool panel has rows P0 and P1, the GOMAXPROCS=1 panel only P0.
	if n := strings.Count(s, ">P0<"); n != 2 {
		t.Errorf("P0 rows: %d, want 2 (one per panel)", n)
	}
	if n := strings.Count(s, ">P1<"); n != 1 {
		t.Errorf("P1 rows: %d, want 1", n)
	}
}

func TestNiceStep(t *testing.T) {
	for span, want := range map[time.Duration]time.Duration{
		40 * time.Millisecond: 5 * time.Millisecond, 1900 * time.Millisecond: 200 * time.Millisecond, 10 * time.Second: time.Second,
	} {
		if got := niceStep(span, 10); got != want {
			t.Errorf("niceStep(%v, 10) = %v, want %v", span, got, want)
		}
	}
}
