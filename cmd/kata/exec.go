package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sync/errgroup"
)

// inParallel calls do(0), do(1)... do(n-1), at most jobs at a time (at least
// one), starting them in that order, and returns the first error once every
// call has returned.
func inParallel(n, jobs int, do func(i int) error) error {
	var g errgroup.Group
	g.SetLimit(max(jobs, 1))
	for i := range n {
		g.Go(func() error { return do(i) })
	}
	return g.Wait()
}

// untilInterrupted returns a context that Ctrl-C (SIGINT) or SIGTERM
// cancels: the command then stops its children and still reports what
// ended. stop releases the signals.
func untilInterrupted() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// runLogged runs `go args...` in dir, its output saved to logPath and
// returned: runProgramLogged with the go command.
func runLogged(ctx context.Context, dir, logPath string, args []string) (code int, output string, err error) {
	return runProgramLogged(ctx, "go", dir, logPath, args)
}

// passthrough runs `go args...` in root with the terminal attached and
// returns its exit status as an exitCode.
func (r *runner) passthrough(args ...string) error {
	return r.passthroughEnv(kataEnv(), args...)
}

func (r *runner) passthroughEnv(env []string, args ...string) error {
	return r.passthroughProgram("go", env, args...)
}

// passthroughProgram runs program (a path relative to root, or a command
// on $PATH) in root with the terminal attached.
func (r *runner) passthroughProgram(program string, env []string, args ...string) error {
	cmd := exec.Command(program, args...)
	cmd.Dir = r.root
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, r.stdout, r.stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if code := ee.ExitCode(); code > 0 {
			return exitCode(code)
		}
		return exitCode(1)
	}
	return err
}
