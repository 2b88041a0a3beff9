package server_test

import (
	"bytes"
	"io"
	"net/http"
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
