package load

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
)

// Error classes: how a failed request is counted. An HTTP error status is
// its own class ("http_502"), so a report separates "the server answered
// no" from "the server did not answer".
const (
	ClassTimeout         = "timeout"            // no complete answer within the scenario's timeout
	ClassRefused         = "connection_refused" // nothing listening on the port
	ClassReset           = "connection_reset"   // the peer reset the connection
	ClassEOF             = "connection_closed"  // the connection closed before a complete answer
	ClassBadResponse     = "bad_response"       // 200 but the body is not the JSON the endpoint promises
	ClassCacheMiss       = "cache_miss"         // a cache_hit request answered with "cached": false
	ClassRunStatus       = "run_not_ok"         // 200 with a run "status" other than "ok" (e.g. budget)
	ClassNoConversation  = "no_conversation_id" // conversation_read with no conversation created yet
	ClassOther           = "other"              // anything else; the report keeps an example message
	classInterrupted     = "interrupted"        // canceled by the end of the run: not an error, counted apart
	classPrefixHTTP      = "http_"
	maxExampleMessageLen = 300
)

func httpClass(status int) string { return classPrefixHTTP + strconv.Itoa(status) }

// classify maps a transport error to its class. reqCtx is the request's own
// context (timeout) and stopCtx the run's hard stop: a request cut by the
// end of the run is "interrupted", not an error of the server.
func classify(err error, reqCtx, stopCtx context.Context) string {
	switch {
	case stopCtx.Err() != nil:
		return classInterrupted
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(reqCtx.Err(), context.DeadlineExceeded):
		return ClassTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return ClassReset
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return ClassEOF
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ClassTimeout
	}
	return ClassOther
}
