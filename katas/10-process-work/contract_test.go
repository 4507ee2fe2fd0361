package processwork_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/workload"
	processwork "github.com/concurrency-katas/go-katas/katas/10-process-work"
)

// oddWorkerEnv, set in a worker's environment, makes this test binary a
// worker that speaks the pool's protocol but answers every task with a
// value that is not a number: a worker of another version, or a broken one.
const oddWorkerEnv = "KATA10_ODD_WORKER"

// oddAnswer is what the odd worker answers to every task.
const oddAnswer = "12 kB"

// init runs before TestMain: a test binary started as the odd worker serves
// the protocol and exits before any spec runs.
func init() {
	if os.Getenv(oddWorkerEnv) == "" {
		return
	}
	enc, dec := proc.NewEncoder(os.Stdout), proc.NewDecoder(os.Stdin)
	if enc.Send(proc.Message{Kind: proc.KindHello, PID: os.Getpid()}) != nil {
		os.Exit(1)
	}
	for {
		m, err := dec.Receive()
		if err != nil {
			if errors.Is(err, io.EOF) {
				os.Exit(0)
			}
			os.Exit(1)
		}
		reply := proc.Message{Kind: proc.KindReady, PID: os.Getpid()}
		if m.Kind == proc.KindTask {
			now := time.Now().UnixNano()
			reply = proc.Message{Kind: proc.KindResult, Index: m.Index, PID: os.Getpid(), Value: oddAnswer, Start: now, End: now}
		}
		if enc.Send(reply) != nil {
			os.Exit(1)
		}
	}
}

// oddCommand starts the odd worker.
func oddCommand() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), oddWorkerEnv+"=1")
	return cmd
}

