package patch

import (
	"fmt"
	"strings"
)

// Context is the number of unchanged lines Diff shows around each change.
const Context = 3

// A Change is one run of lines that differ between two texts: old lines
// [OldFrom, OldTo) became new lines [NewFrom, NewTo) (0-based indexes into
// SplitLines of each text; an empty range is a pure insertion or deletion).
type Change struct {
	OldFrom, OldTo int
	NewFrom, NewTo int
}

// maxCells bounds the longest-common-subsequence table (old lines × new
// lines, after the common start and end are trimmed). Past it the middle is
// reported as one change: still a correct diff, only not a minimal one.
const maxCells = 1 << 25

// Changes compares old and new line by line and returns the runs of lines
// that differ, in order, from a longest common subsequence of lines: the
// smallest number of removed plus added lines.
func Changes(old, new []string) []Change {
	pre := 0
	for pre < len(old) && pre < len(new) && old[pre] == new[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(new)-pre && old[len(old)-1-suf] == new[len(new)-1-suf] {
		suf++
	}
	a, b := old[pre:len(old)-suf], new[pre:len(new)-suf]
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	if len(a)*len(b) > maxCells {
		return []Change{{pre, pre + len(a), pre, pre + len(b)}}
	}
	// lcs[i*w+j] is the length of a longest common subsequence of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				lcs[i*w+j] = lcs[(i+1)*w+j]
			default:
				lcs[i*w+j] = lcs[i*w+j+1]
			}
		}
	}
	var out []Change
	var cur *Change
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i < len(a) && j < len(b) && a[i] == b[j] {
			cur = nil
			i++
			j++
			continue
		}
		if cur == nil {
			out = append(out, Change{pre + i, pre + i, pre + j, pre + j})
			cur = &out[len(out)-1]
		}
		if j == len(b) || (i < len(a) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]) {
			i++ // removed
			cur.OldTo++
		} else {
			j++ // added
			cur.NewTo++
		}
	}
	return out
}

// Diff returns a unified diff from old to new with Context lines of context,
// under "--- oldName" and "+++ newName" lines, or nil if they are equal.
// Apply of the result to old gives new.
func Diff(oldName, newName string, old, new []byte) []byte {
	a, b := SplitLines(old), SplitLines(new)
	changes := Changes(a, b)
	if len(changes) == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	for len(changes) > 0 {
		// One hunk: the changes whose gaps are short enough to share context.
		n := 1
		for n < len(changes) && changes[n].OldFrom-changes[n-1].OldTo <= 2*Context {
			n++
		}
		group := changes[:n]
		changes = changes[n:]
		first, last := group[0], group[n-1]
		oldFrom := max(first.OldFrom-Context, 0)
		newFrom := first.NewFrom - (first.OldFrom - oldFrom)
		oldTo := min(last.OldTo+Context, len(a))
		newTo := last.NewTo + (oldTo - last.OldTo)
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(oldFrom, oldTo), hunkRange(newFrom, newTo))
		at := oldFrom
		for _, c := range group {
			writeLines(&sb, ' ', a[at:c.OldFrom])
			writeLines(&sb, '-', a[c.OldFrom:c.OldTo])
			writeLines(&sb, '+', b[c.NewFrom:c.NewTo])
			at = c.OldTo
		}
		writeLines(&sb, ' ', a[at:oldTo])
	}
	return []byte(sb.String())
}

// hunkRange is "start,count" for lines [from, to): start is 1-based, or the
// line before the range when it is empty.
func hunkRange(from, to int) string {
	if from == to {
		return fmt.Sprintf("%d,0", from)
	}
	return fmt.Sprintf("%d,%d", from+1, to-from)
}

func writeLines(sb *strings.Builder, prefix byte, lines []string) {
	for _, l := range lines {
		sb.WriteByte(prefix)
		sb.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			sb.WriteString("\n" + noNewline + "\n")
		}
	}
}
