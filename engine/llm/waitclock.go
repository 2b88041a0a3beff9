package llm

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// waitClock splits one HTTP round trip (Client.Do, up to the response
// headers) into the time spent waiting on upstream and the client's own
// time, from the transport's trace events:
//
//   - getting a connection (GetConn to GotConn: dialing, TLS, or waiting
//     for a connection to upstream) is upstream time;
//   - from the request written (WroteRequest, which the transport reports
//     just before its final flush to the socket, so the flush counts as
//     upstream) to the first byte of the answer read
//     (GotFirstResponseByte) is upstream time;
//   - the rest is the client's: handing the request to the transport's
//     writer goroutine and writing it, parsing the headers, handing the
//     response back to the caller, and each of those goroutines' waits
//     for a CPU. On a busy machine those waits are long, and they are
//     this process's, not upstream's.
//
// What it cannot separate: once the answer's first byte is in the socket,
// the reader goroutine may still wait for a CPU before it reads it; that
// wait stays in the upstream share (the kernel does not tell Go when the
// bytes arrived). So the split errs towards upstream, never the other way.
//
// The trace callbacks run on the transport's goroutines, possibly after
// Do has returned (a server may answer before the request is fully
// written), hence the atomics; a round trip whose events are missing or
// out of order counts whole as upstream, as before.
type waitClock struct {
	start time.Time
	// Offsets from start in nanoseconds; 0 means "not seen".
	getConn, gotConn, wrote, firstByte atomic.Int64
}

// trace returns ctx with the clock's trace hooks.
func (c *waitClock) trace(ctx context.Context) context.Context {
	at := func(v *atomic.Int64) {
		if !c.start.IsZero() {
			v.CompareAndSwap(0, max(1, int64(time.Since(c.start))))
		}
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:              func(string) { at(&c.getConn) },
		GotConn:              func(httptrace.GotConnInfo) { at(&c.gotConn) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { at(&c.wrote) },
		GotFirstResponseByte: func() { at(&c.firstByte) },
	})
}

// waited returns the upstream share of a round trip that took total.
func (c *waitClock) waited(total time.Duration) time.Duration {
	getConn, gotConn := c.getConn.Load(), c.gotConn.Load()
	wrote, first := c.wrote.Load(), c.firstByte.Load()
	if getConn == 0 || gotConn < getConn || wrote < gotConn || first < wrote || first > int64(total) {
		return total
	}
	return time.Duration((gotConn - getConn) + (first - wrote))
}
