package poolcpu_test

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/exp/trace"
)

func itoa(n int) string { return strconv.Itoa(n) }

// kataFrame marks the functions of the kata's package (Map and its closures),
// not those of the specs (package poolcpu_test, "04-pool-cpu_test.").
const kataFrame = "katas/04-pool-cpu."

// goroutinesStarted reads a trace (cputrace.Recording.Raw) and returns how
// many goroutines were created, while it recorded, by a go statement in the
// kata's code: the creator's stack, which the tracer records with each
// creation, runs through the kata's package.
func goroutinesStarted(raw []byte) (int, error) {
	r, err := trace.NewReader(bytes.NewReader(raw))
	if err != nil {
		return 0, fmt.Errorf("reading the trace: %w", err)
	}
	n := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("reading the trace: %w", err)
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		if from, to := st.Goroutine(); from != trace.GoNotExist || to != trace.GoRunnable {
			continue // not a creation
		}
		for f := range ev.Stack().Frames() {
			if strings.Contains(f.Func, kataFrame) {
				n++
				break
			}
		}
	}
}
