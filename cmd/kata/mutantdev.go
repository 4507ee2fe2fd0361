package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concurrency-katas/go-katas/internal/patch"
)

// The maintainer's verbs for mutants kept as patches:
//
//	kata dev mutant edit N M   write the patched solution file to .kata/mutant-edit/NN-name/M/
//	kata dev mutant save N M   diff that file against the solution, write M.patch (its preamble kept)
//	kata dev mutant new N M    copy the solution there, to make a new mutant M
//	kata dev mutants convert [N...]   whole-file mutants -> patches

const devUsage = `usage:
  kata dev mutant edit N M         write mutant M of kata N, patched, to .kata/mutant-edit/NN-name/M/ and print its path
  kata dev mutant save N M         diff the edited file against the solution and write testdata/mutants/M.patch
                                   (the patch's preamble, its mutant: and killed-by: lines, is kept)
  kata dev mutant new N M          copy the solution to .kata/mutant-edit/NN-name/M/ to make a new mutant M
  kata dev mutants convert [-n] [N...]  turn each whole-file mutant (testdata/mutants/M/<file>.go) into M.patch;
                                   -n: only say what it would do`

// editDir is where `dev mutant edit` writes a mutant's files for editing.
func editDir(root string, k kata, name string) string {
	return filepath.Join(root, ".kata", "mutant-edit", k.Dir, name)
}

func (r *runner) devMutantCmd(verb string, args []string) error {
	if len(args) != 2 {
		return usageError{devUsage}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	k, err := findKata(katas, args[0])
	if err != nil {
		return err
	}
	name := args[1]
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return usageError{fmt.Sprintf("%q is not a mutant name (a word like unbounded or leak-on-error)", name)}
	}
	switch verb {
	case "edit":
		return r.editMutant(k, name)
	case "save":
		return r.saveMutant(k, name)
	case "new":
		return r.newMutant(k, name)
	}
	return usageError{devUsage}
}

func (k kata) mutantPatchPath(root, name string) string {
	return k.path(root, "testdata", "mutants", name+patchExt)
}

// editMutant writes the patched solution files of mutant name to editDir,
// refusing to overwrite a copy that holds edits not saved yet.
func (r *runner) editMutant(k kata, name string) error {
	pp := k.mutantPatchPath(r.root, name)
	whole := k.path(r.root, "testdata", "mutants", name)
	if !isFile(pp) {
		if isDir(whole) {
			fmt.Fprintf(r.stderr, "mutant %02d/%s is a whole-file mutant: edit it in place\n", k.Num, name)
			files, _ := goFiles(whole)
			for _, f := range files {
				fmt.Fprintln(r.stdout, relTo(r.root, filepath.Join(whole, f)))
			}
			return nil
		}
		return fmt.Errorf("kata %s has no mutant %s (%s): `kata dev mutant new %d %s` starts one", k.Dir, name, relTo(r.root, pp), k.Num, name)
	}
	files, err := k.applyMutantPatch(r.root, pp)
	if err != nil {
		return r.editFromSolution(k, name, pp, err)
	}
	if len(files.Harness) > 0 {
		return fmt.Errorf("mutant %02d/%s patches the harness (%s), not the solution: edit that file in a scratch copy and diff it by hand", k.Num, name, strings.Join(slices.Sorted(maps.Keys(files.Harness)), ", "))
	}
	return r.writeEditCopy(k, name, files.Patched)
}

// editFromSolution starts the edit of a mutant whose patch no longer applies
// from the solution as it is now, with the old patch beside it to redo by
// hand.
func (r *runner) editFromSolution(k kata, name, pp string, applyErr error) error {
	files, err := k.solutionFiles(r.root)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(pp)
	if err != nil {
		return err
	}
	if err := r.writeEditCopy(k, name, files); err != nil {
		return err
	}
	was := filepath.Join(editDir(r.root, k, name), "was"+patchExt)
	if err := writeFileAtomic(was, old); err != nil {
		return err
	}
	fmt.Fprintf(r.stderr, "mutant %02d/%s: %v\n"+
		"the copy above is the solution as it is now: make the mutant's change again (the old patch is in %s), then `kata dev mutant save %d %s`\n",
		k.Num, name, applyErr, relTo(r.root, was), k.Num, name)
	return nil
}

// solutionFiles reads the kata's solution files, by learner file name.
func (k kata) solutionFiles(root string) (map[string][]byte, error) {
	ov, err := k.solutionOverlay(root)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, sol := range ov {
		src, err := os.ReadFile(sol)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(sol)] = src
	}
	return files, nil
}

