// Package loop is a reference cooperative event loop: the loop kata 05 asks
// you to build, ready-made for kata 06 (and later katas) to use. Finish kata
// 05 before reading it: it is that kata's answer, plus RunInExecutor.
//
// A Loop runs tasks, one at a time, on the goroutine that calls Run. A task
// is a function that receives a *Task handle; it runs until it gives control
// back to the loop through one of its handle's methods:
//
//   - Yield: "I can go on, but let the others run first" (asyncio.sleep(0));
//   - Sleep(d): "wake me in d" (asyncio.sleep(d));
//   - Await(a): "wake me when a is done" (await future).
//
// The loop keeps a ready list (first in, first out: the task that has waited
// longest runs next) and a waiting list (sleepers by deadline, and tasks
// awaiting something). When no task is ready it blocks until the next
// deadline, a wake-up or the end of its context; it never spins.
//
// Each task is a coroutine made with iter.Pull: switching between the loop
// and a task is a direct hand-off, so exactly one task body runs at any
// moment, and tasks may share plain variables (and one web.Session)
// without locks: the race detector sees every hand-off as synchronisation.
//
// # Who may call what
//
// Spawn and Run belong to the goroutine that owns the loop; task bodies run
// on the loop, so they may call Spawn too. A *Task's methods may be called
// only by that task's own body, while it runs. A Future may be resolved from
// any goroutine: that is how work done elsewhere (a network request, an
// executor) wakes a task on the loop.
package loop
