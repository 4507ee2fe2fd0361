package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
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
	progs, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(tracedDir), "[0-9][0-9]-*"))
	if len(progs) != len(tracedKatas) {
		t.Errorf("%d programs in %s, %d katas in tracedKatas", len(progs), tracedDir, len(tracedKatas))
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