var _ = Describe("Task 1: across the process boundary, exactly", func() {
	It("puts the high 64 bits in Hi and the low 64 in Lo: 2^64 is {Hi: 1, Lo: 0}", func(SpecContext) {
		sums, err := processwork.ParseSums([]string{"18446744073709551616", "18446744073709551617", "36893488147419103231"})
		Expect(err).NotTo(HaveOccurred(), "2^64, 2^64 + 1 and 2^65 - 1 are whole numbers below 2^128")
		Expect(sums).To(Equal([]workload.U128{{Hi: 1, Lo: 0}, {Hi: 1, Lo: 1}, {Hi: 1, Lo: ^uint64(0)}}),
			"a U128 is Hi × 2^64 + Lo: Hi holds the high 64 bits (the value shifted right by 64), Lo the low 64\n"+
				"(the value masked with 2^64 - 1). Swapped halves give {Hi: 0, Lo: 1} for 2^64 (README, \"Serialisation\")")
	}, SpecTimeout(harness.SpecTimeout))

	It("takes both ends of [0, 2^128) and rejects the numbers just outside, naming the index", func(SpecContext) {
		const top = "340282366920938463463374607431768211455" // 2^128 - 1
		sums, err := processwork.ParseSums([]string{"0", top})
		Expect(err).NotTo(HaveOccurred(), "0 and 2^128 - 1 are the two ends of the range a U128 holds: both are valid answers")
		Expect(sums).To(Equal([]workload.U128{{}, {Hi: ^uint64(0), Lo: ^uint64(0)}}))
		for _, c := range []struct{ bad, why string }{
			{"340282366920938463463374607431768211456", "2^128 is one past the largest U128: the range is [0, 2^128), 2^128 itself excluded (compare with >=)"},
			{"-1", "a sum of squares is never negative: -1 is below the range"},
			{"12abc", "not a number"},
			{"", "an empty answer is not a number"},
		} {
			_, err := processwork.ParseSums([]string{"7", "8", "9", c.bad})
			Expect(err).To(HaveOccurred(), "answer 3 is %q: %s: it must be an error", c.bad, c.why)
			rest := strings.Replace(err.Error(), fmt.Sprintf("%q", c.bad), "", 1)
			Expect(err.Error()).To(ContainSubstring("%q", c.bad), "quote the bad answer (%%q), so an empty or odd one shows: %s", c.bad)
			Expect(rest).To(ContainSubstring("3"), "the error %q must give the bad answer's index, 3 (as in answer 3 is \"12abc\")", err.Error())
		}
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 2: the CPU task on processes, on more workers", func() {
	It("keeps three workers busy at once with one Map, not rounds of fewer", func(ctx SpecContext) {
		pool := newPool(ctx, 3, proc.Task{})
		numbers := workload.CPUNumbers()[:6]
		sums, err := processwork.SumsInProcesses(ctx, pool, numbers)
		Expect(err).NotTo(HaveOccurred())
		for i, n := range numbers {
			Expect(sums[i]).To(Equal(workload.ClosedForm(n)), "sums[%d] is the sum of squares below %d", i, n)
		}
		Expect(pool.PeakParallel()).To(Equal(3),
			"by the workers' own clocks, the last pool.Map ran %d tasks at the same moment on a pool of 3: hand every\n"+
				"task to the pool in ONE Map; Maps of one or two tasks at a time leave workers idle (README, task 2)", pool.PeakParallel())
	}, SpecTimeout(harness.SpecTimeout))

	It("names a nil ctx, and wraps the pool's errors with %w", func(ctx SpecContext) {
		pool := newPool(ctx, 1, proc.Task{})
		//lint:ignore SA1012 a nil context is the bad input under test
		_, err := processwork.SumsInProcesses(nil, pool, []int{1}) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil ctx is an error that names it (\"ctx\"), before the pool is used")
		//lint:ignore SA1012 a nil context is the bad input under test
		_, err = processwork.DownloadInProcesses(nil, pool, []string{"http://127.0.0.1:1/x"}) //nolint:staticcheck
		Expect(err).To(MatchError(ContainSubstring("ctx")), "a nil ctx is an error that names it (\"ctx\"), before the pool is used")
		Expect(pool.TasksPerWorker()).To(HaveEach(BeZero()), "nothing may run after a bad argument")
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("Task 3: the downloads on processes, errors", func() {
	It("wraps the pool's error with %w: a cancelled ctx comes back as errors.Is(err, context.Canceled)", func(ctx SpecContext) {
		pool := newPool(ctx, 1, proc.Task{})
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := processwork.DownloadInProcesses(cancelled, pool, []string{"http://127.0.0.1:1/x"})
		Expect(err).To(HaveOccurred(), "the context was cancelled before the call: the pool's error must come back")
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(),
			"got %q, which errors.Is does not find context.Canceled in: wrap the pool's error with %%w, not %%v or %%s,\n"+
				"so the caller can test it (README, task 3)", err.Error())
	}, SpecTimeout(harness.SpecTimeout))

	It("reports an answer that is not a size as an error naming the URL and quoting the answer", func(ctx SpecContext) {
		pool, err := proc.NewPool(ctx, proc.PoolConfig{Workers: 1, Command: oddCommand, Stderr: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		groups := pool.PIDs()
		DeferCleanup(func() { proc.Cleanup(os.Getpid(), groups) })
		DeferCleanup(func() { Expect(pool.Close()).To(Succeed()) })
		url := "http://127.0.0.1:1/page/7"
		sizes, err := processwork.DownloadInProcesses(ctx, pool, []string{url})
		Expect(err).To(HaveOccurred(),
			"the worker answered %q for %s, which is not a size; DownloadInProcesses gave %v and no error. Check\n"+
				"strconv.Atoi's error: a 0 for a page that was never measured is a silent wrong answer", oddAnswer, url, sizes)
		Expect(err.Error()).To(And(ContainSubstring(url), ContainSubstring("%q", oddAnswer)),
			"name the URL and quote the answer (%%q), so the caller sees which page and what came back")
	}, SpecTimeout(harness.SpecTimeout))
})
