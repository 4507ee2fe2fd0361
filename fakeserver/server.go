package fakeserver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// A Server is a running fake site. Make one with New (real TCP on loopback)
// or NewInMemory (net.Pipe connections, for virtual time); stop it with
// Close. All methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, with no trailing slash, such as
	// "http://127.0.0.1:41234" or "http://fakeserver.invalid".
	URL string

	http      *http.Server
	listener  net.Listener
	dialFunc  func(ctx context.Context, network, addr string) (net.Conn, error)
	dialAddr  string        // the only address dialFunc agrees to dial
	serveDone chan struct{} // closed when Serve has returned
	stopCtx   context.Context
	stop      context.CancelFunc
	closeOnce sync.Once

	mu       sync.Mutex
	cfg      config
	rng      *rand.Rand
	stats    Stats
	sessions map[string]bool
	active   int           // handlers running now
	drained  chan struct{} // made by Close, closed when active reaches 0
}

type connIDKey struct{}

// New starts a Server on 127.0.0.1 on a port chosen by the kernel. Like
// httptest.NewServer, it panics if it cannot listen: a test has nothing
// better to do with that error.
func New(opts ...Option) *Server {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeserver: cannot listen on loopback: %v", err))
	}
	addr := l.Addr().String()
	d := &net.Dialer{}
	s := newServer(l, "http://"+addr, opts)
	s.dialAddr = addr
	s.dialFunc = func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", addr)
	}
	s.start()
	return s
}

// NewInMemory starts a Server on an in-memory network: its connections are
// net.Pipe pairs and only clients made by Transport or Client reach it. Made
// inside a testing/synctest bubble, the server and its clients run on the
// bubble's virtual time.
func NewInMemory(opts ...Option) *Server {
	l := newMemListener()
	s := newServer(l, "http://"+memHost, opts)
	s.dialAddr = memHost + ":80"
	s.dialFunc = l.dial
	s.start()
	return s
}

func newServer(l net.Listener, url string, opts []Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		URL:       url,
		listener:  l,
		serveDone: make(chan struct{}),
		cfg:       cfg,
		rng:       rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)),
		sessions:  map[string]bool{},
	}
	s.stopCtx, s.stop = context.WithCancel(context.Background())
	s.stats.ByPath = map[string]int{}
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: time.Minute,
		BaseContext:       func(net.Listener) context.Context { return s.stopCtx },
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context {
			s.mu.Lock()
			s.stats.Connections++
			id := s.stats.Connections
			s.mu.Unlock()
			return context.WithValue(ctx, connIDKey{}, id)
		},
		ErrorLog: nil,
	}
	return s
}

func (s *Server) start() {
	go func() {
		defer close(s.serveDone)
		_ = s.http.Serve(s.listener) // returns http.ErrServerClosed after Close
	}()
}

// Transport returns a new HTTP transport that reaches this server and
// nothing else: dialling any other address fails with an error naming it.
// Each call returns a transport with its own pool of keep-alive connections;
// whoever makes one should call its CloseIdleConnections when done.
func (s *Server) Transport() *http.Transport {
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != s.dialAddr {
				return nil, fmt.Errorf("fakeserver: refusing to dial %s: the katas only reach the fake server at %s", addr, s.URL)
			}
			return s.dialFunc(ctx, network, addr)
		},
		Proxy:               nil, // never send loopback traffic to a proxy from the environment
		DisableCompression:  true,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     time.Minute,
	}
}

// Client returns a new http.Client on a new Transport. It is safe for
// concurrent use, as every http.Client is; call CloseIdleConnections on it
// when done.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.Transport()}
}

// Latency returns the server's base latency.
func (s *Server) Latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.latency
}

// AddFaults adds faults after those already set; they apply to requests
// that arrive from now on.
func (s *Server) AddFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.faults = append(s.cfg.faults, faults...)
}

// Stats returns a snapshot of what the server has seen.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats.clone()
	slices.SortFunc(st.Spans, func(a, b Span) int { return a.Seq - b.Seq })
	return st
}

// ResetStats forgets every request, connection and session seen so far.
// Requests in flight still finish and are recorded; the request count (and
// so Fault.Request) starts again from 1.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{ByPath: map[string]int{}, InFlight: s.stats.InFlight}
	s.sessions = map[string]bool{}
}

