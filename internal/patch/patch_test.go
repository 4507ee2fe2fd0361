package patch

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// numbered returns lines "1\n" ... "n\n".
func numbered(n int) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "%d\n", i)
	}
	return sb.String()
}

func TestApply(t *testing.T) {
	ten := numbered(10)
	cases := []struct {
		name, original, patch, want string
	}{
		{"one hunk", ten, `--- a
+++ b
@@ -4,3 +4,3 @@
 4
-5
+five
 6
`, strings.Replace(ten, "5\n", "five\n", 1)},
		{"two hunks, the second shifted by the first's added lines", ten, `--- a
+++ b
@@ -1,3 +1,5 @@
 1
+1a
+1b
 2
 3
@@ -8,3 +10,2 @@
 8
-9
 10
`, "1\n1a\n1b\n2\n3\n4\n5\n6\n7\n8\n10\n"},
		{"added at the start", ten, `--- a
+++ b
@@ -0,0 +1,1 @@
+0
`, "0\n" + ten},
		{"added at the start, with context", ten, `--- a
+++ b
@@ -1,2 +1,3 @@
+0
 1
 2
`, "0\n" + ten},
		{"removed at the start", ten, `--- a
+++ b
@@ -1,2 +0,0 @@
-1
-2
`, strings.TrimPrefix(ten, "1\n2\n")},
		{"added at the end", ten, `--- a
+++ b
@@ -9,2 +9,3 @@
 9
 10
+11
`, ten + "11\n"},
		{"removed at the end", ten, `--- a
+++ b
@@ -9,2 +8,0 @@
-9
-10
`, numbered(8)},
		{"counts of 1 left out", ten, `--- a
+++ b
@@ -5 +5 @@
-5
+V
`, strings.Replace(ten, "5\n", "V\n", 1)},
		{"last line without a newline, kept", "a\nb", `--- a
+++ b
@@ -1,2 +1,2 @@
-a
+A
 b
\ No newline at end of file
`, "A\nb"},
		{"a newline added at the end", "a\nb", `--- a
+++ b
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+b
`, "a\nb\n"},
		{"empty original", "", `--- /dev/null
+++ b
@@ -0,0 +1,2 @@
+x
+y
`, "x\ny\n"},
		{"whole file removed", "x\ny\n", `--- a
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
`, ""},
		{"preamble, git lines and timestamps", ten, `mutant: five is wrong
killed-by: counts to ten

diff --git a/f b/f
index 0000000..1111111 100644
--- a/f	2026-01-01 00:00:00
+++ b/f	2026-01-01 00:00:01
@@ -5,1 +5,1 @@
-5
+6
`, strings.Replace(ten, "5\n", "6\n", 1)},
		{"an empty context line without its space", "a\n\nb\n", `--- a
+++ b
@@ -1,3 +1,3 @@
 a

-b
+B
`, "a\n\nB\n"},
	}
	for _, c := range cases {
		got, err := Apply([]byte(c.original), []byte(c.patch))
		if err != nil {
			t.Errorf("%s: Apply: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s: Apply = %q; want %q", c.name, got, c.want)
		}
	}
}

