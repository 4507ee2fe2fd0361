// Package processpool is kata 09: a pool of worker processes, the Go form of
// Python's multiprocessing.Pool(initializer=...) and pool.map.
//
// Each worker is a separate process with its own memory: the test binary
// started again by proc.Command, speaking the JSON-lines protocol of
// package harness/proc on its stdin and stdout (read its package doc
// first). Replace each panic with your code, task by task, in the order of
// the README. Run the specs with `make kata N=9`.
package processpool

import (
	"context"
	"io"
	"os/exec"
	"time"

	"github.com/concurrency-katas/go-katas/harness/proc"
)

// Config configures a Pool. The zero Config asks for runtime.NumCPU()
// workers but has no Command, so New rejects it.
type Config struct {
	// Workers is the number of worker processes. 0 means
	// runtime.NumCPU(), as Python's Pool() does; negative is an error.
	Workers int
	// Command makes the command of one worker, not yet started: pass
	// proc.Command. New sets up the command's pipes, its own process group
	// (SysProcAttr.Setpgid) and its WaitDelay, then starts it. nil is an
	// error.
	Command func() *exec.Cmd
	// Init, if its Name is set, is the initializer: New sends it to each
	// worker once, before any task, and waits for the worker's "ready".
	// With proc.Task{Name: "session", Arg: srv.URL} each process makes its
	// own Session, as Python's initializer=set_global_session did.
	Init proc.Task
	// TaskTimeout, if positive, bounds each task: a worker that has not
	// answered by then is killed (with its process group) and Map fails
	// with an error that names the task. 0 means no limit but ctx.
	TaskTimeout time.Duration
	// Stderr receives the workers' stderr (their prints, their crash and
	// race reports). nil means os.Stderr.
	Stderr io.Writer
}

// A Pool is a fixed set of worker processes that run tasks. Make one with
// New; whoever made it must Close it. The zero Pool is not usable.
//
// Map and Close may be called from any goroutine, but not at the same time:
// a call waits for the one in progress.
type Pool struct {
	// Your fields here: the workers (each with its *exec.Cmd, a
	// proc.Encoder on its stdin and a proc.Decoder on its stdout, its PID),
	// whether the pool is closed or broken.
}

// New starts cfg.Workers worker processes, each in its own process group,
// reads each one's hello, and runs the initializer cfg.Init exactly once in
// each. It returns when every worker is ready. ctx bounds the start-up
// only: it does not end the pool later.
//
// Errors: a nil ctx (an error that says the context is nil), negative
// Workers (an error that gives the number) or a nil Command (an error that
// names the field, Command), before any process is started; a worker that
// fails to start, dies or whose initializer fails (the error carries the
// worker's own message).
// On an error every process already started is killed and reaped.
//
// Tasks 1 and 2.
func New(ctx context.Context, cfg Config) (*Pool, error) {
	panic("processpool.New is not implemented yet: see README, task 1")
}

// Size returns the number of worker processes.
//
// Task 1.
func (p *Pool) Size() int {
	panic("Pool.Size is not implemented yet: see README, task 1")
}

// Map runs tasks on the workers, each task once, each worker one task at a
// time, and returns the values in the order of tasks (not the order they
// finished). An empty tasks returns an empty slice; a nil ctx is an error
// that says the context is nil.
//
// On an error Map returns a slice as long as tasks in which the tasks that
// finished have their value and the others "" (no task of the harness
// answers ""), with the first error; after an error no more tasks are
// handed out. The error names the task, "task <i> <name>(<arg>)", and the
// worker's PID. Then:
//   - a task's own error (a "error" message) leaves the pool usable;
//   - a worker that dies (its exit status in the error), writes garbage
//     (wrap proc.ErrProtocol), hangs past TaskTimeout, or a ctx cancelled
//     mid-run (the error wraps ctx.Err()) breaks the pool: every worker is
//     killed with its whole process group, and later Maps fail with an
//     error that says the pool is broken.
//
// Tasks 3 and 5.
func (p *Pool) Map(ctx context.Context, tasks []proc.Task) ([]string, error) {
	panic("Pool.Map is not implemented yet: see README, task 3")
}

// Close ends the pool: it closes every worker's stdin (a worker exits when
// its stdin ends), waits for each one (which reaps it: no zombie is left),
// and kills what is left of its process group. It returns the errors of
// workers that exited badly on their own, such as exit status 66 (the race
// detector found a data race in the worker). Close may be called more than
// once; later calls return nil. After Close, Map fails with an error that
// says the pool is closed.
//
// Task 4.
func (p *Pool) Close() error {
	panic("Pool.Close is not implemented yet: see README, task 4")
}
