package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// overlayJSON is the file that `go build -overlay` reads.
func overlayJSON(replace map[string]string) ([]byte, error) {
	return json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "  ")
}

// lineDirective makes the compiler record positions (stack traces, race
// reports, Ginkgo failure locations) in the replacement file itself.
// Without it they name the learner's file with the replacement's line
// numbers, and Ginkgo's progress report (written on every spec timeout)
// reads the learner's file from disk to show source: when the replacement is
// longer, Ginkgo 2.34 panics ("slice bounds out of range" in fetchSource)
// and the test binary dies without a report.
func lineDirective(src []byte, file string) []byte {
	return append([]byte(fmt.Sprintf("//line %s:1\n", file)), src...)
}

// writeOverlay copies each replacement file, with a //line directive, under
// .kata/overlays/<name>/, writes .kata/overlays/<name>.json that maps the
// learner's files to those copies, and returns the JSON file's path.
func writeOverlay(root, name string, replace map[string]string) (string, error) {
	dir := filepath.Join(root, ".kata", "overlays", name)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	targets := make([]string, 0, len(replace))
	for t := range replace {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	mapped := make(map[string]string, len(replace))
	for _, target := range targets {
		src, err := os.ReadFile(replace[target])
		if err != nil {
			return "", err
		}
		copyPath := filepath.Join(dir, filepath.Base(target))
		if err := os.WriteFile(copyPath, lineDirective(src, replace[target]), 0o644); err != nil {
			return "", err
		}
		mapped[target] = copyPath
	}
	data, err := overlayJSON(mapped)
	if err != nil {
		return "", err
	}
	p := dir + ".json"
	return p, os.WriteFile(p, append(data, '\n'), 0o644)
}

// addGoFlag appends flag to a GOFLAGS value, quoted when it holds spaces
// (the go command splits GOFLAGS like a shell word list).
func addGoFlag(goflags, flag string) string {
	if strings.ContainsAny(flag, " \t") {
		if strings.Contains(flag, "'") {
			flag = `"` + flag + `"`
		} else {
			flag = "'" + flag + "'"
		}
	}
	return strings.TrimSpace(goflags + " " + flag)
}
