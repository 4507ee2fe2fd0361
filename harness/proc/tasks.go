package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// worker is the state of one worker process: its memory, which no other
// process shares. The session lives here, made by the initializer.
type worker struct {
	pid      int
	enc      *Encoder
	session  *web.Session
	inits    int // how many times the initializer ran in this process
	exitCode int // the status to exit with when stdin ends
}

func (w *worker) closeSession() {
	if w.session != nil {
		w.session.Close()
	}
}

type taskFunc func(ctx context.Context, w *worker, arg string) (string, error)

// initializers run in a worker on an "init" message.
var initializers = map[string]func(w *worker, arg string) error{
	// session makes the process's Session for the fake server at arg (its
	// base URL), named after the process: p<PID> the first time.
	"session": func(w *worker, arg string) error {
		w.inits++
		id := fmt.Sprintf("p%d", w.pid)
		if w.inits > 1 {
			id = fmt.Sprintf("p%d.%d", w.pid, w.inits)
		}
		s, err := web.DialSession(arg, id)
		if err != nil {
			return err
		}
		w.closeSession()
		w.session = s
		return nil
	},
}

// tasks run in a worker on a "task" message. See Tasks.
var tasks = map[string]taskFunc{
	"sum-of-squares": sumOfSquares,
	"download":       download,
	"whoami":         whoami,
	"echo-after":     echoAfter,
	"fail": func(_ context.Context, _ *worker, arg string) (string, error) {
		return "", errors.New(arg)
	},
	"crash": func(context.Context, *worker, string) (string, error) {
		fmt.Fprintf(os.Stderr, "kata-worker %d: crashing mid-task on purpose (exit status 3)\n", os.Getpid())
		os.Exit(3)
		return "", nil
	},
	"garbage": func(_ context.Context, w *worker, _ string) (string, error) {
		w.enc.mu.Lock()
		_, err := io.WriteString(w.enc.w, "Traceback (most recent call last): this line is not JSON\n")
		w.enc.mu.Unlock()
		return "garbage was sent first", err
	},
	"hang": func(context.Context, *worker, string) (string, error) {
		time.Sleep(time.Hour) // never answers; the pool must kill this worker
		return "", nil
	},
	"spawn": spawn,
	"race":  race,
}

// Tasks returns the names of the tasks a worker runs, sorted.
func Tasks() []string {
	names := make([]string, 0, len(tasks))
	for n := range tasks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// sumOfSquares: arg n in decimal; value workload.SumOfSquares(n) in decimal.
func sumOfSquares(_ context.Context, _ *worker, arg string) (string, error) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > 1<<32 {
		return "", fmt.Errorf("sum-of-squares(%q): want a whole number in [0, 2^32]", arg)
	}
	return workload.SumOfSquares(n).String(), nil
}

// download: arg a URL; value the size of its body in decimal, fetched with
// the process's Session (made by the "session" initializer).
func download(ctx context.Context, w *worker, arg string) (string, error) {
	if w.session == nil {
		return "", fmt.Errorf("download(%s): this process has no Session: the initializer \"session\" has not run in it", arg)
	}
	resp, err := w.session.Get(ctx, arg)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return "", fmt.Errorf("GET %s: reading the body: %w", arg, err)
	}
	return strconv.FormatInt(n, 10), nil
}

// whoami: arg an optional duration to work first ("20ms"); value "PID PPID".
func whoami(_ context.Context, _ *worker, arg string) (string, error) {
	if arg != "" {
		d, err := time.ParseDuration(arg)
		if err != nil {
			return "", fmt.Errorf("whoami(%q): want a duration such as 20ms", arg)
		}
		time.Sleep(d)
	}
	return fmt.Sprintf("%d %d", os.Getpid(), os.Getppid()), nil
}

// echoAfter: arg "<duration> <text>"; value text, after the duration.
func echoAfter(_ context.Context, _ *worker, arg string) (string, error) {
	ds, text, _ := strings.Cut(arg, " ")
	d, err := time.ParseDuration(ds)
	if err != nil {
		return "", fmt.Errorf("echo-after(%q): want \"<duration> <text>\", such as \"30ms a\"", arg)
	}
	time.Sleep(d)
	return text, nil
}

// spawn starts a grandchild (this executable again, as kata-grandchild,
// which waits a minute) in the worker's own process group, then hangs: only
// killing the whole group ends both.
func spawn(context.Context, *worker, string) (string, error) {
	cmd := commandAs(GrandchildArgv0, "grandchild")
	cmd.Stderr = os.Stderr // holds the worker's stderr pipe open, as a real helper would
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("spawn: %v", err)
	}
	fmt.Fprintf(os.Stderr, "kata-worker %d: started grandchild %d, now hanging\n", os.Getpid(), cmd.Process.Pid)
	time.Sleep(time.Hour)
	return "", nil
}

// race runs a real data race when the binary is built with -race: the race
// detector reports it on stderr and the worker exits with status 66 when
// its stdin ends. Without -race it only sets that exit status, to stand for
// it.
func race(_ context.Context, w *worker, _ string) (string, error) {
	if !raceEnabled {
		w.exitCode = 66
		return "race simulated (not built with -race)", nil
	}
	counter := 0
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 100 {
				counter++ // unsynchronised on purpose
			}
		})
	}
	wg.Wait()
	return strconv.Itoa(counter), nil
}
