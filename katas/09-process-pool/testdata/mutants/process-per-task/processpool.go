// mutant: starts a fresh process for every task and never reuses the pool's workers
// killed-by: reuses its N processes
// Package processpool is kata 09: a pool of worker processes, the Go form of
// Python's multiprocessing.Pool(initializer=...) and pool.map.
package processpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/concurrency-katas/go-katas/harness/proc"
)

// Config configures a Pool.
type Config struct {
	// Workers is the number of worker processes; 0 means runtime.NumCPU(),
	// as Python's Pool(). Negative is an error.
	Workers int
	// Command makes the command of one worker, not yet started
	// (proc.Command).
	Command func() *exec.Cmd
	// Init, if its Name is set, runs once in each worker before any task.
	Init proc.Task
	// TaskTimeout, if positive, bounds each task: a worker that has not
	// answered by then is killed and Map fails.
	TaskTimeout time.Duration
	// Stderr receives the workers' stderr; nil means os.Stderr.
	Stderr io.Writer
}

// A Pool is a fixed set of worker processes that run tasks.
//
// Map must not be called concurrently with itself or Close (calls wait for
// each other). Whoever makes a Pool must Close it.
type Pool struct {
	workers []*poolWorker
	mu      sync.Mutex
	broken  error
	closed  bool
	cfg     Config
}

type poolWorker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *proc.Encoder
	dec    *proc.Decoder
	pid    int
	killed atomic.Bool // we killed it: its exit status is no news
	waited bool
	werr   error
}

// waitDelay is how long Wait waits for a worker's pipes after it exited
// (a grandchild may hold them) before closing them.
const waitDelay = 2 * time.Second

// New starts cfg.Workers workers and runs the initializer in each. ctx
// bounds the start-up only.
func New(ctx context.Context, cfg Config) (*Pool, error) {
	if ctx == nil {
		return nil, errors.New("processpool.New: nil context")
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("processpool.New: %d workers: want 1 or more (0 means runtime.NumCPU())", cfg.Workers)
	}
	if cfg.Command == nil {
		return nil, errors.New("processpool.New: Command is nil: pass proc.Command")
	}
	n := cfg.Workers
	if n == 0 {
		n = runtime.NumCPU()
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	p := &Pool{cfg: cfg}
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
				err = fmt.Errorf("processpool.New: start-up cancelled: %w", ctx.Err())
			}
			return fail(err)
		}
	}
	return p, nil
}

// startWorker starts one worker process in its own process group.
func startWorker(cfg Config) (*poolWorker, error) {
	cmd := cfg.Command()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = waitDelay
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
		return nil, fmt.Errorf("processpool.New: starting a worker: %w", err)
	}
	return &poolWorker{cmd: cmd, stdin: stdin, enc: proc.NewEncoder(stdin), dec: proc.NewDecoder(stdout), pid: cmd.Process.Pid}, nil
}

// hello reads the worker's first line.
func (w *poolWorker) hello() error {
	m, err := w.dec.Receive()
	if err != nil {
		return fmt.Errorf("worker %d did not say hello: %w", w.pid, w.died(err))
	}
	if m.Kind != proc.KindHello {
		return fmt.Errorf("worker %d: %w: said %q before hello", w.pid, proc.ErrProtocol, m.Kind)
	}
	return nil
}

// initialize runs the initializer init in the worker, if there is one.
func (w *poolWorker) initialize(init proc.Task) error {
	if init.Name == "" {
		return nil
	}
	if err := w.enc.Send(proc.Message{Kind: proc.KindInit, Name: init.Name, Arg: init.Arg}); err != nil {
		return fmt.Errorf("worker %d: sending the initializer: %w", w.pid, w.died(err))
	}
	m, err := w.dec.Receive()
	switch {
	case err != nil:
		return fmt.Errorf("worker %d: initializer %s: %w", w.pid, init, w.died(err))
	case m.Kind == proc.KindError:
		return fmt.Errorf("worker %d: initializer %s failed: %s", w.pid, init, m.Error)
	case m.Kind != proc.KindReady:
		return fmt.Errorf("worker %d: initializer %s: %w: answered %q instead of %q", w.pid, init, proc.ErrProtocol, m.Kind, proc.KindReady)
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

// Map runs tasks on the workers and returns their values in the order of
// tasks. On an error it returns a slice as long as tasks in which the tasks
// that finished have their value and the others "" (no task of the harness
// answers ""), with the first error, which names the task. A task error
// leaves the pool usable; a worker that dies, breaks the protocol, hangs
// past TaskTimeout, or a cancelled ctx breaks the pool: every worker is
// killed (with its process group) and later Maps fail.
func (p *Pool) Map(ctx context.Context, tasks []proc.Task) ([]string, error) {
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
	for range p.workers {
		wg.Go(func() {
			for !stopping.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(tasks) {
					return
				}
				fresh, err := startWorker(p.cfg)
				if err != nil {
					report(err, true)
					return
				}
				if err = fresh.hello(); err == nil {
					err = fresh.initialize(p.cfg.Init)
				}
				var v string
				var breaks bool
				if err == nil {
					stopFresh := context.AfterFunc(ctx, fresh.kill)
					v, err, breaks = fresh.run(i, tasks[i], p.cfg.TaskTimeout)
					stopFresh()
				}
				_ = fresh.stdin.Close()
				_ = fresh.wait()
				if err != nil {
					if ctx.Err() != nil {
						err, breaks = fmt.Errorf("Pool.Map: cancelled after %d of %d tasks: %w", done.Load(), len(tasks), ctx.Err()), true
					}
					report(err, breaks)
					return
				}
				results[i] = v
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if fatal {
		p.broken = first
		p.reap()
	}
	return results, first
}

// run sends task i to the worker and waits for its answer. breaks says
// whether the error leaves the worker unusable.
func (w *poolWorker) run(i int, t proc.Task, timeout time.Duration) (value string, err error, breaks bool) {
	where := fmt.Sprintf("task %d %s in worker %d", i, t, w.pid)
	var timedOut atomic.Bool
	if timeout > 0 {
		timer := time.AfterFunc(timeout, func() { timedOut.Store(true); w.kill() })
		defer timer.Stop()
	}
	if err := w.enc.Send(proc.Message{Kind: proc.KindTask, Index: i, Name: t.Name, Arg: t.Arg}); err != nil {
		return "", fmt.Errorf("%s: sending it: %w", where, w.died(err)), true
	}
	m, err := w.dec.Receive()
	switch {
	case timedOut.Load():
		return "", fmt.Errorf("%s: no answer within %v: the worker hangs and was killed", where, timeout), true
	case err != nil:
		return "", fmt.Errorf("%s: %w", where, w.died(err)), true
	case m.Kind == proc.KindError && m.Index == i:
		return "", fmt.Errorf("%s failed: %s", where, m.Error), false
	case m.Kind != proc.KindResult || m.Index != i:
		return "", fmt.Errorf("%s: %w: answered %+v", where, proc.ErrProtocol, m), true
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
