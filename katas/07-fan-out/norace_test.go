//go:build !race

package fanout_test

const (
	raceEnabled = false
	raceTasks   = 0 // unused without -race
)
