//go:build race

package fanout_test

// raceEnabled says whether the race detector is on (go test -race).
const raceEnabled = true

// raceTasks is the fan-out under -race. The detector has had no limit on
// live goroutines since Go 1.19 (it had one of 8128 before), but it makes
// each goroutine and each synchronisation several times dearer: 10,000
// downloads over the in-memory network took 10 to 20 s of real time under
// -race on the project's busy 2-core machine (2,000 took 5 to 26 s when other
// test runs shared it), against about 2 s for 10,000 without -race. 1,000
// keeps the spec to a few seconds and is still a thousand goroutines at once.
const raceTasks = 1_000
