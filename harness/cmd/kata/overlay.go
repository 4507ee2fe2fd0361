package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// overlayJSON is the file that `go build -overlay` reads.
func overlayJSON(replace map[string]string) ([]byte, error) {
	return json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "  ")
}

// writeOverlay writes the overlay to .kata/overlays/<name>.json and returns its path.
func writeOverlay(root, name string, replace map[string]string) (string, error) {
	data, err := overlayJSON(replace)
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, ".kata", "overlays", name+".json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
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
