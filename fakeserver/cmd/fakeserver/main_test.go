package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concurrency-katas/go-katas/fakeserver"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// build compiles this command once for all the tests of the run.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "fakeserver-cmd-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "fakeserver")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out) + err.Error())
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// start runs the command with args and returns it with its stdout (one
// line at a time) and stderr (whole, after Wait).
func start(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(build(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewReader(stdout), &stderr
}

func TestServesUntilInterruptedAndPrintsStats(t *testing.T) {
	cmd, stdout, stderr := start(t, "-latency", "10ms", "-fail-every", "2")
	line, err := stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL line: %v (stderr: %s)", err, stderr)
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line = %q, want the server's URL on 127.0.0.1", line)
	}

	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for i, want := range []int{200, 500, 200} {
		began := time.Now()
		resp, err := client.Get(url + fakeserver.BigPath)
		if err != nil {
			t.Fatalf("GET #%d: %v", i+1, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET #%d: reading the body: %v", i+1, err)
		}
		if resp.StatusCode != want {
			t.Fatalf("GET #%d: status %d, want %d (-fail-every 2)", i+1, resp.StatusCode, want)
		}
		if want == 200 && len(body) != fakeserver.BigSize {
			t.Fatalf("GET #%d: %d bytes, want %d", i+1, len(body), fakeserver.BigSize)
		}
		if d := time.Since(began); d < 10*time.Millisecond {
			t.Fatalf("GET #%d took %v, less than the latency of 10ms", i+1, d)
		}
	}
	client.CloseIdleConnections()

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGINT: %v, want exit status 0 (stderr: %s)", err, stderr)
	}
	if rest, _ := io.ReadAll(stdout); len(rest) != 0 {
		t.Errorf("stdout after the URL line = %q, want nothing: stdout carries the URL only", rest)
	}
	for _, want := range []string{
		"serving " + url + fakeserver.BigPath + " (10282 bytes)",
		"latency 10ms; Ctrl-C stops",
		"fakeserver: 3 requests, peak 1 in flight, 1 connections, 0 sessions, busy for ",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr)
		}
	}
}

func TestBadArgumentsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-latency", "-1s"}, "must not be negative"},
		{[]string{"-jitter", "-5ms"}, "must not be negative"},
		{[]string{"-fail-every", "-1"}, "must not be negative"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-latency", "10ms", "extra", "more"}, `unexpected argument "extra"`},
		{[]string{"-no-such-flag"}, "flag provided but not defined"},
		{[]string{"-latency", "fast"}, "invalid value"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd, stdout, stderr := start(t, tc.args...)
			out, _ := io.ReadAll(stdout)
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit: %v, want exit status 2 (stderr: %s)", err, stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr does not contain %q:\n%s", tc.want, stderr)
			}
			if len(out) != 0 {
				t.Errorf("stdout = %q, want nothing: no server was started", out)
			}
		})
	}
}
