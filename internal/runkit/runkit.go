// Package runkit runs one version of the article's programs — a kata's
// download or CPU sums — outside the specs, so the kata tool can time it
// (`make compare`), draw its timeline (`make timeline`) or show its output
// (`make examples-io`).
//
// Each kata that has such a version has a small main package in
// cmd/kata/internal/adapters/<kata>/ that imports the kata's package and
// calls Main with adapters of the kata's API to the two signatures here; the
// kata tool builds it over the learner's files, or with -overlay over the
// reference solution. Main reads its flags, runs the
// workload against a real fake server on loopback, prints what was asked
// and writes a Result as JSON.
package runkit

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/onsi/gomega/gmeasure"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness/proc"
	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// IOFunc downloads urls from site and returns the size of each body, in the
// order of urls. A version that prints its own "Read … from …" lines (kata
// 01) writes them to out; the others ignore out.
type IOFunc func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error)

// CPUFunc returns workload.SumOfSquares of each number, in order.
type CPUFunc func(ctx context.Context, numbers []int) ([]workload.U128, error)

// A Version is one kata's program: its download, its CPU sums, or both.
type Version struct {
	Kata        int
	Name        string
	IO          IOFunc
	CPU         CPUFunc
	PrintsLines bool // IO writes the "Read … from …" lines itself
}

// A Result is what Main reports, as JSON, to the kata tool.
type Result struct {
	Kata     int
	Workload string          // "io" or "cpu"
	Samples  []time.Duration // one per run, in order
	Median   time.Duration
	Spans    []fakeserver.Span `json:",omitempty"` // the last I/O run's, as the server saw them
	Err      string            `json:",omitempty"` // the version's error or panic
	Wrong    string            `json:",omitempty"` // it returned, but not the right answer
}

// Timeout bounds each run, so a version that never ends is reported, not
// waited for.
const Timeout = 2 * time.Minute

// Main runs v as its command line asks, and exits. Flags:
//
//	-workload io|cpu  which workload (default io)
//	-urls N           how many URLs (default 160, the article's count)
//	-latency D        the fake server's latency per request (default 20ms)
//	-samples N        how many timed runs (default 1); the median is reported
//	-budget D         stop sampling once this much time went by (default 20s)
//	-print            print the program's output: "Read … from …" lines and the summary
//	-json PATH        write the Result there
//
// It first serves as a worker process if it was started as one (kata 10's
// process pool re-executes this program).
func Main(v Version) {
	proc.WorkerMain()
	os.Exit(run(v, os.Args[1:], os.Stdout, os.Stderr))
}

func run(v Version, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runkit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workload := fs.String("workload", "io", "io or cpu")
	nURLs := fs.Int("urls", fakeserver.SiteCount, "how many URLs")
	latency := fs.Duration("latency", fakeserver.DefaultLatency, "the fake server's latency")
	samples := fs.Int("samples", 1, "timed runs")
	budget := fs.Duration("budget", 20*time.Second, "stop sampling after this long")
	print := fs.Bool("print", false, "print the program's output")
	jsonPath := fs.String("json", "", "write the Result here")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	res := Result{Kata: v.Kata, Workload: *workload}
	exp := gmeasure.NewExperiment(fmt.Sprintf("kata %02d %s %s", v.Kata, v.Name, *workload))
	began := time.Now()
	for i := 0; i < max(*samples, 1); i++ {
		if i > 0 && time.Since(began) > *budget {
			break
		}
		var out io.Writer = io.Discard
		if *print && i == 0 {
			out = stdout
		}
		var err error
		switch *workload {
		case "io":
			if v.IO == nil {
				fmt.Fprintf(stderr, "kata %02d has no I/O version\n", v.Kata)
				return 2
			}
			err = runIO(v, exp, &res, *nURLs, *latency, out)
		case "cpu":
			if v.CPU == nil {
				fmt.Fprintf(stderr, "kata %02d has no CPU version\n", v.Kata)
				return 2
			}
			err = runCPU(v, exp, &res, out)
		default:
			fmt.Fprintf(stderr, "-workload %q: want io or cpu\n", *workload)
			return 2
		}
		if err != nil {
			res.Err = err.Error()
			break
		}
		if res.Wrong != "" {
			break
		}
	}
	if stats := exp.GetStats("run"); len(res.Samples) > 0 && stats.N > 0 {
		res.Median = stats.DurationFor(gmeasure.StatMedian)
	}
	if *jsonPath != "" {
		data, err := json.Marshal(res)
		if err == nil {
			err = os.WriteFile(*jsonPath, data, 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "runkit:", err)
			return 1
		}
	}
	if res.Err != "" || res.Wrong != "" {
		return 1
	}
	return 0
}

