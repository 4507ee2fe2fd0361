package proc

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"
)

// HaveNoLeftovers succeeds if a list of processes (from Leftovers) is
// empty. Its failure message says what each leftover is and what usually
// leaves it behind. Use it with Eventually, so processes that were just
// killed have the moment the kernel needs to end them:
//
//	Eventually(func() ([]proc.Process, error) { return proc.Leftovers(os.Getpid(), groups) }).
//	    Within(2 * time.Second).Should(proc.HaveNoLeftovers())
func HaveNoLeftovers() types.GomegaMatcher {
	return gcustom.MakeMatcher(func(ps []Process) (bool, error) { return len(ps) == 0, nil }).WithTemplate(
		"{{if .NegatedFailure}}Expected leftover processes, but there were none.{{else}}{{call .Data .Actual}}{{end}}",
		func(ps []Process) string { return leftoverMessage(ps) })
}

func leftoverMessage(ps []Process) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Expected no process of the pool to be left; %d are:\n", len(ps))
	var zombie, worker, grandchild bool
	for _, p := range ps {
		what := "still running"
		switch {
		case p.Zombie():
			what, zombie = "a zombie: it ended, but nobody waited for it", true
		case p.PGID == p.PID:
			what, worker = "a worker still running", true
		default:
			what, grandchild = "still running in a worker's process group (a grandchild)", true
		}
		fmt.Fprintf(&b, "  - %s: %s\n", p, what)
	}
	if zombie {
		b.WriteString("A zombie is a child that exited and was never reaped: call cmd.Wait() for every worker you\nstarted, even one you killed (Wait is what reaps it).\n")
	}
	if worker {
		b.WriteString("A worker still running was never told to stop: close its stdin (it exits when stdin ends),\nor kill it when the pool is cancelled or broken, then Wait for it.\n")
	}
	if grandchild {
		b.WriteString("A grandchild outlives a worker killed alone: start each worker in its own process group\n(SysProcAttr{Setpgid: true}) and kill the whole group: syscall.Kill(-pid, syscall.SIGKILL).\n")
	}
	b.WriteString("See your kata's README, \"Processes left behind\".")
	return b.String()
}