func TestApplyRefuses(t *testing.T) {
	ten := numbered(10)
	cases := []struct {
		name, original, patch string
		want                  ApplyError
		msg                   string
	}{
		{"a context line changed", strings.Replace(ten, "4\n", "four\n", 1), `--- a
+++ b
@@ -4,3 +4,3 @@
 4
-5
+five
 6
`, ApplyError{Hunk: 1, Line: 4, Expected: "4", Found: "four"},
			`hunk 1 (line 4) does not apply: expected "4", found "four"`},
		{"a removed line changed, second hunk", strings.Replace(ten, "9\n", "nine\n", 1), `--- a
+++ b
@@ -1,2 +1,2 @@
-1
+one
 2
@@ -8,2 +8,1 @@
 8
-9
`, ApplyError{Hunk: 2, Line: 9, Expected: "9", Found: "nine"}, `hunk 2 (line 9) does not apply`},
		{"no fuzz: the same lines one line lower", "0\n" + ten, `--- a
+++ b
@@ -4,3 +4,3 @@
 4
-5
+five
 6
`, ApplyError{Hunk: 1, Line: 4, Expected: "4", Found: "3"}, `expected "4", found "3"`},
		{"the original is shorter", numbered(3), `--- a
+++ b
@@ -3,2 +3,1 @@
 3
-4
`, ApplyError{Hunk: 1, Line: 4, Expected: "4", EOF: true}, `expected "4", found the end of the file`},
		{"the original gained a last newline", "a\nb\n", `--- a
+++ b
@@ -1,2 +1,2 @@
-a
+A
 b
\ No newline at end of file
`, ApplyError{Hunk: 1, Line: 2, Expected: "b", Found: "b"}, `disagree on whether it ends the file without a newline`},
		{"a new-side line number that does not add up", ten, `--- a
+++ b
@@ -1,1 +1,2 @@
 1
+1a
@@ -5,1 +5,1 @@
-5
+five
`, ApplyError{Hunk: 2, Line: 5}, `does not add up: after the hunks before it, old line 5 is new line 6`},
		{"hunks out of order", ten, `--- a
+++ b
@@ -5,1 +5,1 @@
-5
+five
@@ -2,1 +2,1 @@
-2
+two
`, ApplyError{Hunk: 2, Line: 2}, `inside or before the previous hunk`},
	}
	for _, c := range cases {
		_, err := Apply([]byte(c.original), []byte(c.patch))
		var ae *ApplyError
		if !errors.As(err, &ae) {
			t.Errorf("%s: Apply error = %v; want an *ApplyError", c.name, err)
			continue
		}
		if ae.Hunk != c.want.Hunk || ae.Line != c.want.Line || ae.Expected != c.want.Expected && c.want.Expected != "" ||
			ae.Found != c.want.Found && c.want.Found != "" || ae.EOF != c.want.EOF {
			t.Errorf("%s: error = %+v; want %+v", c.name, *ae, c.want)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %q; want it to contain %q", c.name, err, c.msg)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\n+A\n":           "ends early",
		"--- a\n+++ b\n@@ -1,1 +1,1 @@\n-a\nxyz\n":          `then "xyz"`,
		"--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\nxyz\n+b\n":      `then "xyz"`,
		"--- a\n+++ b\n@@ -x,1 +1,1 @@\n-a\n+b\n":           "malformed hunk header",
		"--- a\n+++ b\n@@ -1,1 +1,1\n-a\n+b\n":              "malformed hunk header",
		"--- a\n+++ b\n--- c\n+++ d\n@@ -1,1 +1,1 @@\n-a\n": "file a has no hunk",
	}
	for patch, want := range cases {
		if _, err := Parse([]byte(patch)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v; want one containing %q", patch, err, want)
		}
	}
	if _, err := Apply(nil, []byte("just words\n")); err == nil || !strings.Contains(err.Error(), "has 0") {
		t.Errorf("Apply of a patch with no file: error = %v", err)
	}
}

func TestParseKeepsPreamble(t *testing.T) {
	const pre = "mutant: wrong\nkilled-by: spec\n\n--- not a file line\n"
	p, err := Parse([]byte(pre + "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n--- c\n+++ d\n@@ -0,0 +1 @@\n+z\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Preamble != pre {
		t.Errorf("Preamble = %q; want %q", p.Preamble, pre)
	}
	if len(p.Files) != 2 || p.Files[0].Old != "a" || p.Files[0].New != "b" || p.Files[1].Old != "c" {
		t.Errorf("Files = %+v", p.Files)
	}
}

func TestDiff(t *testing.T) {
	old := numbered(20)
	new := strings.Replace(strings.Replace(old, "2\n", "two\n", 1), "18\n", "", 1)
	want := `--- old
+++ new
@@ -1,5 +1,5 @@
 1
-2
+two
 3
 4
 5
@@ -15,6 +15,5 @@
 15
 16
 17
-18
 19
 20
`
	if got := string(Diff("old", "new", []byte(old), []byte(new))); got != want {
		t.Errorf("Diff =\n%s\nwant\n%s", got, want)
	}
	// Changes 7 lines apart share one hunk; 6 apart (3+3 context) too.
	new = strings.Replace(strings.Replace(old, "5\n", "V\n", 1), "12\n", "XII\n", 1)
	if got := string(Diff("a", "b", []byte(old), []byte(new))); strings.Count(got, "@@ -") != 1 {
		t.Errorf("changes 6 lines apart: want one hunk, got\n%s", got)
	}
	new = strings.Replace(strings.Replace(old, "5\n", "V\n", 1), "13\n", "XIII\n", 1)
	if got := string(Diff("a", "b", []byte(old), []byte(new))); strings.Count(got, "@@ -") != 2 {
		t.Errorf("changes 7 lines apart: want two hunks, got\n%s", got)
	}
	if d := Diff("a", "b", []byte(old), []byte(old)); d != nil {
		t.Errorf("Diff of equal texts = %q; want nil", d)
	}
}

// TestDiffApplyRoundTrip checks Apply(old, Diff(old, new)) == new on random
// edits of random texts, including texts without a last newline.
func TestDiffApplyRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a\n", "b\n", "c\n", "}\n", "\n", "x := 1\n"}
	text := func() []string {
		var lines []string
		for range rng.IntN(30) {
			lines = append(lines, words[rng.IntN(len(words))])
		}
		return lines
	}
	join := func(lines []string, lastNL bool) []byte {
		s := strings.Join(lines, "")
		if !lastNL {
			s = strings.TrimSuffix(s, "\n")
		}
		return []byte(s)
	}
	for i := range 2000 {
		a := text()
		b := append([]string(nil), a...)
		for range rng.IntN(5) {
			switch k := rng.IntN(3); {
			case k == 0 && len(b) > 0:
				j := rng.IntN(len(b))
				b = append(b[:j], b[j+1:]...)
			case k == 1:
				j := rng.IntN(len(b) + 1)
				b = append(b[:j], append([]string{words[rng.IntN(len(words))]}, b[j:]...)...)
			case len(b) > 0:
				b[rng.IntN(len(b))] = words[rng.IntN(len(words))]
			}
		}
		old, new := join(a, rng.IntN(4) > 0), join(b, rng.IntN(4) > 0)
		d := Diff("old", "new", old, new)
		if d == nil {
			if string(old) != string(new) {
				t.Fatalf("case %d: Diff(%q, %q) = nil", i, old, new)
			}
			continue
		}
		got, err := Apply(old, d)
		if err != nil || string(got) != string(new) {
			t.Fatalf("case %d: Apply(%q, Diff) = %q, %v; want %q\ndiff:\n%s", i, old, got, err, new, d)
		}
	}
}
