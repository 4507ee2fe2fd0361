// Package traced is the shared half of the programs `kata trace` runs, one
// per CPU kata in the folders below this one: each records the kata's CPU
// work under Go's execution tracer, once with the machine's GOMAXPROCS and
// once with GOMAXPROCS=1, and writes the traces and a manifest listing them
// (<stem>.json, a []Run) for the tool to draw.
package traced

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/concurrency-katas/go-katas/harness/cputrace"
)

// A Run is one recording, as the manifest lists it.
type Run struct {
	Label      string `json:"label"`      // what ran, for the picture
	Trace      string `json:"trace"`      // the file, in the same folder
	Region     string `json:"region"`     // the tasks' region type
	GOMAXPROCS int    `json:"gomaxprocs"` // during the run
}

// A Recorder writes the recordings of one program run into a folder.
type Recorder struct {
	Whose     string // whose code runs, to start a label: "Your" or "The reference"
	out, stem string
	runs      []Run
}

// FromArgs returns the Recorder the tool asked for on the command line: the
// output folder, the file-name stem and whose code runs.
func FromArgs() *Recorder {
	if len(os.Args) != 4 {
		Fail(fmt.Errorf("usage: %s OUT-DIR STEM WHOSE", filepath.Base(os.Args[0])))
	}
	return &Recorder{out: os.Args[1], stem: os.Args[2], Whose: os.Args[3]}
}

// Record runs work under the tracer and writes its trace as
// <stem><suffix>.trace; the picture's tasks are work's regions of type
// region. An error, of the tracer or of work, ends the program.
func (r *Recorder) Record(suffix, label, region string, work func() error) {
	var err error
	rec, terr := cputrace.Record(func() { err = work() })
	if terr != nil {
		Fail(terr)
	}
	if err != nil {
		Fail(err)
	}
	file := r.stem + suffix + ".trace"
	if err := os.WriteFile(filepath.Join(r.out, file), rec.Raw, 0o644); err != nil {
		Fail(err)
	}
	r.runs = append(r.runs, Run{Label: label, Trace: file, Region: region, GOMAXPROCS: rec.GOMAXPROCS})
}

// Finish writes the manifest of the recordings made.
func (r *Recorder) Finish() {
	b, err := json.Marshal(r.runs)
	if err == nil {
		err = os.WriteFile(filepath.Join(r.out, r.stem+".json"), b, 0o644)
	}
	if err != nil {
		Fail(err)
	}
}

// Fail prints err and exits with status 1.
func Fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
