package fakeserver

import (
	"context"
	"errors"
	"net"
	"sync"
)

// memHost is the host name of the in-memory network's one server. The
// .invalid top-level domain never resolves, so a client that is not wired to
// the in-memory network fails at once instead of reaching anything real.
const memHost = "fakeserver.invalid"

// memAddr is the address of the in-memory network's one server.
type memAddr struct{}

func (memAddr) Network() string { return "memory" }
func (memAddr) String() string  { return memHost + ":80" }

// memListener is a net.Listener whose connections are net.Pipe pairs made by
// dial. Nothing touches the operating system's network, so it works inside a
// testing/synctest bubble (where time is virtual) and at any scale the
// machine's memory allows.
type memListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newMemListener() *memListener {
	return &memListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

var errListenerClosed = errors.New("fakeserver: in-memory listener closed")

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return memAddr{} }

// dial hands one end of a new pipe to the server and returns the other. The
// network and address are ignored: there is only one server on this network.
func (l *memListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	var err error
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		err = errListenerClosed
	case <-ctx.Done():
		err = ctx.Err()
	}
	client.Close()
	server.Close()
	return nil, err
}
