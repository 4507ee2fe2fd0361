package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// PoolConfig configures a Pool. The zero PoolConfig asks for
// runtime.NumCPU() workers but has no Command, so NewPool rejects it.
type PoolConfig struct {
	// Workers is the number of worker processes. 0 means
	// runtime.NumCPU(), as Python's Pool() does; negative is an error.
	Workers int
	// Command makes the command of one worker, not yet started: pass
	// Command. NewPool sets up the command's pipes, its own process group
	// (SysProcAttr.Setpgid) and its WaitDelay, then starts it. nil is an
	// error.
	Command func() *exec.Cmd
	// Init, if its Name is set, is the initializer: NewPool sends it to
	// each worker once, before any task, and waits for the worker's
	// "ready".
	Init Task
	// TaskTimeout, if positive, bounds each task: a worker that has not
	// answered by then is killed (with its process group) and Map fails
	// with an error that names the task. 0 means no limit but ctx.
	TaskTimeout time.Duration
	// Stderr receives the workers' stderr (their prints, their crash and
	// race reports). nil means os.Stderr.
	Stderr io.Writer
}

// A Pool is the reference process pool of the harness: kata 10 works on it,
// and kata 09's reference solution is this pool under the kata's names (do
// kata 09 before you read it). Make one with NewPool; whoever made it must
// Close it. The zero Pool is not usable.
//
// Map and Close may be called from any goroutine, but not at the same time:
// a call waits for the one in progress.
type Pool struct {
	workers []*poolWorker
	mu      sync.Mutex
	broken  error
	closed  bool
	timeout time.Duration
	spans   []span // of the last Map
	history []span // of every Map, in the order they ended
}

// span is when a worker ran one task, by the worker's own clock readings.
type span struct {
	pid, index int
	start, end int64
	cpu        int64
}

type poolWorker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *Encoder
	dec    *Decoder
	pid    int
	killed atomic.Bool // we killed it: its exit status is no news
	waited bool
	werr   error
	tasks  int
	spans  []span
}

// WaitDelay is how long Wait waits for a worker's pipes after it exited
// (a grandchild may hold them) before closing them.
const WaitDelay = 2 * time.Second

// NewPool starts cfg.Workers worker processes, each in its own process
// group, reads each one's hello, and runs the initializer cfg.Init exactly
// once in each. It returns when every worker is ready. ctx bounds the
// start-up only: it does not end the pool later.
//
// Errors: a nil ctx (an error that says the context is nil), negative
// Workers (an error that gives the number) or a nil Command (an error that
// names the field, Command), before any process is started; a worker that
// fails to start, dies or whose initializer fails (the error carries the
// worker's own message). On an error every process already started is
// killed and reaped.
func NewPool(ctx context.Context, cfg PoolConfig) (*Pool, error) {
	if ctx == nil {
		return nil, errors.New("proc.NewPool: nil context")
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("proc.NewPool: Workers = %d: want 1 or more (0 means runtime.NumCPU())", cfg.Workers)
	}
	if cfg.Command == nil {
		return nil, errors.New("proc.NewPool: Command is nil: pass proc.Command")
	}
	n := cfg.Workers
	if n == 0 {
		n = runtime.NumCPU()
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	p := &Pool{timeout: cfg.TaskTimeout}
	fail := func(err error) (*Pool, error) {
		p.killAll()
		p.reap()
		return nil, err
	}
	for range n {
		w, err := startWorker(cfg)
		if err != nil {
			return fail(err)
		}
		p.workers = append(p.workers, w)
	}
	stop := context.AfterFunc(ctx, p.killAll)
	defer stop()
	for _, w := range p.workers {
		err := w.hello()
		if err == nil {
			err = w.initialize(cfg.Init)
		}
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("proc.NewPool: start-up cancelled: %w", ctx.Err())
			}
			return fail(err)
		}
	}
	return p, nil
}

// startWorker starts one worker process in its own process group.
func startWorker(cfg PoolConfig) (*poolWorker, error) {
	cmd := cfg.Command()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = WaitDelay
	cmd.Stderr = cfg.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("proc.NewPool: starting a worker: %w", err)
	}
	return &poolWorker{cmd: cmd, stdin: stdin, enc: NewEncoder(stdin), dec: NewDecoder(stdout), pid: cmd.Process.Pid}, nil
}

// hello reads the worker's first line.
func (w *poolWorker) hello() error {
	m, err := w.dec.Receive()
	if err != nil {
		return fmt.Errorf("worker %d did not say hello: %w", w.pid, w.died(err))
	}
	if m.Kind != KindHello {
		return fmt.Errorf("worker %d: %w: said %q before hello", w.pid, ErrProtocol, m.Kind)
	}
	return nil
}

