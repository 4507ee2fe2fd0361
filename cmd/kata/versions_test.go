package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAdaptersMatchTheKatas: every adapter names a kata of this copy, its
// program (a real package, built and vetted with the module) imports the
// kata's package and has exactly the workloads the table says, and each
// compare row and example has an adapter with its workload.
func TestAdaptersMatchTheKatas(t *testing.T) {
	root, katas := thisRepoKatas(t)
	for _, a := range adapters {
		k, ok := verKataByNum(katas, a.Kata)
		if !ok {
			t.Errorf("adapter for kata %02d: no such kata", a.Kata)
			continue
		}
		main := filepath.Join(root, filepath.FromSlash(a.pkg(k)), "main.go")
		f, err := parser.ParseFile(token.NewFileSet(), main, nil, 0)
		if err != nil {
			t.Errorf("kata %s: %v", k.Dir, err)
			continue
		}
		imports := false
		for _, imp := range f.Imports {
			imports = imports || strings.HasSuffix(imp.Path.Value, `/katas/`+k.Dir+`"`)
		}
		if !imports {
			t.Errorf("%s does not import katas/%s", relTo(root, main), k.Dir)
		}
		fields := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					fields[id.Name] = true
				}
			}
			return true
		})
		if fields["IO"] != a.IO || fields["CPU"] != a.CPU {
			t.Errorf("%s sets IO: %t, CPU: %t; the adapters table says IO: %t, CPU: %t",
				relTo(root, main), fields["IO"], fields["CPU"], a.IO, a.CPU)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(adaptersDir), "*"))
	if len(dirs) != len(adapters) {
		t.Errorf("%d folders in %s, %d adapters in the table", len(dirs), adaptersDir, len(adapters))
	}
	for _, v := range cmpVersions {
		a, ok := adapterFor(v.Kata)
		if !ok || !a.has(v.Workload) {
			t.Errorf("compare row %q (kata %02d, %s) has no adapter for its workload", v.Label, v.Kata, v.Workload)
		}
	}
	if cmpVersions[0].Kata != 1 || cmpVersions[0].Workload != "io" {
		t.Errorf("the first I/O row must be the sequential baseline (kata 01)")
	}
	if got := katasWith("io"); got != "1, 3, 6, 7, 10" {
		t.Errorf("katasWith(io) = %q", got)
	}
}

// TestTimelineOfKata01Solution runs `kata timeline -ref 1` end to end: the
// reference solution's runner is built, run against a loopback server,
// and drawn.
func TestTimelineOfKata01Solution(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs kata 01's solution against a loopback server (about 5 s)")
	}
	root := thisRepo(t)
	svg := filepath.Join(root, ".kata", "timelines", "01-sequential-solution.svg")
	os.Remove(svg)
	start := time.Now()
	o, _ := runToolWant(t, 0, "timeline", "-ref", "-urls", "6", "-latency", "20ms", "-width", "60", "1")
	checkContains(t, "output", o, "Kata 01-sequential, the reference solution", "6 requests, 1 session, peak 1 in flight",
		"|###", "|===", "one column =", ".kata/timelines/01-sequential-solution.svg")
	// One row: one session reused, six bars on it.
	for _, line := range strings.Split(o, "\n") {
		if strings.HasPrefix(line, "s1 ") && strings.Count(line, "|") != 6 {
			t.Errorf("row s1 should hold 6 bars: %q", line)
		}
	}
	data, err := os.ReadFile(svg)
	if err != nil || !bytes.Contains(data, []byte("<svg")) {
		t.Errorf("no SVG written at %s: %v", svg, err)
	}
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
