package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkCacheHitHTTP is a repeated POST /v1/consensus answered from the
// engine's in-memory cache: HTTP, JSON in and out, auth and metrics
// middleware, the lookup, over a kept-alive loopback connection.
//
//	go test -tags sqlite_fts5 -run '^$' -bench HTTP -benchtime 2000x ./engine/server
func BenchmarkCacheHitHTTP(b *testing.B) {
	e := start(b, nil)
	body := []byte(`{"question": "How do B-trees stay balanced?"}`)
	post := func() *http.Response {
		resp, err := http.Post(e.url+"/v1/consensus", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	resp := post()
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(b, http.StatusOK, resp.StatusCode)
	sent := e.mock.Stats().Requests

	b.ReportAllocs()
	for b.Loop() {
		resp := post()
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
	b.StopTimer()
	require.Equal(b, sent, e.mock.Stats().Requests, "every iteration was a cache hit")
}

// BenchmarkConsensusHTTP is a full four-stage run through the server
// against the zero-latency mock, recorded in the store (no cache).
func BenchmarkConsensusHTTP(b *testing.B) {
	e := start(b, nil)
	body := []byte(`{"question": "How do B-trees stay balanced?", "no_cache": true}`)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Post(e.url+"/v1/consensus", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
}

// BenchmarkCacheHitHandler is BenchmarkCacheHitHTTP without the network:
// the root handler (auth, metrics middleware, routing, request decoding,
// the lookup, response encoding) called directly with one reused request
// and a writer that discards, so what it reports is the server's own CPU
// and allocations per hit.
//
//	go test -tags sqlite_fts5 -run '^$' -bench CacheHitHandler -benchmem ./engine/server
func BenchmarkCacheHitHandler(b *testing.B) {
	e := start(b, nil)
	body := []byte(`{"question": "How do B-trees stay balanced?", "profile": "plain"}`)
	req := httptest.NewRequest(http.MethodPost, "/v1/consensus", nil)
	// The guard learns the port when Serve starts (start runs it in a
	// goroutine), and refuses httptest's Host example.com.
	require.Equal(b, http.StatusOK, e.get(b, "/healthz").StatusCode)
	req.Host = e.hostPort()
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(body))
	w := &discardWriter{h: http.Header{}}
	serve := func() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		clear(w.h)
		w.code, w.n = 0, 0
		e.srv.Handler().ServeHTTP(w, req)
	}
	serve()
	require.Equal(b, http.StatusOK, w.code)
	sent := e.mock.Stats().Requests

	b.ReportAllocs()
	for b.Loop() {
		serve()
		if w.code != http.StatusOK {
			b.Fatal(w.code)
		}
	}
	b.StopTimer()
	require.Equal(b, sent, e.mock.Stats().Requests, "every iteration was a cache hit")
}

// discardWriter is an http.ResponseWriter that keeps the status and the
// byte count only.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}
