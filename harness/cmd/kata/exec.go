package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// runLogged runs `go args...` in dir, its output saved to logPath and
// returned. The command is interrupted when ctx ends (Ctrl-C or the per-check
// timeout): its whole process group gets SIGINT three times, two seconds
// apart (Ginkgo's levels: clean up and report, report only, bail out), so
// Ginkgo still writes its report; SIGKILL follows if that is not enough.
func runLogged(ctx context.Context, dir, logPath string, args []string) (code int, output string, err error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return -1, "", err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return -1, "", err
	}
	defer logFile.Close()
	var buf bytes.Buffer
	w := io.MultiWriter(logFile, &buf)

	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = kataEnv()
	cmd.Stdout, cmd.Stderr = w, w
	ownProcessGroup(cmd)
	exited := make(chan struct{})
	cmd.Cancel = func() error {
		go func() {
			for range 2 {
				select {
				case <-exited:
					return
				case <-time.After(2 * time.Second):
					_ = interruptGroup(cmd)
				}
			}
		}()
		return interruptGroup(cmd)
	}
	cmd.WaitDelay = 15 * time.Second

	runErr := cmd.Run()
	close(exited)
	killGroup(cmd) // whatever the test binary left behind in its group
	var ee *exec.ExitError
	switch {
	case runErr == nil:
		return 0, buf.String(), nil
	case errors.As(runErr, &ee):
		return ee.ExitCode(), buf.String(), nil // -1: killed by a signal
	default:
		return -1, buf.String(), runErr
	}
}

// passthrough runs `go args...` in root with the terminal attached and
// returns its exit status as an exitCode.
func (r *runner) passthrough(args ...string) error {
	return r.passthroughEnv(kataEnv(), args...)
}

func (r *runner) passthroughEnv(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
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