// initialize runs the initializer init in the worker, if there is one.
func (w *poolWorker) initialize(init Task) error {
	if init.Name == "" {
		return nil
	}
	if err := w.enc.Send(Message{Kind: KindInit, Name: init.Name, Arg: init.Arg}); err != nil {
		return fmt.Errorf("worker %d: sending the initializer: %w", w.pid, w.died(err))
	}
	m, err := w.dec.Receive()
	switch {
	case err != nil:
		return fmt.Errorf("worker %d: initializer %s: %w", w.pid, init, w.died(err))
	case m.Kind == KindError:
		return fmt.Errorf("worker %d: initializer %s failed: %s", w.pid, init, m.Error)
	case m.Kind != KindReady:
		return fmt.Errorf("worker %d: initializer %s: %w: answered %q instead of %q", w.pid, init, ErrProtocol, m.Kind, KindReady)
	}
	return nil
}

// died turns a read error into the worker's fate: at the end of its stdout
// it is reaped and its exit status reported.
func (w *poolWorker) died(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("worker %d died: %v", w.pid, w.wait())
	}
	return err
}

func (w *poolWorker) wait() error {
	if !w.waited {
		w.waited = true
		w.werr = w.cmd.Wait()
		if w.werr == nil {
			w.werr = errors.New("exit status 0")
		}
	}
	return w.werr
}

func (w *poolWorker) kill() {
	w.killed.Store(true)
	_ = syscall.Kill(-w.pid, syscall.SIGKILL)
}

func (p *Pool) killAll() {
	for _, w := range p.workers {
		w.kill()
	}
}

// reap waits for every worker not yet waited for.
func (p *Pool) reap() {
	for _, w := range p.workers {
		_ = w.stdin.Close()
		_ = w.wait()
	}
}

// Size returns the number of workers.
func (p *Pool) Size() int { return len(p.workers) }

// TasksPerWorker returns how many tasks each worker ran, by PID.
func (p *Pool) TasksPerWorker() map[int]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int]int{}
	for _, w := range p.workers {
		out[w.pid] = w.tasks
	}
	return out
}

// PeakParallel returns the most tasks of the last Map that were running in
// workers at the same moment, by the times the workers reported: 1 means
// the tasks ran one after another, whatever the number of workers.
func (p *Pool) PeakParallel() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	type edge struct {
		at    int64
		delta int
	}
	var edges []edge
	for _, s := range p.spans {
		edges = append(edges, edge{s.start, +1}, edge{s.end, -1})
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].delta < edges[j].delta // an end before a start at the same instant
	})
	peak, now := 0, 0
	for _, e := range edges {
		now += e.delta
		peak = max(peak, now)
	}
	return peak
}

// A TaskSpan is when one task of a Map ran, as its worker reported it:
// Start and End on the machine's monotonic clock (the same for every
// process, so spans of different workers compare), and the CPU time the
// worker process used meanwhile. On a busy machine a task waits for a core
// part of its span: its CPU time is then less than End - Start.
type TaskSpan struct {
	PID        int           // the worker's
	Index      int           // the task's index in the Map's tasks
	Start, End time.Duration // since an arbitrary moment, the same for every process
	CPU        time.Duration // the worker's CPU time (user + system) during the task
}

// Spans returns the spans of every task the pool ran that reported one
// (every task that finished, with a result or a task error), Map after Map
// in the order the Maps ended: a caller that wants the spans of some calls
// notes len(Spans()) before them and slices after.
func (p *Pool) Spans() []TaskSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]TaskSpan, len(p.history))
	for i, s := range p.history {
		out[i] = TaskSpan{PID: s.pid, Index: s.index, Start: time.Duration(s.start), End: time.Duration(s.end), CPU: time.Duration(s.cpu)}
	}
	return out
}

