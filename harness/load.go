package harness

import (
	"fmt"
	"os"
)

// LoadAverage returns the machine's load average over the last minute (how
// many threads wanted a core, on average), or -1 where there is no
// /proc/loadavg. Specs print it beside a wall-clock figure, so that a
// learner can tell a slow run from a busy machine; no verdict depends on it.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err != nil {
		return -1
	}
	return load
}
