package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestClassroomConfig keeps .github/classroom/autograding.json in step with
// the katas (one test per kata, running its specs) and checks that the
// learners' workflow parses and grades.
func TestClassroomConfig(t *testing.T) {
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	katas, err := discoverKatas(root)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, ".github", "classroom", "autograding.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Tests []struct {
			Name    string `json:"name"`
			Run     string `json:"run"`
			Timeout int    `json:"timeout"`
			Points  int    `json:"points"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("autograding.json: %v", err)
	}
	byKata := map[string]int{}
	for _, tc := range cfg.Tests {
		if tc.Name == "" || tc.Points <= 0 || tc.Timeout <= 0 {
			t.Errorf("autograding.json: test %q needs a name, points and a timeout (minutes)", tc.Name)
		}
		for _, k := range katas {
			if strings.Contains(tc.Run, "./katas/"+k.Dir) && strings.Contains(tc.Run, "-race") {
				byKata[k.Dir]++
			}
		}
	}
	for _, k := range katas {
		if byKata[k.Dir] != 1 {
			t.Errorf("autograding.json has %d tests running `go test -race ./katas/%s`, want 1", byKata[k.Dir], k.Dir)
		}
	}
	if len(cfg.Tests) != len(katas) {
		t.Errorf("autograding.json has %d tests for %d katas", len(cfg.Tests), len(katas))
	}

	wf, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "katas.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(wf, &doc); err != nil {
		t.Fatalf("katas.yml: %v", err)
	}
	var setupGo, grade, upload bool
	for _, job := range doc.Jobs {
		for _, s := range job.Steps {
			setupGo = setupGo || strings.HasPrefix(s.Uses, "actions/setup-go@") && s.With["go-version-file"] == "go.mod"
			grade = grade || strings.Contains(s.Run, "make grade")
			upload = upload || strings.HasPrefix(s.Uses, "actions/upload-artifact@") && strings.HasPrefix(s.With["path"], "reports")
		}
	}
	if !setupGo || !grade || !upload {
		t.Errorf("katas.yml: setup-go from go.mod %v, make grade %v, reports/ uploaded %v; want all three", setupGo, grade, upload)
	}
}