// Close stops the server. Requests in flight are ended at once (their
// clients see the connection close), open connections are closed, and Close
// returns when every goroutine the server started has finished. It never
// waits for a client. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.stop()           // ends every latency wait and hang
		_ = s.http.Close() // closes the listener and every connection
		<-s.serveDone
		s.mu.Lock()
		if s.active > 0 {
			s.drained = make(chan struct{})
		}
		drained := s.drained
		s.mu.Unlock()
		if drained != nil {
			<-drained
		}
	})
}

// begin records the start of a request and decides its latency and fault.
func (s *Server) begin(r *http.Request) (span Span, fault *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active++
	st := &s.stats
	st.Requests++
	st.InFlight++
	st.PeakInFlight = max(st.PeakInFlight, st.InFlight)
	st.ByPath[r.URL.Path]++
	sess := r.Header.Get(SessionHeader)
	if sess != "" && !s.sessions[sess] {
		s.sessions[sess] = true
		st.Sessions = append(st.Sessions, sess)
	}
	lat := s.cfg.latency
	if s.cfg.jitter > 0 {
		lat += time.Duration(s.rng.Int64N(int64(s.cfg.jitter)))
	}
	for i := range s.cfg.faults {
		if s.cfg.faults[i].matches(st.Requests, r.URL.Path) {
			f := s.cfg.faults[i]
			fault = &f
			break
		}
	}
	conn, _ := r.Context().Value(connIDKey{}).(int)
	span = Span{
		Seq:        st.Requests,
		Path:       r.URL.Path,
		RequestURI: r.RequestURI,
		Conn:       conn,
		Session:    sess,
		Worker:     r.Header.Get(WorkerHeader),
		Start:      time.Now(),
		Latency:    lat,
	}
	if fault != nil {
		span.Fault = fault.Kind
		if fault.Kind == SlowBodyFault && fault.Delay <= 0 {
			fault.Delay = s.cfg.latency
		}
	}
	return span, fault
}

// end records the end of a request.
func (s *Server) end(span Span) {
	span.End = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.InFlight--
	s.stats.Spans = append(s.stats.Spans, span)
}

// release notes that a handler has finished all it does, for Close.
func (s *Server) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.active == 0 && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

// ServeHTTP answers one request: wait for the latency, then send the page
// or misbehave as a fault says.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	span, fault := s.begin(r)
	// The span is recorded before the client can see the end of the
	// response: the last bytes of every answer stay in net/http's buffer
	// until this handler returns (see writeBody), and a hijacked connection
	// is closed only after the span is recorded. So a client that has read a
	// whole response, or seen the connection drop, finds its request in
	// Stats.
	var after func()
	defer func() {
		s.end(span)
		if after != nil {
			after()
		}
		s.release()
	}()

	ctx := r.Context()
	if !sleep(ctx, span.Latency) {
		abort(&span)
	}
	body, ok := Body(r.URL.Path)
	if !ok {
		span.Status = http.StatusNotFound
		http.Error(w, fmt.Sprintf("fakeserver: no page at %s (the pages are %s and %s)", r.URL.Path, BigPath, SmallPath), http.StatusNotFound)
		return
	}
	if fault == nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		span.Status = http.StatusOK
		n, err := writeBody(w, body)
		span.Bytes, span.Canceled = n, err != nil
		return
	}
	after = s.misbehave(ctx, w, fault, body, &span)
}

// writeBody writes body to w, all but its last byte at once (a body larger
// than net/http's buffer goes straight to the connection) and the last byte
// into the buffer, which net/http flushes only after the handler returns.
// So the client cannot have the whole body before the span is recorded.
func writeBody(w http.ResponseWriter, body []byte) (int, error) {
	if len(body) == 0 {
		return 0, nil
	}
	n, err := w.Write(body[:len(body)-1])
	if err != nil {
		return n, err
	}
	m, err := w.Write(body[len(body)-1:])
	return n + m, err
}

// abort marks span canceled and ends the handler without an answer: the
// client (if it is still there) sees the connection close, never a response.
// A handler that just returned would make net/http send an empty 200 OK, so
// that a client whose request was ended by Close would take it for the page.
// The deferred recording in ServeHTTP still runs.
func abort(span *Span) {
	span.Canceled = true
	panic(http.ErrAbortHandler) // net/http closes the connection and logs nothing
}

// sleep waits for d or until ctx is done, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