// newMutant copies the solution files to editDir for a mutant not made yet.
func (r *runner) newMutant(k kata, name string) error {
	if isFile(k.mutantPatchPath(r.root, name)) || isDir(k.path(r.root, "testdata", "mutants", name)) {
		return fmt.Errorf("kata %s already has a mutant %s: `kata dev mutant edit %d %s` edits it", k.Dir, name, k.Num, name)
	}
	files, err := k.solutionFiles(r.root)
	if err != nil {
		return err
	}
	if err := r.writeEditCopy(k, name, files); err != nil {
		return err
	}
	fmt.Fprintf(r.stderr, "make the change, then `kata dev mutant save %d %s` (and fill in its mutant: and killed-by: lines)\n", k.Num, name)
	return nil
}

func (r *runner) writeEditCopy(k kata, name string, files map[string][]byte) error {
	dir := editDir(r.root, k, name)
	for file, src := range files {
		p := filepath.Join(dir, file)
		if old, err := os.ReadFile(p); err == nil && !bytes.Equal(old, src) {
			return fmt.Errorf("%s holds edits that are not saved: `kata dev mutant save %d %s` keeps them; delete it to start again",
				relTo(r.root, p), k.Num, name)
		}
	}
	for file, src := range files {
		p := filepath.Join(dir, file)
		if err := writeFileAtomic(p, src); err != nil {
			return err
		}
		fmt.Fprintln(r.stdout, relTo(r.root, p))
	}
	return nil
}

// saveMutant diffs the files in editDir against the solution and writes the
// mutant's patch, keeping the preamble of the patch it replaces.
func (r *runner) saveMutant(k kata, name string) error {
	dir := editDir(r.root, k, name)
	files, err := goFiles(dir)
	if err != nil || len(files) == 0 {
		return fmt.Errorf("nothing to save in %s: `kata dev mutant edit %d %s` (or new) writes the file to edit there", relTo(r.root, dir), k.Num, name)
	}
	if isDir(k.path(r.root, "testdata", "mutants", name)) {
		return fmt.Errorf("mutant %02d/%s is a whole-file mutant (testdata/mutants/%s/): edit it in place", k.Num, name, name)
	}
	pp := k.mutantPatchPath(r.root, name)
	preamble := "mutant:\nkilled-by:\n\n"
	isNew := true
	if data, err := os.ReadFile(pp); err == nil {
		p, err := patch.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %v", relTo(r.root, pp), err)
		}
		preamble, isNew = p.Preamble, false
	}
	var diffs []byte
	edited := map[string][]byte{}
	for _, file := range files {
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return err
		}
		if formatted, err := format.Source(src); err != nil {
			return fmt.Errorf("%s does not parse: %v", relTo(r.root, filepath.Join(dir, file)), err)
		} else if !bytes.Equal(formatted, src) {
			return fmt.Errorf("%s is not gofmt clean: run gofmt -w on it, then save again", relTo(r.root, filepath.Join(dir, file)))
		}
		sol := solutionRel(k, file)
		orig, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(sol)))
		if err != nil {
			return fmt.Errorf("%s matches no solution file (%v)", relTo(r.root, filepath.Join(dir, file)), err)
		}
		diffs = append(diffs, patch.Diff(sol, sol, orig, src)...)
		edited[file] = src
	}
	if len(diffs) == 0 {
		return fmt.Errorf("%s is the solution unchanged: nothing to save", relTo(r.root, dir))
	}
	if err := writeMutantPatch(pp, preamble, diffs); err != nil {
		return err
	}
	// Read it back as the proof will.
	back, err := k.applyMutantPatch(r.root, pp)
	if err != nil {
		return fmt.Errorf("the patch just written does not apply: %v", err)
	}
	for file, src := range edited {
		if !bytes.Equal(back.Patched[file], src) {
			return fmt.Errorf("the patch just written does not give back %s: a bug in the tool", file)
		}
	}
	fmt.Fprintf(r.stdout, "%s (%d lines changed)\n", relTo(r.root, pp), changedLines(diffs))
	if isNew {
		fmt.Fprintf(r.stderr, "now fill in its mutant: and killed-by: lines, at the top of %s\n", relTo(r.root, pp))
	}
	return nil
}

// writeMutantPatch writes preamble then diffs to path, with a newline
// between them if the preamble lacks one.
func writeMutantPatch(path, preamble string, diffs []byte) error {
	if preamble != "" && !strings.HasSuffix(preamble, "\n") {
		preamble += "\n"
	}
	return writeFileAtomic(path, append([]byte(preamble), diffs...))
}

// changedLines counts a diff's removed and added lines.
func changedLines(diff []byte) int {
	n := 0
	for _, l := range patch.SplitLines(diff) {
		if (l[0] == '+' && !strings.HasPrefix(l, "+++ ")) || (l[0] == '-' && !strings.HasPrefix(l, "--- ")) {
			n++
		}
	}
	return n
}

var errNoHeader = errors.New(`no "// mutant:" line at the top of the file`)

