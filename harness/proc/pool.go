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

// PoolConfig configures a Pool.
type PoolConfig struct {
	// Workers is the number of worker processes; 0 means runtime.NumCPU(),
	// as Python's Pool(). Negative is an error.
	Workers int
	// Command makes the command of one worker, not yet started (Command).
	Command func() *exec.Cmd
	// Init, if its Name is set, runs once in each worker before any task.
	Init Task
	// TaskTimeout, if positive, bounds each task: a worker that has not
	// answered by then is killed and Map fails.
	TaskTimeout time.Duration
	// Stderr receives the workers' stderr; nil means os.Stderr.
	Stderr io.Writer
}

// A Pool is the reference process pool of the harness: kata 10 works on
// it. (It is kata 09's answer: do kata 09 before you read it.)
//
// Map must not be called concurrently with itself or Close (calls wait for
// each other). Whoever makes a Pool must Close it.
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

// NewPool starts cfg.Workers workers and runs the initializer in each. ctx
// bounds the start-up only.
func NewPool(ctx context.Context, cfg PoolConfig) (*Pool, error) {
	if ctx == nil {
		return nil, errors.New("proc.NewPool: nil context")
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("proc.NewPool: %d workers: want 1 or more (0 means runtime.NumCPU())", cfg.Workers)
	}
	if cfg.Command == nil {
		return nil, errors.New("proc.NewPool: Command is nil: pass proc.Command")
	}
	n := cfg.Workers
	if n == 0 {
		n = runtime.NumCPU()
	}
	stderr := cfg.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	p := &Pool{timeout: cfg.TaskTimeout}
	fail := func(err error) (*Pool, error) {
		p.killAll()
		p.reap()
		return nil, err
	}
	for range n {
		cmd := cfg.Command()
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.WaitDelay = WaitDelay
		cmd.Stderr = stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return fail(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return fail(err)
		}
		if err := cmd.Start(); err != nil {
			return fail(fmt.Errorf("proc.NewPool: starting a worker: %w", err))
		}
		p.workers = append(p.workers, &poolWorker{cmd: cmd, stdin: stdin, enc: NewEncoder(stdin), dec: NewDecoder(stdout), pid: cmd.Process.Pid})
	}
	stop := context.AfterFunc(ctx, p.killAll)
	defer stop()
	for _, w := range p.workers {
		if err := w.handshake(cfg.Init); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("proc.NewPool: start-up cancelled: %w", ctx.Err())
			}
			return fail(err)
		}
	}
	return p, nil
}

func (w *poolWorker) handshake(init Task) error {
	m, err := w.dec.Receive()
	if err != nil || m.Kind != KindHello {
		return fmt.Errorf("worker %d did not say hello: %v", w.pid, w.died(err))
	}
	if init.Name == "" {
		return nil
	}
	if err := w.enc.Send(Message{Kind: KindInit, Name: init.Name, Arg: init.Arg}); err != nil {
		return fmt.Errorf("worker %d: sending the initializer: %w", w.pid, w.died(err))
	}
	m, err = w.dec.Receive()
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

// Map runs tasks on the workers and returns their values in the order of
// tasks. On an error it returns a slice as long as tasks in which the tasks
// that finished have their value and the others "" (no task of the harness
// answers ""), with the first error, which names the task. A task error
// leaves the pool usable; a worker that dies, breaks the protocol, hangs
// past TaskTimeout, or a cancelled ctx breaks the pool: every worker is
// killed (with its process group) and later Maps fail.
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

// Close ends every worker: it closes their stdin (a worker exits when its
// stdin ends), waits for each and reaps it, then kills what is left of its
// process group. It reports workers that exited with an error of their own
// (status 66: the race detector found a race in the worker). Close may be
// called more than once.
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
