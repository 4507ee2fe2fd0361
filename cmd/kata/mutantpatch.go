package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/concurrency-katas/go-katas/internal/patch"
)

// patchExt ends the name of a mutant kept as a patch.
const patchExt = ".patch"

// label names a mutant in errors: "mutant 03/unbounded".
func (m mutant) label(k kata) string { return fmt.Sprintf("mutant %02d/%s", k.Num, m.Name) }

// patchedPath is where the tool writes the solution file with a mutant's
// patch applied; the overlay lays it over the learner's file.
func patchedPath(root string, k kata, name, file string) string {
	return filepath.Join(root, ".kata", "overlays", "patched", k.Dir, name, file)
}

// solutionRel is the name a mutant's patch gives the solution file it
// changes: "solutions/03-pool/pool.go".
func solutionRel(k kata, file string) string { return "solutions/" + k.Dir + "/" + file }

// loadPatchMutant reads a mutant kept as a patch against the solution,
// applies it strictly and writes the result under .kata/overlays/patched/.
func (k kata) loadPatchMutant(root, path string) mutant {
	m := mutant{Name: strings.TrimSuffix(filepath.Base(path), patchExt), Patch: path}
	rel := relTo(root, path)
	files, err := k.applyMutantPatch(root, path)
	if err != nil {
		m.Err = fmt.Errorf("%s: %w", m.label(k), err)
		return m
	}
	m.Overlay = map[string]string{}
	for file, src := range files.Patched {
		dst := patchedPath(root, k, m.Name, file)
		if err := writeFileAtomic(dst, src); err != nil {
			m.Err = fmt.Errorf("%s: %w", m.label(k), err)
			return m
		}
		m.Overlay[k.path(root, file)] = dst
	}
	if len(files.Harness) > 0 {
		// A mutant of a reference implementation the solution builds on
		// (harness/loop for kata 05, harness/proc for kata 09): the harness
		// file is patched, and the learner's files get the solution.
		for rel, src := range files.Harness {
			dst := patchedPath(root, k, m.Name, filepath.FromSlash(rel))
			if err := writeFileAtomic(dst, src); err != nil {
				m.Err = fmt.Errorf("%s: %w", m.label(k), err)
				return m
			}
			m.Overlay[filepath.Join(root, filepath.FromSlash(rel))] = dst
		}
		sol, err := k.solutionOverlay(root)
		if err != nil {
			m.Err = fmt.Errorf("%s: %w", m.label(k), err)
			return m
		}
		for learner, file := range sol {
			if _, ok := m.Overlay[learner]; !ok {
				m.Overlay[learner] = file
			}
		}
	}
	m.What, m.KilledBy = preambleHeader(files.Preamble)
	switch {
	case len(m.KilledBy) == 0:
		m.Err = fmt.Errorf("%s: no \"killed-by: <text of the spec that must fail>\" line in the preamble of %s (the text before its first \"---\" line)", m.label(k), rel)
	case m.What == "":
		m.Err = fmt.Errorf("%s: no \"mutant: <what is wrong>\" line in the preamble of %s (the text before its first \"---\" line)", m.label(k), rel)
	}
	return m
}

// patchedFiles is a mutant patch applied: its preamble, each learner file
// name ("pool.go") with the solution file patched, and each harness file
// ("harness/loop/loop.go") the patch changes.
type patchedFiles struct {
	Preamble string
	Patched  map[string][]byte
	Harness  map[string][]byte
}

// harnessTarget reports whether a mutant's diff may name rel: a Go file of
// the reference implementations in harness/ that a solution delegates to.
func harnessTarget(rel string) bool {
	return strings.HasPrefix(rel, "harness/") && strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") && !strings.Contains(rel, "..")
}

// applyMutantPatch parses the patch at path and applies each of its file
// diffs to the kata's solution file that the diff's "---" line names.
func (k kata) applyMutantPatch(root, path string) (patchedFiles, error) {
	rel := relTo(root, path)
	data, err := os.ReadFile(path)
	if err != nil {
		return patchedFiles{}, err
	}
	p, err := patch.Parse(data)
	if err != nil {
		return patchedFiles{}, fmt.Errorf("%s: %v", rel, err)
	}
	if len(p.Files) == 0 {
		return patchedFiles{}, fmt.Errorf("%s holds no diff (a \"--- %s\" line, a \"+++\" line and hunks)", rel, solutionRel(k, "<file>.go"))
	}
	learner, err := k.learnerFiles(root)
	if err != nil {
		return patchedFiles{}, err
	}
	out := patchedFiles{Preamble: p.Preamble, Patched: map[string][]byte{}, Harness: map[string][]byte{}}
	for _, f := range p.Files {
		file := filepath.Base(f.Old)
		into, key := out.Patched, file
		against := "another version of the solution: `kata dev mutant edit` starts a new copy from the solution, with the old patch beside it"
		if harnessTarget(f.Old) {
			into, key, against = out.Harness, f.Old, "another version of it"
		} else if want := solutionRel(k, file); f.Old != want || !contains(learner, file) {
			return patchedFiles{}, fmt.Errorf("%s: the diff of %q must name a solution file that replaces a learner file (one of %s) or a harness/ file the solution builds on",
				rel, f.Old, solutionRel(k, "{"+strings.Join(learner, ",")+"}"))
		}
		if _, dup := into[key]; dup {
			return patchedFiles{}, fmt.Errorf("%s: two diffs of %s", rel, f.Old)
		}
		src, err := applyFileDiff(root, rel, f, against)
		if err != nil {
			return patchedFiles{}, err
		}
		into[key] = src
	}
	return out, nil
}

// applyFileDiff applies f to the file below root that its "---" line
// names. rel is the patch, and against what the patch was made against
// when a hunk does not apply.
func applyFileDiff(root, rel string, f *patch.FileDiff, against string) ([]byte, error) {
	orig, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Old)))
	if err != nil {
		return nil, err
	}
	src, err := f.Apply(orig)
	var ae *patch.ApplyError
	if errors.As(err, &ae) {
		return nil, fmt.Errorf("hunk %d (line %d) does not apply to %s: %s (%s was made against %s)",
			ae.Hunk, ae.Line, f.Old, ae.Mismatch(), rel, against)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", rel, err)
	}
	return src, nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so that two runs of the tool never see a half-written file.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
