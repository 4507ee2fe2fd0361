package runkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concurrency-katas/go-katas/harness/web"
	"github.com/concurrency-katas/go-katas/harness/workload"
)

// sequential is a right download, the way kata 01's answer goes.
func sequential(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
	s := site.NewSession()
	defer s.Close()
	var sizes []int
	for _, u := range urls {
		resp, err := s.Get(ctx, u)
		if err != nil {
			return sizes, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return sizes, err
		}
		sizes = append(sizes, int(n))
	}
	return sizes, nil
}

func result(t *testing.T, v Version, args ...string) (Result, int, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.json")
	var out, errOut bytes.Buffer
	code := run(v, append(args, "-json", p), &out, &errOut)
	var r Result
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("no result: %v (stderr %s)", err, errOut.String())
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r, code, out.String()
}

func TestIORunReportsSpansAndPrints(t *testing.T) {
	r, code, out := result(t, Version{Kata: 1, IO: sequential}, "-urls", "4", "-latency", "1ms", "-print", "-samples", "2")
	if code != 0 || r.Err != "" || r.Wrong != "" {
		t.Fatalf("exit %d, %+v", code, r)
	}
	if len(r.Samples) != 2 || r.Median <= 0 || len(r.Spans) != 4 {
		t.Fatalf("samples %v, median %v, %d spans; want 2 samples, a median, 4 spans", r.Samples, r.Median, len(r.Spans))
	}
	if strings.Count(out, "Read 10282 from http://127.0.0.1:") != 2 || strings.Count(out, "Read 275 from") != 2 ||
		!strings.Contains(out, "Downloaded 4 sites in ") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestWrongSizesAndPanicsAreReported(t *testing.T) {
	short := func(ctx context.Context, site *web.Site, urls []string, out io.Writer) ([]int, error) {
		sizes, err := sequential(ctx, site, urls, out)
		return sizes[:1], err
	}
	r, code, _ := result(t, Version{IO: short}, "-urls", "2", "-latency", "1ms")
	if code != 1 || !strings.Contains(r.Wrong, "returned 1 sizes for 2 URLs") {
		t.Fatalf("exit %d, wrong %q", code, r.Wrong)
	}
	stub := func(context.Context, []int) ([]workload.U128, error) {
		panic("FindSums is not implemented yet: see README, task 5")
	}
	r, code, _ = result(t, Version{CPU: stub}, "-workload", "cpu")
	if code != 1 || !strings.Contains(r.Err, "not implemented yet") {
		t.Fatalf("exit %d, err %q", code, r.Err)
	}
	off := func(_ context.Context, ns []int) ([]workload.U128, error) {
		sums := make([]workload.U128, len(ns))
		for i, n := range ns {
			sums[i] = workload.ClosedForm(n + 1)
		}
		return sums, nil
	}
	r, _, _ = result(t, Version{CPU: off}, "-workload", "cpu")
	if !strings.Contains(r.Wrong, fmt.Sprintf("sum for %d is", workload.CPUNumbers()[0])) {
		t.Fatalf("wrong %q", r.Wrong)
	}
}
