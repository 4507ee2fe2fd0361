package main

import (
	"testing"
)

func TestReadmeTitle(t *testing.T) {
	readme := "```\n# not a title\n```\n# Worker pool\n\nIntro.\n\n# Later\n"
	if title := readmeTitle(readme); title != "Worker pool" {
		t.Errorf("title = %q", title)
	}
	if title := readmeTitle("no heading\n"); title != "" {
		t.Errorf("readmeTitle without heading = %q", title)
	}
}

func TestDiscoverKatas(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":                        "module x\n",
		"katas/10-capstone/README.md":   "# Capstone\n",
		"katas/02-pool-cpu/README.md":   "# Pool\n",
		"katas/02-pool-cpu/poolcpu.go":  "package poolcpu\n",
		"katas/notakata/README.md":      "# nope\n",
		"katas/3-short/README.md":       "# nope\n",
		"katas/README.md":               "# index\n",
		"katas/01-sequential/README.md": "# Sequential\n",
	})
	katas, err := discoverKatas(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, k := range katas {
		dirs = append(dirs, k.Dir)
	}
	want := []string{"01-sequential", "02-pool-cpu", "10-capstone"}
	if len(dirs) != len(want) {
		t.Fatalf("katas = %v; want %v", dirs, want)
	}
	for i := range want {
		if dirs[i] != want[i] {
			t.Fatalf("katas = %v; want %v", dirs, want)
		}
	}
	if k := katas[2]; k.Num != 10 || k.Name != "capstone" || k.Title != "Capstone" || k.Pkg() != "./katas/10-capstone" {
		t.Errorf("kata 10 = %+v", k)
	}

	dup := writeTree(t, map[string]string{"katas/01-a/a.go": "", "katas/01-b/b.go": ""})
	if _, err := discoverKatas(dup); err == nil {
		t.Error("two katas numbered 01: want an error")
	}
}
