// Package patch reads, applies and writes unified diffs of text files.
//
// It is strict on purpose: a hunk applies only at the line its header names
// and only if every context and removed line matches exactly. There is no
// fuzz and no search for a nearby offset, so a patch whose original has
// changed under it fails with the hunk and the line that no longer match,
// instead of landing somewhere else.
//
// The kata tool keeps each mutant as a patch against its kata's solution;
// this package is all it needs to lay the mutant over the learner's file
// (Apply) and to write the patch back after a maintainer's edit (Diff).
package patch

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A Patch is a parsed unified diff.
type Patch struct {
	// Preamble is the text before the first file's "---" line, as it was
	// (a commit message, or the kata tool's "mutant:" lines).
	Preamble string
	Files    []*FileDiff
}

// A FileDiff is the changes to one file.
type FileDiff struct {
	Old, New string // the names on the "---" and "+++" lines, without a timestamp
	Hunks    []Hunk
}

// A Hunk is one "@@ -OldStart,OldLines +NewStart,NewLines @@" block.
// Line numbers start at 1; a hunk that removes nothing (OldLines 0) names the
// line after which it inserts, 0 for the start of the file.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Lines are the hunk's body: each begins with ' ' (context), '-'
	// (removed) or '+' (added) and ends with "\n", except a last line of
	// the file that has none ("\ No newline at end of file" in the patch).
	Lines []string
}

// An ApplyError says where a hunk did not match the original.
type ApplyError struct {
	Hunk     int    // 1 for the first hunk of the file
	Line     int    // the original's line number where the mismatch is
	Expected string // the line the patch expects there (without "\n")
	Found    string // the original's line there (without "\n")
	EOF      bool   // the original ends before Line
	Reason   string // set instead of Expected/Found for a misplaced hunk
}

func (e *ApplyError) Error() string {
	return fmt.Sprintf("hunk %d (line %d) does not apply: %s", e.Hunk, e.Line, e.Mismatch())
}

// Mismatch says what did not match, without the hunk and line.
func (e *ApplyError) Mismatch() string {
	switch {
	case e.Reason != "":
		return e.Reason
	case e.EOF:
		return fmt.Sprintf("expected %q, found the end of the file", e.Expected)
	default:
		return fmt.Sprintf("expected %q, found %q", e.Expected, e.Found)
	}
}

// SplitLines splits text after each "\n"; a last line without one is kept.
func SplitLines(text []byte) []string {
	var lines []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, string(text))
			break
		}
		lines = append(lines, string(text[:i+1]))
		text = text[i+1:]
	}
	return lines
}

const noNewline = `\ No newline at end of file`

// Parse reads a unified diff: an optional preamble, then for each file a
// "---" line, a "+++" line and its hunks. Lines between files that are not
// part of a hunk ("diff --git", "index ...") are skipped.
func Parse(data []byte) (*Patch, error) {
	lines := SplitLines(data)
	p := &Patch{}
	i := 0
	isFileStart := func(i int) bool {
		return i+1 < len(lines) && strings.HasPrefix(lines[i], "--- ") && strings.HasPrefix(lines[i+1], "+++ ")
	}
	for i < len(lines) && !isFileStart(i) {
		i++
	}
	p.Preamble = strings.Join(lines[:i], "")
	for i < len(lines) {
		if !isFileStart(i) {
			if strings.HasPrefix(lines[i], "@@") {
				return nil, fmt.Errorf("line %d: hunk without a file (no \"---\" and \"+++\" lines before it)", i+1)
			}
			i++
			continue
		}
		f := &FileDiff{Old: fileName(lines[i][4:]), New: fileName(lines[i+1][4:])}
		i += 2
		for i < len(lines) && strings.HasPrefix(lines[i], "@@") {
			h, next, err := parseHunk(lines, i)
			if err != nil {
				return nil, err
			}
			f.Hunks = append(f.Hunks, h)
			i = next
		}
		if len(f.Hunks) == 0 {
			return nil, fmt.Errorf("line %d: file %s has no hunk", i, f.Old)
		}
		p.Files = append(p.Files, f)
	}
	return p, nil
}

// fileName drops the trailing "\t<timestamp>" of a "---" or "+++" line.
func fileName(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	return s
}