// PIDs returns the workers' process IDs (each is also its process group).
func (p *Pool) PIDs() []int {
	out := make([]int, len(p.workers))
	for i, w := range p.workers {
		out[i] = w.pid
	}
	return out
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
//     (the error wraps ErrProtocol), hangs past TaskTimeout, or a ctx
//     cancelled mid-run (the error wraps ctx.Err()) breaks the pool: every
//     worker is killed with its whole process group, and later Maps fail
//     with an error that says the pool is broken.
func (p *Pool) Map(ctx context.Context, tasks []Task) ([]string, error) {
	if ctx == nil {
		return nil, errors.New("Pool.Map: nil context")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("Pool.Map: the pool is closed")
	}
	if p.broken != nil {
		return nil, fmt.Errorf("Pool.Map: the pool is broken by an earlier failure: %w", p.broken)
	}
	results := make([]string, len(tasks))
	p.spans = nil
	if len(tasks) == 0 {
		return results, nil
	}
	if err := ctx.Err(); err != nil {
		return results, fmt.Errorf("Pool.Map: %w", err)
	}
	stop := context.AfterFunc(ctx, p.killAll)
	defer stop()

	var (
		next     atomic.Int64
		stopping atomic.Bool
		errMu    sync.Mutex
		first    error
		fatal    bool
		done     atomic.Int64
	)
	report := func(err error, breaks bool) {
		errMu.Lock()
		defer errMu.Unlock()
		stopping.Store(true)
		if breaks {
			fatal = true
			p.killAll()
		}
		if first == nil {
			first = err
		}
	}
	var wg sync.WaitGroup
	for _, w := range p.workers {
		wg.Go(func() {
			for !stopping.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(tasks) {
					return
				}
				v, err, breaks := w.run(i, tasks[i], p.timeout)
				if err != nil {
					if ctx.Err() != nil {
						err, breaks = fmt.Errorf("Pool.Map: cancelled after %d of %d tasks: %w", done.Load(), len(tasks), ctx.Err()), true
					}
					report(err, breaks)
					return
				}
				w.tasks++
				results[i] = v
				done.Add(1)
			}
		})
	}
	wg.Wait()
	for _, w := range p.workers {
		p.spans = append(p.spans, w.spans...)
		p.history = append(p.history, w.spans...)
		w.spans = nil
	}
	if fatal {
		p.broken = first
		p.reap()
	}
	return results, first
}

// run sends task i to the worker and waits for its answer. breaks says
// whether the error leaves the worker unusable.
func (w *poolWorker) run(i int, t Task, timeout time.Duration) (value string, err error, breaks bool) {
	where := fmt.Sprintf("task %d %s in worker %d", i, t, w.pid)
	var timedOut atomic.Bool
	if timeout > 0 {
		timer := time.AfterFunc(timeout, func() { timedOut.Store(true); w.kill() })
		defer timer.Stop()
	}
	if err := w.enc.Send(Message{Kind: KindTask, Index: i, Name: t.Name, Arg: t.Arg}); err != nil {
		return "", fmt.Errorf("%s: sending it: %w", where, w.died(err)), true
	}
	m, err := w.dec.Receive()
	switch {
	case timedOut.Load():
		return "", fmt.Errorf("%s: no answer within %v: the worker hangs and was killed", where, timeout), true
	case err != nil:
		return "", fmt.Errorf("%s: %w", where, w.died(err)), true
	}
	if m.End > 0 {
		w.spans = append(w.spans, span{pid: w.pid, index: i, start: m.Start, end: m.End, cpu: m.CPU})
	}
	switch {
	case m.Kind == KindError && m.Index == i:
		return "", fmt.Errorf("%s failed: %s", where, m.Error), false
	case m.Kind != KindResult || m.Index != i:
		return "", fmt.Errorf("%s: %w: answered %+v", where, ErrProtocol, m), true
	}
	return m.Value, nil, false
}

// Close ends the pool: it closes every worker's stdin (a worker exits when
// its stdin ends), waits for each one (which reaps it: no zombie is left),
// and kills what is left of its process group. It returns the errors of
// workers that exited badly on their own, such as exit status 66 (the race
// detector found a data race in the worker), wrapped so that errors.As finds
// the *exec.ExitError. Close may be called more than once; later calls
// return nil. After Close, Map fails with an error that says the pool is
// closed.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	var errs []error
	for _, w := range p.workers {
		_ = w.stdin.Close()
		if w.waited {
			continue
		}
		timer := time.AfterFunc(5*time.Second, w.kill)
		err := w.wait()
		timer.Stop()
		if err != nil && err.Error() != "exit status 0" && !w.killed.Load() {
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() == 66 {
				err = fmt.Errorf("%w: the race detector found a data race in the worker (its report is on the worker's stderr)", err)
			}
			errs = append(errs, fmt.Errorf("worker %d: %w", w.pid, err))
		}
	}
	for _, w := range p.workers {
		_ = syscall.Kill(-w.pid, syscall.SIGKILL) // grandchildren, if any are left
	}
	return errors.Join(errs...)
}
