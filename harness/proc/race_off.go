//go:build !race

package proc

// raceEnabled reports whether this binary was built with -race.
const raceEnabled = false
