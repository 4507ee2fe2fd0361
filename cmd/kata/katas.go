package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// kataDirPattern is the folder name of a kata: two digits, a hyphen, a name.
var kataDirPattern = regexp.MustCompile(`^([0-9]{2})-([a-z0-9][a-z0-9-]*)$`)

// kata is one katas/NN-name folder.
type kata struct {
	Num   int    // 3 for katas/03-pool
	Dir   string // "03-pool"
	Name  string // "pool"
	Title string // first "# " heading of README.md
}

// Pkg is the kata's package path relative to the repository root, as go test
// takes it ("./katas/03-pool").
func (k kata) Pkg() string { return "./katas/" + k.Dir }

func (k kata) path(root string, elem ...string) string {
	return filepath.Join(append([]string{root, "katas", k.Dir}, elem...)...)
}

// discoverKatas lists the katas under root/katas, ordered by number.
func discoverKatas(root string) ([]kata, error) {
	entries, err := os.ReadDir(filepath.Join(root, "katas"))
	if err != nil {
		return nil, err
	}
	var out []kata
	seen := map[int]string{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		m := kataDirPattern.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		num, _ := strconv.Atoi(m[1])
		if prev, dup := seen[num]; dup {
			return nil, fmt.Errorf("two katas have the number %02d: katas/%s and katas/%s", num, prev, e.Name())
		}
		seen[num] = e.Name()
		k := kata{Num: num, Dir: e.Name(), Name: m[2]}
		if readme, err := os.ReadFile(k.path(root, "README.md")); err == nil {
			k.Title = readmeTitle(string(readme))
		}
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Num < out[j].Num })
	return out, nil
}

// readmeTitle returns the first "# " heading outside fenced code.
func readmeTitle(readme string) string {
	inFence := false
	for _, line := range strings.Split(readme, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(trimmed, "# ") {
			return strings.TrimSpace(trimmed[2:])
		}
	}
	return ""
}

// goFiles lists the names of the non-test .go files directly in dir.
func goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// learnerFiles lists the learner's files of the kata (every non-test .go file).
func (k kata) learnerFiles(root string) ([]string, error) {
	names, err := goFiles(k.path(root))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("katas/%s has no learner file (a non-_test.go .go file)", k.Dir)
	}
	return names, nil
}

// replacementOverlay maps each learner file to the file of the same name in
// dir (a solution or a mutant folder). what names dir in error messages.
func (k kata) replacementOverlay(root, dir, what string) (map[string]string, error) {
	learner, err := k.learnerFiles(root)
	if err != nil {
		return nil, err
	}
	rel := relTo(root, dir)
	if !isDir(dir) {
		return nil, fmt.Errorf("%s: folder %s is missing", what, rel)
	}
	repl, err := goFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(repl) == 0 {
		return nil, fmt.Errorf("%s: %s holds no .go file", what, rel)
	}
	ov := map[string]string{}
	for _, name := range repl {
		if !contains(learner, name) {
			return nil, fmt.Errorf("%s: %s/%s matches no learner file in katas/%s (learner files: %s); it must have the name of the file it replaces",
				what, rel, name, k.Dir, strings.Join(learner, ", "))
		}
		ov[k.path(root, name)] = filepath.Join(dir, name)
	}
	return ov, nil
}

// solutionOverlay lays solutions/NN-name over the learner's files.
func (k kata) solutionOverlay(root string) (map[string]string, error) {
	if !isDir(filepath.Join(root, "solutions")) {
		return nil, errNoSolutions
	}
	return k.replacementOverlay(root, filepath.Join(root, "solutions", k.Dir), "solution of kata "+k.Dir)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func relTo(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

// pickKatas returns the katas that args name ("3", "03", "03-pool" or
// "pool"), in the order given, or all of them when args is empty.
func pickKatas(all []kata, args []string) ([]kata, error) {
	if len(args) == 0 {
		return all, nil
	}
	picked := make([]kata, 0, len(args))
	for _, a := range args {
		k, err := findKata(all, a)
		if err != nil {
			return nil, err
		}
		picked = append(picked, k)
	}
	return picked, nil
}
