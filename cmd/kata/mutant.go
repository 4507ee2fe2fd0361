package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// raceKiller is the killed-by value for a mutant that no spec can fail
// because its defect is a data race: the race detector fails the whole test
// binary ("WARNING: DATA RACE") without naming a spec.
const raceKiller = "[race detector]"

// mutant is one deliberately wrong version of a kata's solution: either a
// patch, katas/NN-name/testdata/mutants/<Name>.patch, against the solution
// file it names, or (for a genuine rewrite) a folder <Name>/ holding whole
// replacement files.
type mutant struct {
	Name     string
	What     string            // the "mutant:" lines
	KilledBy []string          // the "killed-by:" values (all must fail)
	Overlay  map[string]string // learner file -> mutant file (for a patch: the patched file under .kata/overlays/patched/)
	Patch    string            // the .patch file; "" for a whole-file mutant
	Err      error             // why the mutant cannot be run
}

// mutantHeader reads the "// mutant:" and "// killed-by:" comment lines that
// sit above the package clause of a whole-file mutant.
func mutantHeader(src []byte) (what string, killedBy []string) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	var bodies []string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "package ") {
			break
		}
		if body, ok := strings.CutPrefix(line, "//"); ok {
			bodies = append(bodies, body)
		}
	}
	return headerFields(bodies)
}

// preambleHeader reads the "mutant:" and "killed-by:" lines of a patch's
// preamble (a leading "//" is allowed, as in a Go file's header).
func preambleHeader(preamble string) (what string, killedBy []string) {
	var bodies []string
	for _, line := range strings.Split(preamble, "\n") {
		line = strings.TrimSpace(line)
		bodies = append(bodies, strings.TrimPrefix(line, "//"))
	}
	return headerFields(bodies)
}

// headerFields joins the "mutant:" values with "; " and lists the distinct
// "killed-by:" values, in order.
func headerFields(lines []string) (what string, killedBy []string) {
	var whats []string
	for _, body := range lines {
		body = strings.TrimSpace(body)
		if v, ok := cutKey(body, "mutant:"); ok && v != "" {
			whats = append(whats, v)
		}
		if v, ok := cutKey(body, "killed-by:"); ok && v != "" && !contains(killedBy, v) {
			killedBy = append(killedBy, v)
		}
	}
	return strings.Join(whats, "; "), killedBy
}

func cutKey(s, key string) (string, bool) {
	if len(s) < len(key) || !strings.EqualFold(s[:len(key)], key) {
		return "", false
	}
	return strings.TrimSpace(s[len(key):]), true
}

// mutants reads the kata's mutants. A broken mutant is returned with Err set,
// so the proof counts it as a failed check rather than stopping.
func (k kata) mutants(root string) ([]mutant, error) {
	base := k.path(root, "testdata", "mutants")
	entries, err := os.ReadDir(base)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []mutant
	for _, e := range entries {
		name, isPatch := strings.CutSuffix(e.Name(), patchExt)
		switch {
		case e.IsDir():
			m := k.loadMutant(root, filepath.Join(base, e.Name()))
			if isFile(filepath.Join(base, e.Name()+patchExt)) {
				m.Err = fmt.Errorf("mutant %s of kata %s is both a folder and a patch (%s/ and %s%s): keep one", m.Name, k.Dir, m.Name, m.Name, patchExt)
			}
			out = append(out, m)
		case isPatch && name != "" && !isDir(filepath.Join(base, name)):
			out = append(out, k.loadPatchMutant(root, filepath.Join(base, e.Name())))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (k kata) loadMutant(root, dir string) mutant {
	m := mutant{Name: filepath.Base(dir)}
	what := fmt.Sprintf("mutant %s of kata %s", m.Name, k.Dir)
	m.Overlay, m.Err = k.replacementOverlay(root, dir, what)
	if m.Err != nil {
		return m
	}
	files := make([]string, 0, len(m.Overlay))
	for _, f := range m.Overlay {
		files = append(files, f)
	}
	sort.Strings(files)
	var whats []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			m.Err = err
			return m
		}
		w, kb := mutantHeader(src)
		if w != "" {
			whats = append(whats, w)
		}
		for _, v := range kb {
			if !contains(m.KilledBy, v) {
				m.KilledBy = append(m.KilledBy, v)
			}
		}
	}
	m.What = strings.Join(whats, "; ")
	rel := relTo(root, dir)
	switch {
	case len(m.KilledBy) == 0:
		m.Err = fmt.Errorf("%s: no \"// killed-by: <text of the spec that must fail>\" line above the package clause in %s", what, rel)
	case m.What == "":
		m.Err = fmt.Errorf("%s: no \"// mutant: <what is wrong>\" line above the package clause in %s", what, rel)
	}
	return m
}

// devMutant is `kata dev mutant ...`: run kata N's specs against its mutant
// M (`dev mutant N M [ginkgo flags]`). Subcommands that write mutants hang
// here.
func (r *runner) devMutant(args []string) error {
	if len(args) > 0 && (args[0] == "edit" || args[0] == "save" || args[0] == "new") {
		return r.devMutantCmd(args[0], args[1:]) // mutantdev.go
	}
	return r.interactive(modeMutant, args)
}

// devMutants is `kata dev mutants ...`: the spec x mutant matrix
// (mutantsreport.go).
func (r *runner) devMutants(args []string) error {
	if len(args) > 0 && args[0] == "convert" {
		return r.convertMutantsCmd(args[1:]) // mutantdev.go
	}
	return r.mutantsCmd(args)
}
