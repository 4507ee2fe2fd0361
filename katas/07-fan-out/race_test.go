//go:build race

package fanout_test

// raceEnabled says whether the race detector is on (go test -race).
const raceEnabled = true

// raceTasks is the fan-out under -race. The detector has no limit on live
// goroutines since Go 1.19 (it had one of 8128 before), but it makes each
// goroutine and each synchronisation several times dearer: 10,000 downloads
// over the in-memory network took 10 to 20 s of real time on the project's
// loaded 2-core machine under -race, about 2 s without. 2,000 keep the spec
// within a few seconds and still far past what threads would be given.
const raceTasks = 2_000
