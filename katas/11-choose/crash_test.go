package choose_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/katas/11-choose"
)

// A panic on a goroutine that Run started cannot be recovered by Run's
// caller: it ends the whole test process, in whichever spec it happens, and
// no spec can say what went wrong. So Run is first tried in a child process
// (this test binary again, the way Go's own tests try a crash), once per
// test process, and if the child crashed, or Run hung in it, every spec
// fails at once with what the child saw, before calling Run here.

// crashProbeEnv, set in a child's environment, makes TestMain run the probe
// instead of the specs.
const crashProbeEnv = "KATA11_CRASH_PROBE"

// probePlan is the plan of the probe's runs: several downloaders and
// digesters, so that every goroutine Run starts has company.
var probePlan = choose.Plan{Downloaders: 3, Digesters: 2}

// TestMain runs the crash probe in a child process, the specs otherwise.
func TestMain(m *testing.M) {
	if os.Getenv(crashProbeEnv) == "1" {
		os.Exit(crashProbeChild())
	}
	os.Exit(m.Run())
}

// crashProbeChild runs Run on real loopback, once to the end and once into
// a 500, and says on stdout how each ended. A panic on the calling goroutine
// is recovered and reported (the specs name it); a panic on any other
// goroutine ends this process, which is what the probe looks for. A Run that
// has not returned 3 s after its context ended is a hang: the child prints
// hangMark and the stacks of the goroutines in the learner's file, and exits
// with status 3.
func crashProbeChild() int {
	const grace = 3 * time.Second
	try := func(what string, opts ...fakeserver.Option) bool {
		srv := fakeserver.New(append([]fakeserver.Option{fakeserver.WithLatency(time.Millisecond)}, opts...)...)
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		returned := make(chan string, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					returned <- fmt.Sprintf("Run panicked on the caller's goroutine: %v", r)
				}
			}()
			_, err := choose.Run(ctx, web.NewSite(srv).NewSession, fakeserver.SitesN(srv.URL, 12), probePlan, cheap)
			returned <- fmt.Sprintf("Run returned %v", err)
		}()
		select {
		case how := <-returned:
			fmt.Printf("%s: %s\n", what, how)
			return true
		case <-ctx.Done():
		}
		select {
		case how := <-returned:
			fmt.Printf("%s: %s\n", what, how)
			return true
		case <-time.After(grace):
			fmt.Printf("%s %s\n%s", hangMark, what, learnerStacks())
			return false
		}
	}
	if !try("to the end") || !try("into a 500", fakeserver.WithFaults(fakeserver.Fault{Kind: fakeserver.StatusFault, Request: 5})) {
		return 3
	}
	return 0
}

// hangMark starts the child's report of a Run that hangs.
const hangMark = "HANG"

// learnerStacks returns, for each goroutine with a frame in the learner's
// file, its state and those frames.
func learnerStacks() string {
	buf := harness.AllStacks()
	var b strings.Builder
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		var mine []string
		for i := 1; i+1 < len(lines); i += 2 {
			if strings.Contains(lines[i+1], "/katas/11-choose/") && !strings.Contains(lines[i+1], "_test.go") {
				file, _, _ := strings.Cut(strings.TrimSpace(lines[i+1]), " ")
				fn := strings.TrimSpace(lines[i])
				if open := strings.IndexByte(fn, '('); open > 0 && strings.HasSuffix(fn, ")") && open+2 < len(fn) {
					fn = fn[:open] + "(…)" // the arguments are addresses: noise here
				}
				mine = append(mine, "      "+fn+" at "+filepath.Base(file))
			}
		}
		if len(mine) > 0 {
			fmt.Fprintf(&b, "    %s\n%s\n", lines[0], strings.Join(mine, "\n"))
		}
	}
	return b.String()
}

// crashProbe is what the probe saw, once per test process.
var crashProbe struct {
	once    sync.Once
	ended   bool   // the child ended by itself, within its time
	stdout  string // how each of its runs ended
	failure string // why the child crashed; "" if it did not
}

// mustNotCrash fails the spec if Run crashed the probe's child process. It
// runs before every spec (a panic of the learner's goroutines here would end
// the whole run), and the probe runs once per test process.
func mustNotCrash() {
	crashProbe.once.Do(probeCrash)
	if crashProbe.failure != "" {
		Fail(crashProbe.failure)
	}
}

var _ = BeforeEach(mustNotCrash)

// probeTimeout bounds the child: its two runs take a few milliseconds each,
// and the child itself reports a Run that hangs, 5 s into a run at most.
const probeTimeout = 20 * time.Second

