package probe

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		status     int
		body       string
		closeAfter bool
		err        string
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello", 200, "hello", false, ""},
		{"header case and spaces", "HTTP/1.1 200 OK\r\ncontent-length:   3  \r\n\r\nabc", 200, "abc", false, ""},
		{"bare LF line ends", "HTTP/1.1 201 Created\nContent-Length: 2\n\nok", 201, "ok", false, ""},
		{"empty body", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 204, "", false, ""},
		{"chunked with extension and trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n", 200, "abc0123456789", false, ""},
		{"error status is an answer", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 2\r\n\r\n{}", 502, "{}", false, ""},
		{"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 200, "x", true, ""},
		{"HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, "x", true, ""},
		{"no length reads to EOF", "HTTP/1.1 200 OK\r\n\r\nuntil the end", 200, "until the end", true, ""},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", 0, "", false, "status line"},
		{"1xx", "HTTP/1.1 100 Continue\r\n\r\n", 0, "", false, "status line"},
		{"status not a number", "HTTP/1.1 2x0 OK\r\n\r\n", 0, "", false, "status line"},
		{"header without colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", 0, "", false, "header line"},
		{"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "", false, "Content-Length"},
		{"body over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, "", false, "limit"},
		{"chunked over the limit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n", 0, "", false, "limit"},
		{"gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, "", false, "not supported"},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, "", false, "chunk size"},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n", 0, "", false, "CRLF"},
		{"cut in the body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, "", false, "unexpected EOF"},
		{"cut in the headers", "HTTP/1.1 200 OK\r\nContent-Le", 0, "", false, "EOF"},
		{"nothing", "", 0, "", false, "unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, err := readResponse(bufio.NewReader(strings.NewReader(tc.in)), nil, 64)
			if tc.err != "" {
				require.Error(t, err)
				assert.NotEqual(t, errCloseAfter, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			if tc.closeAfter {
				assert.Equal(t, errCloseAfter, err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.body, string(body))
		})
	}
}

// FuzzReadResponse: whatever a broken server sends, the probe gets an
// error or a body within the limit, never a panic.
//
//	go test -run '^$' -fuzz FuzzReadResponse -fuzztime 30s ./harness/probe
func FuzzReadResponse(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
	f.Add("HTTP/1.0 500 x\r\n\r\nbody")
	f.Fuzz(func(t *testing.T, in string) {
		_, body, err := readResponse(bufio.NewReader(strings.NewReader(in)), nil, 128)
		if err == nil || err == errCloseAfter {
			assert.LessOrEqual(t, len(body), 128)
		}
	})
}

// rawConn against a real net/http server: answers of every framing on one
// kept-alive connection, and a canceled context ends a request at once.
func TestRawConnAgainstNetHTTP(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			w.Write([]byte(r.Method + " " + r.Header.Get("Content-Type")))
		case "/chunked":
			for range 3 {
				w.Write([]byte(strings.Repeat("x", 3000)))
				w.(http.Flusher).Flush()
			}
		case "/echo":
			b := make([]byte, r.ContentLength)
			_, _ = r.Body.Read(b)
			w.WriteHeader(http.StatusTeapot)
			w.Write(b)
		case "/slow":
			<-r.Context().Done()
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	rc, err := dialRaw(t.Context(), srv.URL, 10*time.Second)
	require.NoError(t, err)
	defer rc.Close()
	for _, tc := range []struct {
		req    []byte
		status int
		body   string
	}{
		{rc.request("GET", "/small", "", nil), 200, "GET "},
		{rc.request("POST", "/echo", "application/json", []byte(`{"q":1}`)), 418, `{"q":1}`},
		{rc.request("GET", "/chunked", "", nil), 200, strings.Repeat("x", 9000)},
		{rc.request("POST", "/small", "application/json", []byte(`{}`)), 200, "POST application/json"},
	} {
		status, body, elapsed, err := rc.roundTrip(t.Context(), tc.req)
		require.NoError(t, err)
		assert.Positive(t, elapsed)
		assert.Equal(t, tc.status, status)
		assert.Equal(t, tc.body, string(body))
	}
	assert.Equal(t, int64(1), conns.Load(), "one kept-alive connection for every request")

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, _, err = rc.roundTrip(ctx, rc.request("GET", "/slow", "", nil))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, _, _, err = rc.roundTrip(t.Context(), rc.request("GET", "/small", "", nil))
	assert.Error(t, err, "a connection that failed is not reused")
}
