// Package proc is the process half of the harness, for katas 09 and 10: the
// worker processes a process pool starts, the protocol it speaks with them,
// a scanner of /proc that finds processes left behind, and a reference pool.
//
// # Worker processes
//
// A worker is the test binary itself, started again. Command returns the
// command that starts one: the path of the running executable
// (os.Executable), an environment variable (EnvVar) that marks the process
// as a worker, and "kata-worker" as its argv[0], so `ps` shows which
// processes are workers. The kata's TestMain calls WorkerMain before
// m.Run: in a worker, WorkerMain runs the protocol until its stdin ends and
// exits; in the test process it returns at once. Main does both:
//
//	func TestMain(m *testing.M) { proc.Main(m) }
//
// # The protocol
//
// One JSON object per line (a Message). The worker's stdout carries the
// protocol and nothing else; whatever else it prints goes to its stderr,
// which the pool forwards. Exchanges:
//
//	worker -> pool   {"kind":"hello","pid":1234}                       once, at start
//	pool -> worker   {"kind":"init","name":"session","arg":"http://127.0.0.1:41234"}
//	worker -> pool   {"kind":"ready","pid":1234}                       or kind "error"
//	pool -> worker   {"kind":"task","index":7,"name":"sum-of-squares","arg":"30000000"}
//	worker -> pool   {"kind":"result","index":7,"pid":1234,"value":"..."}  or kind "error"
//
// The worker handles one message at a time, in order. When its stdin ends
// (the pool closed it) the worker closes its session and exits with status
// 0. Encoder and Decoder read and write these lines; a line that is not a
// Message is an error wrapping ErrProtocol that quotes it.
//
// # Tasks and initializers
//
// A worker runs tasks by name (see Tasks for the list): "sum-of-squares"
// (the CPU task), "download" (a GET with the process's Session), "whoami"
// (the worker's PID and its parent's), "echo-after" (an answer after a
// delay), "fail" (a task error), and faults: "crash" (the worker exits with
// status 3 mid-task), "garbage" (a line that is not JSON on stdout), "hang"
// (never answers), "spawn" (starts a grandchild process, then hangs) and
// "race" (a data race: the worker exits with status 66 when it ends).
// The one initializer, "session", makes the process's Session, named
// "p<PID>" (then "p<PID>.2", "p<PID>.3"… if it runs again in the same
// process), so the fake server tells processes apart.
//
// # Leftovers
//
// Scan reads /proc; Leftovers lists the processes a pool left behind:
// descendants of the test process (children, grandchildren, zombies not yet
// reaped) and live members of the workers' process groups. Zombies whose
// parent is PID 1 are not counted: init reaps them, the pool cannot.
package proc