// probeCrash runs the child and notes whether it ended, and what it saw if
// it crashed. A child that hangs or cannot start gives no verdict.
func probeCrash() {
	self, err := os.Executable()
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashProbeEnv+"=1", "GORACE=atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	crashProbe.ended, crashProbe.stdout = ctx.Err() == nil, stdout.String()
	switch {
	case err == nil || !crashProbe.ended:
	case strings.Contains(stdout.String(), hangMark):
		crashProbe.failure = hangMessage(stdout.String())
	default:
		crashProbe.failure = crashMessage(stdout.String(), stderr.String())
	}
}

// hangMessage explains a child in which Run did not return after its
// context ended.
func hangMessage(stdout string) string {
	_, report, _ := strings.Cut(stdout, hangMark+" ")
	what, stacks, _ := strings.Cut(report, "\n")
	return fmt.Sprintf("Run does not return: a child process ran it on %d pages on real loopback (1 ms a request),\n"+
		"with Downloaders = %d and Digesters = %d and a context that ends after 2 s (the run %s),\n"+
		"and 3 s after the context ended Run had not returned. Its goroutines in your file, then:\n%s\n"+
		"Every spec fails with this message, at once, instead of waiting for its timeout. The usual causes:\n"+
		"a channel that is never closed (the receivers range over it for ever: close bodies once every\n"+
		"downloader has ended, jobs once every index is sent); a send that nobody receives any more; a\n"+
		"goroutine not told to stop when the context ends. See README, \"Pipelines\" and Task 5.",
		12, probePlan.Downloaders, probePlan.Digesters, what, strings.TrimRight(stacks, "\n"))
}

// crashMessage explains a child that crashed, from its output; "" if it
// exited badly without a crash (a data race is reported by the specs).
func crashMessage(stdout, stderr string) string {
	var what string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			what = line
			break
		}
	}
	if what == "" {
		return ""
	}
	where := ""
	lines := strings.Split(stderr, "\n")
	for i, line := range lines {
		if i > 0 && strings.Contains(line, "/katas/11-choose/") && !strings.Contains(line, "_test.go") {
			file, _, _ := strings.Cut(strings.TrimSpace(line), " ") // /path/to/choose.go:212 +0x19a
			where = "\n    in " + strings.TrimSpace(lines[i-1]) + " at " + filepath.Base(file)
			break
		}
	}
	before := ""
	if out := strings.TrimSpace(stdout); out != "" {
		before = "\nBefore it crashed, the child printed:\n" + out
	}
	return fmt.Sprintf("Run crashed the program: a goroutine it started panicked. Seen in a child process that ran\n"+
		"Run on %d pages with Downloaders = %d and Digesters = %d (once to the end, once into a 500):\n\n"+
		"    %s%s\n\n"+
		"A panic on a goroutine of its own cannot be recovered by Run's caller: it ends the whole program,\n"+
		"so every spec that calls Run fails with this message instead of calling it.\n"+
		"\"close of closed channel\" or \"send on closed channel\" usually means a channel closed by one of\n"+
		"its several senders, such as each downloader closing the channel of bodies when it ends: whoever\n"+
		"sends on a channel closes it, once, after the last send; with several senders, one goroutine waits\n"+
		"for all of them (a sync.WaitGroup), then closes it (README, \"Pipelines\").%s", 12, probePlan.Downloaders, probePlan.Digesters, what, where, before)
}

var _ = Describe("Task 4: the CPU stage and the pipeline, in a child process", func() {
	It("closes the channel between the stages once, after the last downloader: Run never crashes the program", func(SpecContext) {
		// mustNotCrash, before this spec as before every other, fails it
		// if the child crashed; here, the child must also have ended, and
		// Run must not have panicked on the caller's goroutine either.
		Expect(crashProbe.ended).To(BeTrue(), "a child process that ran Run on %d pages on real loopback (1 ms a request) twice, each\n"+
			"time with a context that ends after 2 s, had not ended after %v (it reports a Run that hangs\n"+
			"after 5 s): the machine is very busy, or the child could not start", 12, probeTimeout)
		if _, stub, ok := strings.Cut(crashProbe.stdout, "Run panicked on the caller's goroutine: "); ok && strings.Contains(stub, "not implemented yet") {
			first, _, _ := strings.Cut(stub, "\n")
			Fail(first) // the stub: say what it says, as every other spec does
		}
		Expect(strings.Count(crashProbe.stdout, "Run returned")).To(Equal(2), "Run must return from both of the child's runs (to the end, into a 500); the child saw:\n%s\n"+
			"A panic of Run ends the caller's program too (README, Task 2)", crashProbe.stdout)
	}, SpecTimeout(harness.SpecTimeout))
})
