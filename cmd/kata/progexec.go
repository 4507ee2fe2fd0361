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

// runProgramLogged runs program args... (a prebuilt test binary, or "go") in
// dir, its output saved to logPath and returned. The command is interrupted
// when ctx ends (Ctrl-C or the per-check timeout): its whole process group
// gets SIGINT three times, two seconds apart (Ginkgo's levels: clean up and
// report, report only, bail out), so Ginkgo still writes its report; SIGKILL
// follows if that is not enough. Whatever the program left in its group is
// killed when it exits. The output also goes to tee, as it comes.
func runProgramLogged(ctx context.Context, program, dir, logPath string, args []string, tee ...io.Writer) (code int, output string, err error) {
	return runProgramEnv(ctx, program, dir, logPath, args, nil, tee...)
}

// runProgramEnv is runProgramLogged with more environment variables
// ("GOMAXPROCS=1"), which win over the tool's own.
func runProgramEnv(ctx context.Context, program, dir, logPath string, args, env []string, tee ...io.Writer) (code int, output string, err error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return -1, "", err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return -1, "", err
	}
	defer logFile.Close()
	var buf bytes.Buffer
	w := io.MultiWriter(append([]io.Writer{logFile, &buf}, tee...)...)

	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir = dir
	cmd.Env = append(kataEnv(), env...)
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
