package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Where the stubs come from. A learner's clone has the stubs committed; the
// learner's edits are uncommitted, or committed later by the learner. So the
// stub of a learner file is its version in the newest commit that changed
// it and was NOT authored by you (git config user.email). When every such
// commit is yours (you maintain the katas, or your email is the one the
// katas were committed with), it is the newest commit that changed it.

// stubSource is the stub of one learner file, as git has it.
type stubSource struct {
	Rel     string // path from the root, slash-separated
	Commit  string // the commit it comes from
	Content []byte
}

// git runs git in root and returns its trimmed stdout.
func git(root string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = root
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimRight(out.String(), "\n"), nil
}

// pickStubCommit chooses from `git log --format=%H %ae` lines (newest first)
// the newest commit not authored by me; if there is none, the newest.
func pickStubCommit(logLines []string, me string) string {
	me = strings.ToLower(strings.TrimSpace(me))
	first := ""
	for _, line := range logLines {
		hash, email, _ := strings.Cut(strings.TrimSpace(line), " ")
		if hash == "" {
			continue
		}
		if first == "" {
			first = hash
		}
		if me == "" || strings.ToLower(email) != me {
			return hash
		}
	}
	return first
}

// stubOf finds the stub of the file rel (see the comment at the top).
func stubOf(root, rel string) (stubSource, error) {
	me, _ := git(root, "config", "user.email") // unset: every commit counts
	log, err := git(root, "log", "--format=%H %ae", "--diff-filter=ACMRT", "--", rel)
	if err != nil {
		return stubSource{}, err
	}
	commit := pickStubCommit(strings.Split(log, "\n"), me)
	if commit == "" {
		return stubSource{}, fmt.Errorf("%s has no committed version in git: it is not one of the kata's stubs", rel)
	}
	content, err := gitShow(root, commit, rel)
	if err != nil {
		return stubSource{}, err
	}
	return stubSource{Rel: rel, Commit: commit, Content: content}, nil
}

func gitShow(root, commit, rel string) ([]byte, error) {
	cmd := exec.Command("git", "show", commit+":"+rel)
	cmd.Dir = root
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git show %s:%s: %s", commit[:min(len(commit), 12)], rel, strings.TrimSpace(errOut.String()))
	}
	return out, nil
}

// stubFileNames lists the learner files the kata's stub has: the non-test
// .go files of its folder in HEAD, and any the folder holds now.
func (k kata) stubFileNames(root string) ([]string, error) {
	names, _ := goFiles(k.path(root))
	out, err := git(root, "ls-tree", "--name-only", "HEAD", "katas/"+k.Dir+"/")
	if err != nil {
		return nil, err
	}
	for _, p := range strings.Split(out, "\n") {
		n := filepath.Base(p)
		if strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && !contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("katas/%s has no learner file", k.Dir)
	}
	return names, nil
}

// isPristine reports whether every learner file of k is byte-identical to
// its stub. Without git (or a stub) it says false, and the specs decide.
func (r *runner) isPristine(k kata) bool {
	names, err := k.stubFileNames(r.root)
	if err != nil {
		return false
	}
	for _, n := range names {
		rel := "katas/" + k.Dir + "/" + n
		stub, err := stubOf(r.root, rel)
		if err != nil {
			return false
		}
		mine, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(mine, stub.Content) {
			return false
		}
	}
	return true
}

// backupName is where a learner file goes before a reset:
// <kata>/.backup/<file>.<timestamp>, with -2, -3... if that exists already.
func backupName(kataDir, file string, now time.Time, exists func(string) bool) string {
	base := filepath.Join(kataDir, ".backup", file+"."+now.Format("20060102-150405"))
	p := base
	for i := 2; exists(p); i++ {
		p = fmt.Sprintf("%s-%d", base, i)
	}
	return p
}

// resetCmd restores kata N's learner files to their stubs, each changed file
// backed up first.
func (r *runner) resetCmd(args []string) error {
	katas, _, err := r.parse(nil, args, oneKata)
	if err != nil {
		return err
	}
	k := katas[0]
	names, err := k.stubFileNames(r.root)
	if err != nil {
		return fmt.Errorf("reset needs the katas' git history (the stubs come from it): %w", err)
	}
	now := time.Now()
	var stubs []stubSource
	for _, n := range names {
		stub, err := stubOf(r.root, "katas/"+k.Dir+"/"+n)
		if err != nil {
			// Your own extra file: left alone, but it may clash with the stub.
			fmt.Fprintf(r.stdout, "katas/%s/%s: not a stub file (no committed version); left as it is\n", k.Dir, n)
			continue
		}
		stubs = append(stubs, stub)
	}
	if len(stubs) == 0 {
		return fmt.Errorf("found no stub of kata %s in git", k.Dir)
	}
	changed := 0
	for _, stub := range stubs {
		path := filepath.Join(r.root, filepath.FromSlash(stub.Rel))
		mine, err := os.ReadFile(path)
		switch {
		case err == nil && bytes.Equal(mine, stub.Content):
			fmt.Fprintf(r.stdout, "%s: already the stub\n", stub.Rel)
			continue
		case err == nil:
			bak := backupName(k.path(r.root), filepath.Base(path), now, func(p string) bool { _, err := os.Stat(p); return err == nil })
			if err := os.MkdirAll(filepath.Dir(bak), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(bak, mine, 0o644); err != nil {
				return fmt.Errorf("backing up %s (nothing was changed): %w", stub.Rel, err)
			}
			fmt.Fprintf(r.stdout, "%s: your version is saved in %s\n", stub.Rel, relTo(r.root, bak))
		case errors.Is(err, os.ErrNotExist):
			// deleted: nothing to back up
		default:
			return err
		}
		if err := os.WriteFile(path, stub.Content, 0o644); err != nil {
			return err
		}
		changed++
		fmt.Fprintf(r.stdout, "%s: restored the stub (from commit %s)\n", stub.Rel, stub.Commit[:min(len(stub.Commit), 12)])
	}
	if changed == 0 {
		fmt.Fprintf(r.stdout, "kata %s is the stub already: nothing changed\n", k.Dir)
		return nil
	}
	fmt.Fprintf(r.stdout, "kata %s is back to its start; `make kata N=%d` runs its specs\n", k.Dir, k.Num)
	return nil
}
