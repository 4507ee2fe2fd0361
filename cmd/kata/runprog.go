package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/concurrency-katas/go-katas/internal/runkit"
)

// A verProgram is a kata's generated runner (see internal/runkit), built.
type verProgram struct {
	Kata kata
	Ref  bool   // the reference solution laid over the learner's files
	Bin  string // the executable
	Dir  string // .kata/run/NN-name[-solution]/
}

// whose names the code a program runs, for headers and messages.
func (p verProgram) whose() string {
	if p.Ref {
		return "the reference solution (solutions/" + p.Kata.Dir + ")"
	}
	return "your code (katas/" + p.Kata.Dir + ")"
}

// A verBuildError is a runner that did not compile: the learner's code, most
// likely. Output is what the compiler said.
type verBuildError struct {
	Kata   kata
	Output string
}

func (e *verBuildError) Error() string {
	return fmt.Sprintf("kata %s does not compile:\n%s", e.Kata.Dir, strings.TrimSpace(e.Output))
}

// buildProgram compiles kata k's adapter program, over the learner's files
// or (ref) the reference solution.
func (r *runner) buildProgram(ctx context.Context, k kata, ref bool) (verProgram, error) {
	a, ok := adapterFor(k.Num)
	if !ok {
		return verProgram{}, fmt.Errorf("kata %s has no runnable version", k.Dir)
	}
	bin, err := r.buildKataProgram(ctx, k, ref, "run", a.pkg(k))
	if err != nil {
		return verProgram{}, err
	}
	return verProgram{Kata: k, Ref: ref, Bin: bin, Dir: filepath.Dir(bin)}, nil
}

// buildKataProgram compiles the main package pkg (relative to the root) to
// .kata/<use>/<kata folder>[-solution]/<use>, over kata k's learner's files
// or (ref) its reference solution, and returns the executable's path. It
// builds without the race detector: these programs show the real speed. A
// compile error is a *verBuildError.
func (r *runner) buildKataProgram(ctx context.Context, k kata, ref bool, use, pkg string) (string, error) {
	name := k.Dir
	if ref {
		name += "-solution"
	}
	dir := filepath.Join(r.root, ".kata", use, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, use)
	args := []string{"build", "-o", bin}
	if ref {
		ov, err := k.solutionOverlay(r.root)
		if err != nil {
			return "", err
		}
		ovPath, err := writeOverlay(r.root, k.Dir+"-"+use+"-solution", ov)
		if err != nil {
			return "", err
		}
		args = append(args, "-overlay="+ovPath)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = r.root
	cmd.Env = kataEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", &verBuildError{Kata: k, Output: string(out)}
		}
		return "", err
	}
	return bin, nil
}

// A verOutcome is what one run of a verProgram gave.
type verOutcome struct {
	Result runkit.Result
	Stderr string
}

// NotSolved reports whether the run reached a stub ("… is not implemented
// yet").
func (o verOutcome) NotSolved() bool {
	return strings.Contains(o.Result.Err, "not implemented yet") || strings.Contains(o.Stderr, "not implemented yet")
}

// OK reports whether the version ran and gave the right answer.
func (o verOutcome) OK() bool {
	return o.Result.Err == "" && o.Result.Wrong == "" && len(o.Result.Samples) > 0
}

// Problem says in one line why the run is not OK.
func (o verOutcome) Problem() string {
	switch {
	case o.NotSolved():
		return "not solved yet"
	case o.Result.Wrong != "":
		return "wrong answer: " + o.Result.Wrong
	case o.Result.Err != "":
		return "failed: " + firstLine(strings.TrimSpace(o.Result.Err))
	default:
		return "crashed: " + crashLine(o.Stderr)
	}
}

// runProgram runs p with the runkit flags args (plus -json) and extra
// environment; the program's stdout goes to stdout.
func (r *runner) runProgram(ctx context.Context, p verProgram, args []string, env []string, stdout io.Writer) (verOutcome, error) {
	jsonPath := filepath.Join(p.Dir, fmt.Sprintf("result-%d.json", time.Now().UnixNano()))
	defer os.Remove(jsonPath)
	ctx, cancel := context.WithTimeout(ctx, runkit.Timeout+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.Bin, append(args, "-json", jsonPath)...)
	cmd.Dir = r.root
	cmd.Env = append(kataEnv(), env...)
	var stderr bytes.Buffer
	cmd.Stdout = stdout
	cmd.Stderr = &stderr
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { killGroup(cmd); return nil }
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	killGroup(cmd) // kata 10's worker processes, should the learner's code leave any
	o := verOutcome{Stderr: stderr.String()}
	data, err := os.ReadFile(jsonPath)
	if err == nil {
		err = json.Unmarshal(data, &o.Result)
	}
	if err != nil { // no result: the program died (a panic in a goroutine, a crash, a timeout)
		if ctx.Err() != nil {
			o.Result.Err = fmt.Sprintf("still running after %v: stopped", runkit.Timeout)
		} else if runErr != nil {
			o.Result.Err = "the program died: " + lastLines(o.Stderr, 12)
		} else {
			return o, fmt.Errorf("runner of kata %s wrote no result", p.Kata.Dir)
		}
	}
	return o, nil
}

// crashLine is the line of s that says "panic:", else its last line.
func crashLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "panic:") {
			return l
		}
	}
	return lastLines(s, 1)
}

// pickRunnable finds the kata named by arg and checks it has the workload.
// Misses are usage errors that list what works.
func pickRunnable(katas []kata, arg, workload, cmd string) (kata, adapter, error) {
	if strings.TrimSpace(arg) == "" {
		return kata{}, adapter{}, usageError{fmt.Sprintf("which kata? %s works for katas %s", cmd, katasWith(workload))}
	}
	k, err := findKata(katas, arg)
	if err != nil {
		return kata{}, adapter{}, err
	}
	a, ok := adapterFor(k.Num)
	if !ok || !a.has(workload) {
		return kata{}, adapter{}, usageError{fmt.Sprintf("kata %s has no %s version to run: %s works for katas %s", k.Dir, workloadName(workload), cmd, katasWith(workload))}
	}
	return k, a, nil
}

func workloadName(w string) string {
	if w == "cpu" {
		return "CPU"
	}
	return "download (I/O)"
}
