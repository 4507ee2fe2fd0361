package proc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// The kinds of Message.
const (
	KindHello  = "hello"  // worker -> pool, first line: PID
	KindInit   = "init"   // pool -> worker: run initializer Name with Arg
	KindReady  = "ready"  // worker -> pool: the initializer succeeded
	KindTask   = "task"   // pool -> worker: run task Name with Arg; Index comes back
	KindResult = "result" // worker -> pool: Value of task Index
	KindError  = "error"  // worker -> pool: the initializer or task Index failed: Error
)

// A Message is one line of the protocol (see the package doc).
type Message struct {
	Kind  string `json:"kind"`
	PID   int    `json:"pid,omitempty"`
	Index int    `json:"index"`
	Name  string `json:"name,omitempty"`
	Arg   string `json:"arg,omitempty"`
	Value string `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
	// Start and End are when the worker began and finished a task, in
	// nanoseconds of the machine's monotonic clock (CLOCK_MONOTONIC: one
	// clock for every process of the machine, which never jumps when the
	// wall clock is set), and CPU is the CPU time (user + system, in
	// nanoseconds) the worker process used meanwhile; on "result" and task
	// "error" messages.
	Start int64 `json:"start,omitempty"`
	End   int64 `json:"end,omitempty"`
	CPU   int64 `json:"cpu,omitempty"`
}

// A Task names what a worker runs and gives its argument, as text: between
// processes only bytes travel, so every argument and every result is
// serialised (here as a string in a JSON line).
type Task struct {
	Name string
	Arg  string
}

// String returns the task as name(arg), as errors should show it.
func (t Task) String() string { return fmt.Sprintf("%s(%s)", t.Name, t.Arg) }

// ErrProtocol is wrapped by Decoder.Receive when a line is not a Message: a
// worker wrote something else on its stdout.
var ErrProtocol = errors.New("proc: protocol error")

// An Encoder writes Messages, one JSON line each. It is safe for concurrent
// use (each Send writes one whole line).
type Encoder struct {
	mu sync.Mutex
	w  io.Writer
}

// NewEncoder returns an Encoder writing to w (a worker's stdin, usually).
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Send writes m as one line.
func (e *Encoder) Send(m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err = e.w.Write(append(b, '\n'))
	return err
}

// A Decoder reads Messages, one JSON line each. It is not safe for
// concurrent use: one goroutine reads a worker's stdout.
type Decoder struct{ r *bufio.Reader }

// NewDecoder returns a Decoder reading from r (a worker's stdout, usually).
func NewDecoder(r io.Reader) *Decoder { return &Decoder{r: bufio.NewReaderSize(r, 64<<10)} }

// Receive reads the next Message. At the end of the stream it returns
// io.EOF (io.ErrUnexpectedEOF if the stream ended in the middle of a line):
// the worker closed its stdout, usually because it exited. A line that is
// not a Message gives an error wrapping ErrProtocol that quotes the line.
func (d *Decoder) Receive() (Message, error) {
	line, err := d.r.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) && line != "" {
			return Message{}, io.ErrUnexpectedEOF
		}
		return Message{}, err
	}
	var m Message
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || !knownKind(m.Kind) {
		return Message{}, fmt.Errorf("%w: the worker wrote %q on stdout, which is not a protocol message (stdout carries the protocol only; prints belong on stderr)", ErrProtocol, quoteShort(line))
	}
	return m, nil
}

func knownKind(k string) bool {
	switch k {
	case KindHello, KindInit, KindReady, KindTask, KindResult, KindError:
		return true
	}
	return false
}

// quoteShort trims a line for an error message.
func quoteShort(s string) string {
	s = strings.TrimRight(s, "\n")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
