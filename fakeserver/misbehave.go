package fakeserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
)

// misbehave answers a request the way fault says. It returns what must be
// done after the span is recorded (closing a hijacked connection), or nil.
func (s *Server) misbehave(ctx context.Context, w http.ResponseWriter, f *Fault, body []byte, span *Span) (after func()) {
	switch f.Kind {
	case StatusFault:
		code := f.Status
		if code == 0 {
			code = http.StatusInternalServerError
		}
		span.Status = code
		http.Error(w, fmt.Sprintf("fakeserver: %s (a fault set on purpose)", http.StatusText(code)), code)

	case ResetFault:
		conn := hijack(w)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST, not FIN: the client sees a reset
		}
		span.Canceled = true
		if conn != nil {
			return func() { conn.Close() }
		}

	case TruncateFault:
		conn := hijack(w)
		if conn == nil {
			return nil
		}
		half := body[:len(body)/2]
		header := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
		span.Status = http.StatusOK
		if _, err := conn.Write([]byte(header)); err == nil {
			n, _ := conn.Write(half)
			span.Bytes = n
		}
		span.Canceled = true
		return func() { conn.Close() }

	case SlowBodyFault:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		span.Status = http.StatusOK
		flusher, _ := w.(http.Flusher)
		const chunks = 16
		for i := range chunks {
			part := body[i*len(body)/chunks : (i+1)*len(body)/chunks]
			n, err := w.Write(part)
			span.Bytes += n
			if err != nil {
				abort(span)
			}
			if i == chunks-1 {
				break // the last chunk is flushed when the handler returns: see writeBody
			}
			if flusher != nil {
				flusher.Flush()
			}
			if !sleep(ctx, f.Delay) {
				abort(span)
			}
		}

	case HangFault:
		<-ctx.Done()
		abort(span)
	}
	return nil
}

// hijack takes the connection over from net/http, or returns nil if it
// cannot (the response then just ends).
func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return nil
	}
	return conn
}
