package proc

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// monotonicNow reads the machine's monotonic clock, in nanoseconds: one
// clock for all processes (unlike time.Now's monotonic reading, which only
// compares within a process), never set back.
func monotonicNow() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

// processCPU returns the CPU time (user + system) this process has used so
// far, on all its threads, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
