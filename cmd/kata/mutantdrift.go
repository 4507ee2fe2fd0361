package main

import (
	"go/scanner"
	"go/token"
	"strings"

	"github.com/concurrency-katas/go-katas/internal/patch"
)

// dropCommentDrift returns mutant with each change from solution that
// touches only comments and blank lines put back as the solution has it, and
// the number of lines put back. Such a change is drift: the solution's
// comments were reworded after the mutant was copied from it. A change that
// also touches code is kept whole, with its comments: a mutant's note on its
// own bug sits there.
func dropCommentDrift(solution, mutant []byte) ([]byte, int) {
	sol, mut := patch.SplitLines(solution), patch.SplitLines(mutant)
	var out strings.Builder
	dropped := 0
	at := 0 // mut[:at] is written
	for _, c := range patch.Changes(sol, mut) {
		if !sameCode(sol[c.OldFrom:c.OldTo], mut[c.NewFrom:c.NewTo]) {
			continue
		}
		out.WriteString(strings.Join(mut[at:c.NewFrom], ""))
		out.WriteString(strings.Join(sol[c.OldFrom:c.OldTo], ""))
		at = c.NewTo
		dropped += (c.OldTo - c.OldFrom) + (c.NewTo - c.NewFrom)
	}
	out.WriteString(strings.Join(mut[at:], ""))
	return []byte(out.String()), dropped
}

// sameCode reports whether two runs of Go lines hold the same tokens once
// comments are left out. Lines that do not scan cleanly (the inside of a
// raw string, half a block comment) count as code that differs.
func sameCode(a, b []string) bool {
	ta, oka := codeTokens(strings.Join(a, ""))
	tb, okb := codeTokens(strings.Join(b, ""))
	if !oka || !okb || len(ta) != len(tb) {
		return false
	}
	for i := range ta {
		if ta[i] != tb[i] {
			return false
		}
	}
	return true
}

func codeTokens(src string) ([]string, bool) {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	ok := true
	var s scanner.Scanner
	s.Init(f, []byte(src), func(token.Position, string) { ok = false }, 0)
	var toks []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON {
			lit = ";" // an automatic one ("\n") and a written one are the same
		}
		toks = append(toks, tok.String()+" "+lit)
	}
	return toks, ok
}
