package harness

// RaceEnabled is true when this binary was built with the race detector
// (go test -race) and false otherwise. A spec may use it to size its work:
// the detector makes every goroutine start and every synchronisation several
// times dearer, so a spec that starts ten thousand goroutines can start fewer
// under it. The build tags that set it (race_on.go, race_off.go) stay inside
// harness, so that no kata needs one.
const RaceEnabled = raceEnabled