// convertMutantsCmd parses `dev mutants convert [-n] [N...]`.
func (r *runner) convertMutantsCmd(args []string) error {
	fs := flag.NewFlagSet("dev mutants convert", flag.ContinueOnError)
	fs.SetOutput(r.stderr)
	dry := fs.Bool("n", false, "only say what it would do")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	katas, err := discoverKatas(r.root)
	if err != nil {
		return err
	}
	if katas, err = pickKatas(katas, fs.Args()); err != nil {
		return err
	}
	failed := 0
	for _, k := range katas {
		base := k.path(r.root, "testdata", "mutants")
		entries, err := os.ReadDir(base)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			line, err := r.convertMutant(k, e.Name(), *dry)
			if err != nil {
				failed++
				line = "FAILED: " + err.Error()
			}
			fmt.Fprintf(r.stdout, "%02d/%s: %s\n", k.Num, e.Name(), line)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d mutants not converted (see above)", failed)
	}
	return nil
}

// convertMutant turns the whole-file mutant testdata/mutants/<name>/ into
// <name>.patch (and deletes the folder), or, when the patch would be longer
// than the file (a genuine rewrite), keeps the file. Either way the comment
// drift (a comment of the solution that the mutant's copy did not follow)
// is dropped. It returns what it did, in a few words.
func (r *runner) convertMutant(k kata, name string, dry bool) (string, error) {
	dir := k.path(r.root, "testdata", "mutants", name)
	files, err := goFiles(dir)
	if err != nil {
		return "", err
	}
	if len(files) != 1 {
		return "", fmt.Errorf("%d .go files: convert handles a mutant of one file", len(files))
	}
	file := files[0]
	path := filepath.Join(dir, file)
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sol := solutionRel(k, file)
	orig, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(sol)))
	if err != nil {
		return "", err
	}
	header, body, err := splitMutantHeader(src)
	if err != nil {
		return "", err
	}
	clean, drift := dropCommentDrift(orig, body)
	diff := patch.Diff(sol, sol, orig, clean)
	if diff == nil {
		return "", fmt.Errorf("no difference from %s but comments", sol)
	}
	preamble := headerPreamble(header) + "\n"
	note := fmt.Sprintf("%d lines changed", changedLines(diff))
	if drift > 0 {
		note += fmt.Sprintf(", %d lines of comment drift dropped", drift)
	}
	whole := append(append(append([]byte(nil), header...), '\n'), clean...)
	if len(patch.SplitLines(diff)) >= len(patch.SplitLines(whole)) {
		if !dry && !bytes.Equal(whole, src) {
			if err := writeFileAtomic(path, whole); err != nil {
				return "", err
			}
		}
		return "kept whole (the patch would be longer than the file): " + note, nil
	}
	pp := k.mutantPatchPath(r.root, name)
	if dry {
		return "would become " + relTo(r.root, pp) + ": " + note, nil
	}
	if err := writeMutantPatch(pp, preamble, diff); err != nil {
		return "", err
	}
	back, err := k.applyMutantPatch(r.root, pp)
	if err != nil || !bytes.Equal(back.Patched[file], clean) {
		os.Remove(pp)
		return "", fmt.Errorf("the patch does not give back the mutant (%v): kept the folder", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	return relTo(r.root, pp) + ": " + note, nil
}

// splitMutantHeader splits a whole-file mutant into its header (the comment
// lines at the top that hold "// mutant:" and "// killed-by:", with the
// mutant's own notes, up to a blank line or the package's doc comment) and
// the rest of the file.
func splitMutantHeader(src []byte) (header, body []byte, err error) {
	lines := patch.SplitLines(src)
	n := 0
	for n < len(lines) {
		l := strings.TrimSpace(lines[n])
		if !strings.HasPrefix(l, "//") || strings.HasPrefix(l, "// Package ") || strings.HasPrefix(l, "//line ") {
			break
		}
		n++
	}
	what, _ := headerFields(trimSlashes(lines[:n]))
	if what == "" {
		return nil, nil, errNoHeader
	}
	rest := lines[n:]
	if len(rest) > 0 && strings.TrimSpace(rest[0]) == "" {
		rest = rest[1:] // the blank line after the header
	}
	return []byte(strings.Join(lines[:n], "")), []byte(strings.Join(rest, "")), nil
}

func trimSlashes(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(strings.TrimSpace(l), "//")
	}
	return out
}

// headerPreamble turns "// mutant: ..." comment lines into the plain
// "mutant: ..." lines of a patch's preamble.
func headerPreamble(header []byte) string {
	var sb strings.Builder
	for _, l := range patch.SplitLines(header) {
		l = strings.TrimPrefix(strings.TrimSpace(l), "//")
		sb.WriteString(strings.TrimPrefix(l, " ") + "\n")
	}
	return sb.String()
}
