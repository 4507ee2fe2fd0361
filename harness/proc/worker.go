package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"
)

// EnvVar marks a process started by Command as a worker ("worker") or as
// the grandchild the "spawn" task starts ("grandchild").
const EnvVar = "KATA_PROC_WORKER"

// Argv0 is the argv[0] of every worker, so `ps` shows them as kata-worker.
const (
	Argv0           = "kata-worker"
	GrandchildArgv0 = "kata-grandchild"
)

// Command returns the command that starts one worker: this executable again
// (the test binary), with EnvVar set. It is not started: the pool sets up
// its pipes, process group (SysProcAttr) and WaitDelay, then calls Start.
// It panics if the executable cannot be found, which a test cannot help.
func Command() *exec.Cmd {
	return commandAs(Argv0, "worker")
}

func commandAs(argv0, role string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(fmt.Sprintf("proc.Command: cannot find this executable: %v", err))
	}
	cmd := exec.Command(exe)
	cmd.Args = []string{argv0}
	cmd.Env = append(os.Environ(), EnvVar+"="+role)
	return cmd
}

// WorkerMain runs the worker protocol and exits if this process was started
// by Command; otherwise it returns at once. Call it first in TestMain, before
// m.Run (see the package doc).
func WorkerMain() {
	switch os.Getenv(EnvVar) {
	case "":
		return
	case "grandchild":
		// The grandchild of the "spawn" task: it only waits, as `sleep 60`
		// would, until it is killed.
		time.Sleep(time.Minute)
		os.Exit(0)
	default:
		os.Exit(serve())
	}
}

// Main is the TestMain of a package whose test binary is its own workers:
// WorkerMain, then the tests.
//
//	func TestMain(m *testing.M) { proc.Main(m) }
func Main(m *testing.M) {
	WorkerMain()
	os.Exit(m.Run())
}

// serve runs the protocol on stdin and stdout until stdin ends, and returns
// the exit status.
func serve() int {
	out := os.Stdout
	// Anything else this process prints goes to stderr: stdout carries the
	// protocol only.
	os.Stdout = os.Stderr
	w := &worker{pid: os.Getpid(), enc: NewEncoder(out), exitCode: 0}
	defer w.closeSession()
	if err := w.enc.Send(Message{Kind: KindHello, PID: w.pid}); err != nil {
		fmt.Fprintf(os.Stderr, "kata-worker %d: cannot say hello: %v\n", w.pid, err)
		return 1
	}
	dec := NewDecoder(os.Stdin)
	for {
		m, err := dec.Receive()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(os.Stderr, "kata-worker %d: reading stdin: %v\n", w.pid, err)
				return 1
			}
			return w.exitCode
		}
		if err := w.enc.Send(w.handle(context.Background(), m)); err != nil {
			fmt.Fprintf(os.Stderr, "kata-worker %d: writing stdout: %v\n", w.pid, err)
			return 1
		}
	}
}

// handle answers one message.
func (w *worker) handle(ctx context.Context, m Message) Message {
	switch m.Kind {
	case KindInit:
		init, ok := initializers[m.Name]
		if !ok {
			return Message{Kind: KindError, PID: w.pid, Error: fmt.Sprintf("no initializer named %q (there is %q)", m.Name, "session")}
		}
		if err := init(w, m.Arg); err != nil {
			return Message{Kind: KindError, PID: w.pid, Error: fmt.Sprintf("initializer %s(%s): %v", m.Name, m.Arg, err)}
		}
		return Message{Kind: KindReady, PID: w.pid}
	case KindTask:
		run, ok := tasks[m.Name]
		if !ok {
			return Message{Kind: KindError, Index: m.Index, PID: w.pid, Error: fmt.Sprintf("no task named %q (see proc.Tasks)", m.Name)}
		}
		start, cpu0 := monotonicNow(), processCPU()
		value, err := run(ctx, w, m.Arg)
		end, cpu := monotonicNow(), processCPU()-cpu0
		if err != nil {
			return Message{Kind: KindError, Index: m.Index, PID: w.pid, Error: err.Error(), Start: start, End: end, CPU: cpu}
		}
		return Message{Kind: KindResult, Index: m.Index, PID: w.pid, Value: value, Start: start, End: end, CPU: cpu}
	}
	return Message{Kind: KindError, Index: m.Index, PID: w.pid, Error: fmt.Sprintf("a worker expects %q or %q messages, not %q", KindInit, KindTask, m.Kind)}
}
