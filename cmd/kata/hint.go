package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Staged hints. A kata may hold katas/NN-name/hints/taskK.md, one file per
// task, its hints separated by a line `---`, mildest first. (A single
// hints/hints.md also works: "## Task K" headings split it by task; without
// such headings, its hints serve every task.) `hint N` shows one more hint
// of a task each time; how many were shown is kept in .kata/hints/NN.json.

// parseHints splits a hints file on lines that are exactly `---`; empty
// hints are dropped.
func parseHints(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if h := strings.TrimSpace(strings.Join(cur, "\n")); h != "" {
			out = append(out, h)
		}
		cur = cur[:0]
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "---" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// taskHeadingRE is a "## Task K" heading of a single hints file.
var taskHeadingRE = regexp.MustCompile(`^#{1,6}\s*Task\s+([0-9]+)\b`)

// parseHintsByTask splits a single hints file into tasks by its "Task K"
// headings; text before the first heading (or all of it, without headings)
// is task 0: hints for any task.
func parseHintsByTask(text string) map[int][]string {
	sections := map[int][]string{}
	task := 0
	var cur []string
	flush := func() {
		if hs := parseHints(strings.Join(cur, "\n")); len(hs) > 0 {
			sections[task] = append(sections[task], hs...)
		}
		cur = nil
	}
	for _, line := range strings.Split(text, "\n") {
		if m := taskHeadingRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			flush()
			task, _ = strconv.Atoi(m[1])
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return sections
}

var taskFileRE = regexp.MustCompile(`^task([0-9]+)\.md$`)

// loadHints reads kata k's staged hints: task number -> hints (0: any task).
func (k kata) loadHints(root string) (map[int][]string, error) {
	out := map[int][]string{}
	dir := k.path(root, "hints")
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		m := taskFileRE.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		t, _ := strconv.Atoi(m[1])
		if hs := parseHints(string(data)); len(hs) > 0 {
			out[t] = hs
		}
	}
	for _, single := range []string{filepath.Join(dir, "hints.md"), k.path(root, "hints.md")} {
		data, err := os.ReadFile(single)
		if err != nil {
			continue
		}
		for t, hs := range parseHintsByTask(string(data)) {
			if _, ok := out[t]; !ok {
				out[t] = hs
			}
		}
		break
	}
	return out, nil
}

// hintsFor is the hints of task t: its own, else those for any task.
func hintsFor(all map[int][]string, t int) []string {
	if hs, ok := all[t]; ok {
		return hs
	}
	return all[0]
}

// hintState is .kata/hints/NN.json: how many hints of each task were shown.
type hintState struct {
	Kata  string         `json:"kata"`
	Shown map[string]int `json:"shown"` // task number -> hints shown
}

func (r *runner) hintStatePath(k kata) string {
	return filepath.Join(r.root, ".kata", "hints", fmt.Sprintf("%02d.json", k.Num))
}

func (r *runner) loadHintState(k kata) hintState {
	st := hintState{Kata: k.Dir, Shown: map[string]int{}}
	if data, err := os.ReadFile(r.hintStatePath(k)); err == nil {
		_ = json.Unmarshal(data, &st)
		if st.Shown == nil {
			st.Shown = map[string]int{}
		}
	}
	return st
}

func (r *runner) saveHintState(k kata, st hintState) error {
	p := r.hintStatePath(k)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(st, "", "  ")
	return os.WriteFile(p, append(data, '\n'), 0o644)
}

// nextHint is the pure step of `hint`: the hint to show for task t (its
// 1-based number, the count) and the new state; number 0: none left.
func nextHint(hints []string, st hintState, t int) (text string, number int, next hintState) {
	key := strconv.Itoa(t)
	n := st.Shown[key]
	if n >= len(hints) {
		return "", 0, st
	}
	next = hintState{Kata: st.Kata, Shown: map[string]int{}}
	for k, v := range st.Shown {
		next.Shown[k] = v
	}
	next.Shown[key] = n + 1
	return hints[n], n + 1, next
}

// hintCmd parses `hint N [-task T] [-reset]`.
func (r *runner) hintCmd(args []string) error {
	fs := r.flags()
	task := fs.Int("task", 0, "the task to hint (default: the first task whose specs fail)")
	reset := fs.Bool("reset", false, "forget the hints shown (of -task, or of every task), to start over")
	katas, _, err := r.parse(fs, args, oneKata)
	if err != nil {
		return err
	}
	if *task < 0 {
		return usageError{fmt.Sprintf("%s is not a task number", typed("task", strconv.Itoa(*task)))}
	}
	k := katas[0]
	hints, err := k.loadHints(r.root)
	if err != nil {
		return err
	}
	readme := fmt.Sprintf("katas/%s/README.md, section \"Hints\"", k.Dir)
	if len(hints) == 0 {
		fmt.Fprintf(r.stdout, "kata %s has no staged hints (katas/%s/hints/taskK.md); read %s\n", k.Dir, k.Dir, readme)
		return nil
	}
	var tasks []int
	for t := range hints {
		if t > 0 {
			tasks = append(tasks, t)
		}
	}
	slices.Sort(tasks)

	if *reset {
		st := r.loadHintState(k)
		if *task > 0 {
			delete(st.Shown, strconv.Itoa(*task))
			fmt.Fprintf(r.stdout, "hints of kata %s, task %d start over\n", k.Dir, *task)
		} else {
			st.Shown = map[string]int{}
			fmt.Fprintf(r.stdout, "hints of kata %s start over\n", k.Dir)
		}
		return r.saveHintState(k, st)
	}

	t := *task
	if t == 0 {
		ctx, stop := untilInterrupted()
		defer stop()
		res, err := r.currentResult(ctx, k)
		if err != nil {
			return err
		}
		switch res.State {
		case stateSolved:
			fmt.Fprintf(r.stdout, "kata %s is solved: every spec passes. Hints anyway: `make hint N=%d T=%d`\n", k.Dir, k.Num, firstOr(tasks, 1))
			return nil
		case stateBroken:
			fmt.Fprintf(r.stdout, "kata %s: %s. `make kata N=%d` shows why; for a task's hint: `make hint N=%d T=%d`\n", k.Dir, res.Note, k.Num, k.Num, firstOr(tasks, 1))
			return nil
		case stateNotStarted:
			t = firstOr(tasks, 1)
		default:
			t = firstOr(res.FailingTasks, firstOr(tasks, 1))
		}
	}
	hs := hintsFor(hints, t)
	if len(hs) == 0 {
		fmt.Fprintf(r.stdout, "kata %s has no staged hints for task %d (it has some for tasks %s); read %s\n", k.Dir, t, joinInts(tasks), readme)
		return nil
	}
	text, n, st := nextHint(hs, r.loadHintState(k), t)
	if n == 0 {
		fmt.Fprintf(r.stdout, "no more hints for task %d of kata %s: you have seen all %d. Read %s, or start over: `make hint N=%d T=%d RESET=1`\n",
			t, k.Dir, len(hs), readme, k.Num, t)
		return nil
	}
	if err := r.saveHintState(k, st); err != nil {
		return err
	}
	fmt.Fprintf(r.stdout, "Kata %s, task %d, hint %d of %d:\n\n%s\n\n", k.Dir, t, n, len(hs), indent(text))
	if n < len(hs) {
		again := fmt.Sprintf("make hint N=%d", k.Num)
		if *task > 0 {
			again += fmt.Sprintf(" T=%d", t)
		}
		fmt.Fprintf(r.stdout, "Still stuck? `%s` again shows the next one.\n", again)
	} else {
		fmt.Fprintf(r.stdout, "That was the last hint for task %d.\n", t)
	}
	return nil
}

func firstOr(xs []int, def int) int {
	if len(xs) == 0 {
		return def
	}
	return xs[0]
}

func joinInts(xs []int) string {
	var s []string
	for _, x := range xs {
		s = append(s, strconv.Itoa(x))
	}
	return strings.Join(s, ", ")
}

func indent(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
