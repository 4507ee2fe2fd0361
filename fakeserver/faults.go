package fakeserver

import (
	"fmt"
	"strings"
	"time"
)

// A FaultKind is one way the server can misbehave.
type FaultKind int

const (
	// StatusFault answers with Fault.Status (500 if unset) and a short body.
	StatusFault FaultKind = iota + 1
	// ResetFault closes the connection without answering: the client sees a
	// reset or an unexpected EOF.
	ResetFault
	// TruncateFault promises the whole page in Content-Length, sends half of
	// it and closes the connection.
	TruncateFault
	// SlowBodyFault sends the body in 16 chunks with Fault.Delay (default:
	// the server's latency) between them.
	SlowBodyFault
	// HangFault never answers: the request ends only when the client gives
	// up (its context is cancelled or its deadline passes) or the server is
	// closed.
	HangFault
)

func (k FaultKind) String() string {
	switch k {
	case StatusFault:
		return "status"
	case ResetFault:
		return "reset"
	case TruncateFault:
		return "truncate"
	case SlowBodyFault:
		return "slow body"
	case HangFault:
		return "hang"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// A Fault makes some requests misbehave. A fault matches a request when both
// of its filters match; the zero filters match everything. When several
// faults match one request, the first one given wins, so faults compose: a
// specific fault listed before a general one overrides it for its requests.
type Fault struct {
	Kind FaultKind

	// Path, if set, limits the fault to requests for this path (the query
	// string is ignored), such as SmallPath.
	Path string
	// Request, if positive, limits the fault to the Request-th request the
	// server receives, counting from 1 across all paths.
	Request int
	// Every, if positive, limits the fault to every Every-th request (the
	// Every-th, the 2×Every-th…), counting as Request does.
	Every int

	// Status is the code StatusFault answers with (default 500).
	Status int
	// Delay is the pause between chunks of a SlowBodyFault (default: the
	// server's latency).
	Delay time.Duration
}

// matches reports whether f applies to the seq-th request, for path.
func (f Fault) matches(seq int, path string) bool {
	if f.Path != "" && f.Path != path {
		return false
	}
	if f.Every > 0 && seq%f.Every != 0 {
		return false
	}
	return f.Request <= 0 || f.Request == seq
}

func (f Fault) String() string {
	var where []string
	if f.Path != "" {
		where = append(where, "path "+f.Path)
	}
	if f.Request > 0 {
		where = append(where, fmt.Sprintf("request #%d", f.Request))
	}
	if f.Every > 0 {
		where = append(where, fmt.Sprintf("every %d requests", f.Every))
	}
	if len(where) == 0 {
		where = append(where, "every request")
	}
	return fmt.Sprintf("%s fault on %s", f.Kind, strings.Join(where, ", "))
}