// parseHunk reads the hunk whose header is lines[i] and returns it with the
// index of the line after it.
func parseHunk(lines []string, i int) (Hunk, int, error) {
	var h Hunk
	header := strings.TrimRight(lines[i], "\n")
	var err error
	fields := strings.Fields(header)
	if len(fields) < 4 || fields[0] != "@@" || fields[3] != "@@" ||
		!strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return h, 0, fmt.Errorf("line %d: malformed hunk header %q", i+1, header)
	}
	if h.OldStart, h.OldLines, err = parseRange(fields[1][1:]); err == nil {
		h.NewStart, h.NewLines, err = parseRange(fields[2][1:])
	}
	if err != nil {
		return h, 0, fmt.Errorf("line %d: malformed hunk header %q: %v", i+1, header, err)
	}
	i++
	oldN, newN := 0, 0
	for i < len(lines) && (oldN < h.OldLines || newN < h.NewLines) {
		l := lines[i]
		if l == "\n" { // an empty context line whose space was trimmed
			l = " \n"
		}
		switch l[0] {
		case ' ':
			oldN++
			newN++
		case '-':
			oldN++
		case '+':
			newN++
		default:
			return h, 0, fmt.Errorf("line %d: hunk %q has %d of %d old lines and %d of %d new lines, then %q",
				i+1, header, oldN, h.OldLines, newN, h.NewLines, strings.TrimRight(l, "\n"))
		}
		h.Lines = append(h.Lines, l)
		i++
		if i < len(lines) && strings.HasPrefix(lines[i], noNewline) {
			h.Lines[len(h.Lines)-1] = strings.TrimSuffix(h.Lines[len(h.Lines)-1], "\n")
			i++
		}
	}
	if oldN != h.OldLines || newN != h.NewLines {
		return h, 0, fmt.Errorf("line %d: hunk %q ends early: %d of %d old lines, %d of %d new lines",
			i+1, header, oldN, h.OldLines, newN, h.NewLines)
	}
	return h, i, nil
}

// parseRange reads "start,count" or "start" (a count of 1).
func parseRange(s string) (start, count int, err error) {
	a, b, found := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad line number %q", a)
	}
	count = 1
	if found {
		if count, err = strconv.Atoi(b); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad line count %q", b)
		}
	}
	return start, count, nil
}

// Apply applies the hunks to original, strictly: each at the line its
// header names, every context and removed line equal to the original's. It
// returns an *ApplyError naming the first hunk and line that do not match.
func (f *FileDiff) Apply(original []byte) ([]byte, error) {
	orig := SplitLines(original)
	var out bytes.Buffer
	pos := 0   // orig[:pos] is done
	delta := 0 // new line number minus old line number so far
	for n, h := range f.Hunks {
		start := h.OldStart - 1 // index of the hunk's first old line
		if h.OldLines == 0 {
			start = h.OldStart // it inserts after line OldStart
		}
		wantNew := h.NewStart // the new number of old line start+1
		if h.NewLines == 0 {
			wantNew++
		}
		if got := start + 1 + delta; got != wantNew {
			return nil, misplaced(n, h, start+1, got)
		}
		if start < pos {
			return nil, &ApplyError{Hunk: n + 1, Line: h.OldStart,
				Reason: fmt.Sprintf("it starts at line %d, inside or before the previous hunk (which ends at line %d)", h.OldStart, pos)}
		}
		if start > len(orig) {
			return nil, &ApplyError{Hunk: n + 1, Line: h.OldStart,
				Reason: fmt.Sprintf("it starts at line %d, past the end of the file (%d lines)", h.OldStart, len(orig))}
		}
		for _, l := range orig[pos:start] {
			out.WriteString(l)
		}
		at := start
		for _, l := range h.Lines {
			body := l[1:]
			switch l[0] {
			case ' ', '-':
				if at >= len(orig) {
					return nil, &ApplyError{Hunk: n + 1, Line: at + 1, Expected: trimNL(body), EOF: true}
				}
				if orig[at] != body {
					e := &ApplyError{Hunk: n + 1, Line: at + 1, Expected: trimNL(body), Found: trimNL(orig[at])}
					if e.Expected == e.Found { // they differ only in the last newline
						e.Reason = fmt.Sprintf("line %q: the patch and the file disagree on whether it ends the file without a newline", e.Expected)
					}
					return nil, e
				}
				if l[0] == ' ' {
					out.WriteString(body)
				}
				at++
			case '+':
				out.WriteString(body)
			}
		}
		pos = at
		delta += h.NewLines - h.OldLines
	}
	for _, l := range orig[pos:] {
		out.WriteString(l)
	}
	return out.Bytes(), nil
}

func misplaced(n int, h Hunk, oldLine, newLine int) error {
	return &ApplyError{Hunk: n + 1, Line: oldLine,
		Reason: fmt.Sprintf("its header @@ -%d,%d +%d,%d @@ does not add up: after the hunks before it, old line %d is new line %d",
			h.OldStart, h.OldLines, h.NewStart, h.NewLines, oldLine, newLine)}
}

func trimNL(s string) string { return strings.TrimSuffix(s, "\n") }

// Apply applies a patch of exactly one file to original. See FileDiff.Apply.
func Apply(original, patch []byte) ([]byte, error) {
	p, err := Parse(patch)
	if err != nil {
		return nil, err
	}
	if len(p.Files) != 1 {
		return nil, errors.New("patch: Apply needs a patch of one file; this one has " + strconv.Itoa(len(p.Files)))
	}
	return p.Files[0].Apply(original)
}
