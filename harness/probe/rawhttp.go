package probe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// rawConn is a minimal HTTP/1.1 client on one kept-alive loopback
// connection, for timing requests whose server-side cost is a few tens of
// microseconds (consensus.cache_hit). net/http's client hands every request
// between three goroutines (the caller, the connection's writer and its
// reader); on a busy 2-core machine each handoff can wait for a CPU, and
// that is the harness's time, not the server's. Like wrk, rawConn writes a
// request built in advance and reads the answer on the calling goroutine:
// the status line, the headers it needs (Content-Length, Transfer-Encoding,
// Connection) and the whole body. It is still a real HTTP exchange with the
// real server, and the caller checks what came back.
type rawConn struct {
	host    string // host:port
	timeout time.Duration
	c       net.Conn
	br      *bufio.Reader
	body    []byte // the last answer's body, reused
}

// dialRaw connects to base (http://HOST:PORT). timeout bounds each
// roundTrip, as http.Client.Timeout does.
func dialRaw(ctx context.Context, base string, timeout time.Duration) (*rawConn, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("probe: raw HTTP client: base URL %q is not http://HOST:PORT", base)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("probe: raw HTTP client: %w", err)
	}
	return &rawConn{host: u.Host, timeout: timeout, c: c, br: bufio.NewReaderSize(c, 16<<10)}, nil
}

func (rc *rawConn) Close() error { return rc.c.Close() }

// request builds a complete HTTP/1.1 request to rc's host.
func (rc *rawConn) request(method, path, contentType string, body []byte) []byte {
	b := make([]byte, 0, 128+len(body))
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, rc.host...)
	b = append(b, "\r\nUser-Agent: hivebench\r\n"...)
	if body != nil {
		b = append(b, "Content-Type: "...)
		b = append(b, contentType...)
		b = append(b, "\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// roundTrip writes req and reads the response. It returns the time from
// just before the write to the last byte of the body (the deadline set up
// before is not in it). The body is valid until the next call. After an
// error, or an answer that said "Connection: close", the connection is
// closed and every later call fails.
func (rc *rawConn) roundTrip(ctx context.Context, req []byte) (status int, body []byte, elapsed time.Duration, err error) {
	// ctx's own deadline acts through AfterFunc, so that an exchange it
	// cut short reports ctx's error, not an i/o timeout.
	_ = rc.c.SetDeadline(time.Now().Add(rc.timeout))
	stop := context.AfterFunc(ctx, func() { _ = rc.c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	start := time.Now()
	if _, err := rc.c.Write(req); err != nil {
		rc.c.Close()
		return 0, nil, 0, rc.fail(ctx, err)
	}
	status, rc.body, err = readResponse(rc.br, rc.body[:0], maxAnswer)
	elapsed = time.Since(start)
	switch {
	case err == errCloseAfter:
		rc.c.Close() // the answer is whole; the next call fails
	case err != nil:
		rc.c.Close()
		return 0, nil, 0, rc.fail(ctx, err)
	}
	return status, rc.body, elapsed, nil
}

func (rc *rawConn) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return fmt.Errorf("raw HTTP client to %s: %w", rc.host, err)
}

// errCloseAfter is never returned by roundTrip; readResponse uses it to
// say the server will close the connection.
var errCloseAfter = errors.New("connection: close")

// errMalformed is wrapped by every complaint about the bytes a server sent.
var errMalformed = errors.New("malformed HTTP response")

// readResponse reads one HTTP/1.1 response from br and appends its body
// (de-chunked) to body. A body over max bytes is an error. The status must
// be 2xx to 5xx: a 1xx would be followed by a second response, which
// nothing the probes send asks for.
func readResponse(br *bufio.Reader, body []byte, max int) (int, []byte, error) {
	line, err := readLine(br)
	if err != nil {
		return 0, body, err
	}
	proto, rest, _ := bytes.Cut(line, []byte(" "))
	code, _, _ := bytes.Cut(rest, []byte(" "))
	status, cerr := strconv.Atoi(string(code))
	if !bytes.HasPrefix(proto, []byte("HTTP/1.")) || len(code) != 3 || cerr != nil || status < 200 || status > 599 {
		return 0, body, fmt.Errorf("%w: status line %q", errMalformed, clip(string(line), 80))
	}
	length, chunked, closeAfter := -1, false, bytes.Equal(proto, []byte("HTTP/1.0"))
	for {
		line, err := readLine(br)
		if err != nil {
			return 0, body, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, body, fmt.Errorf("%w: header line %q", errMalformed, clip(string(line), 80))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return 0, body, fmt.Errorf("%w: Content-Length %q", errMalformed, clip(string(value), 40))
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) {
				return 0, body, fmt.Errorf("%w: Transfer-Encoding %q is not supported", errMalformed, clip(string(value), 40))
			}
			chunked = true
		case bytes.EqualFold(name, []byte("Connection")):
			closeAfter = closeAfter || bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		body, err = readChunked(br, body, max)
	case length >= 0:
		if length > max {
			return 0, body, fmt.Errorf("answer of %d bytes is over the %d-byte limit", length, max)
		}
		body, err = readN(br, body, length)
	default:
		// No length: the body runs to the end of the connection.
		closeAfter = true
		body, err = readToEOF(br, body, max)
	}
	if err != nil {
		return 0, body, err
	}
	if closeAfter {
		return status, body, errCloseAfter
	}
	return status, body, nil
}

// readChunked reads a chunked body and its (ignored) trailers.
func readChunked(br *bufio.Reader, body []byte, max int) ([]byte, error) {
	for {
		line, err := readLine(br)
		if err != nil {
			return body, err
		}
		size, _, _ := bytes.Cut(line, []byte(";")) // chunk extensions
		n, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 31)
		if err != nil {
			return body, fmt.Errorf("%w: chunk size %q", errMalformed, clip(string(line), 40))
		}
		if n == 0 {
			break
		}
		if len(body)+int(n) > max {
			return body, fmt.Errorf("answer over the %d-byte limit", max)
		}
		if body, err = readN(br, body, int(n)); err != nil {
			return body, err
		}
		if crlf, err := readLine(br); err != nil || len(crlf) != 0 {
			return body, fmt.Errorf("%w: no CRLF after a chunk", errMalformed)
		}
	}
	for { // trailers end with an empty line
		line, err := readLine(br)
		if err != nil {
			return body, err
		}
		if len(line) == 0 {
			return body, nil
		}
	}
}

// readN appends exactly n bytes from br to body.
func readN(br *bufio.Reader, body []byte, n int) ([]byte, error) {
	start := len(body)
	body = slices.Grow(body, n)[:start+n]
	if _, err := io.ReadFull(br, body[start:]); err != nil {
		return body[:start], fmt.Errorf("reading the body: %w", err)
	}
	return body, nil
}

func readToEOF(br *bufio.Reader, body []byte, max int) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(br, int64(max)+1))
	if err != nil {
		return body, fmt.Errorf("reading the body: %w", err)
	}
	if n > int64(max) {
		return body, fmt.Errorf("answer over the %d-byte limit", max)
	}
	return append(body, buf.Bytes()...), nil
}

// readLine returns one CRLF- (or LF-) terminated line without its end; the
// slice is valid until the next read from br, whose size bounds a line.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("%w: a line over %d bytes", errMalformed, br.Size())
	case err == io.EOF && len(line) == 0:
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}
