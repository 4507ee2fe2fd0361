// This is not a mutant: it lays harness/loop over the learner's file, to
// prove that the reference loop kata 06 uses passes kata 05's specs:
//
//	echo '{"Replace":{"'$PWD'/katas/05-event-loop/eventloop.go":"'$PWD'/katas/05-event-loop/testdata/harness-loop/eventloop.go"}}' > /tmp/ovloop.json
//	go test -race -overlay /tmp/ovloop.json ./katas/05-event-loop
package eventloop

import "github.com/concurrency-katas/go-katas/harness/loop"

type (
	Loop      = loop.Loop
	Task      = loop.Task
	Future    = loop.Future
	Awaitable = loop.Awaitable
)

var (
	ErrNotRunning = loop.ErrNotRunning
	ErrStopped    = loop.ErrStopped
	NewFuture     = loop.NewFuture
)