// call runs f, turning a panic into an error that quotes it.
func call(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

func runIO(v Version, exp *gmeasure.Experiment, res *Result, n int, latency time.Duration, out io.Writer) error {
	srv := fakeserver.New(fakeserver.WithLatency(latency))
	defer srv.Close()
	site := web.NewSite(srv)
	urls := fakeserver.SitesN(srv.URL, n)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	lineOut := io.Discard
	if v.PrintsLines {
		lineOut = out
	}
	var sizes []int
	var d time.Duration
	err := call(func() error {
		var err error
		d = exp.MeasureDuration("run", func() { sizes, err = v.IO(ctx, site, urls, lineOut) })
		return err
	})
	if err != nil {
		return err
	}
	res.Samples = append(res.Samples, d)
	spans := srv.Stats().Spans
	res.Spans = spans
	if w := checkSizes(urls, sizes); w != "" {
		res.Wrong = w
		return nil
	}
	if out != io.Discard {
		if !v.PrintsLines {
			printLines(out, urls, sizes, spans)
		}
		fmt.Fprintf(out, "Downloaded %d sites in %.2f seconds\n", len(urls), d.Seconds())
	}
	return nil
}

// checkSizes says what is wrong with sizes, or "".
func checkSizes(urls []string, sizes []int) string {
	if len(sizes) != len(urls) {
		return fmt.Sprintf("returned %d sizes for %d URLs", len(sizes), len(urls))
	}
	for i, u := range urls {
		path := u[strings.Index(u[len("http://"):], "/")+len("http://"):]
		body, _ := fakeserver.Body(path)
		if sizes[i] != len(body) {
			return fmt.Sprintf("size of %s is %d; the server sent %d bytes", u, sizes[i], len(body))
		}
	}
	return ""
}

// printLines prints "Read <size> from <url>" for each URL in the order the
// server finished answering them (as the article's concurrent versions
// printed them, each when its download ended).
func printLines(out io.Writer, urls []string, sizes []int, spans []fakeserver.Span) {
	index := map[string]int{}
	for i, u := range urls {
		index[u[strings.Index(u[len("http://"):], "/")+len("http://"):]] = i
	}
	sorted := append([]fakeserver.Span(nil), spans...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].End.Before(sorted[j].End) })
	printed := map[int]bool{}
	for _, sp := range sorted {
		if i, ok := index[sp.RequestURI]; ok && !printed[i] {
			printed[i] = true
			fmt.Fprintf(out, "Read %d from %s\n", sizes[i], urls[i])
		}
	}
	for i, u := range urls { // any the server did not see (none, for a right answer)
		if !printed[i] {
			fmt.Fprintf(out, "Read %d from %s\n", sizes[i], u)
		}
	}
}

func runCPU(v Version, exp *gmeasure.Experiment, res *Result, out io.Writer) error {
	numbers := workload.CPUNumbers()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	var sums []workload.U128
	var d time.Duration
	err := call(func() error {
		var err error
		d = exp.MeasureDuration("run", func() { sums, err = v.CPU(ctx, numbers) })
		return err
	})
	if err != nil {
		return err
	}
	res.Samples = append(res.Samples, d)
	if len(sums) != len(numbers) {
		res.Wrong = fmt.Sprintf("returned %d sums for %d numbers", len(sums), len(numbers))
		return nil
	}
	for i, n := range numbers {
		if want := workload.ClosedForm(n); sums[i] != want {
			res.Wrong = fmt.Sprintf("sum for %d is %s; the closed form n(n-1)(2n-1)/6 gives %s", n, sums[i], want)
			return nil
		}
	}
	if out != io.Discard {
		fmt.Fprintf(out, "Sums of i*i for i < n, for n = %d … %d (%d numbers), all equal to the closed form:\n",
			numbers[0], numbers[len(numbers)-1], len(numbers))
		fmt.Fprintf(out, "  first %s\n  last  %s\n", sums[0], sums[len(sums)-1])
		fmt.Fprintf(out, "Duration %.2f seconds\n", d.Seconds())
	}
	return nil
}
