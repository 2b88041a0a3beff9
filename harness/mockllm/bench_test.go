package mockllm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

var doneSuffix = []byte("data: [DONE]\n\n")

// BenchmarkStreamLoopback is the load-run path: streamed completions at
// zero latency over real loopback TCP through net/http's client, client
// costs included (allocs/op counts both sides). completions/s is the figure
// to hold against the engine's target of 2,000/s on two cores.
func BenchmarkStreamLoopback(b *testing.B) {
	for _, tokens := range []int{16, 120} {
		b.Run(fmt.Sprintf("tokens=%d", tokens), func(b *testing.B) {
			srv, run := startServer(b, Config{Latency: Latency{Tokens: tokens}})
			body, err := json.Marshal(chatReq("mock/bench", true, true))
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			defer client.CloseIdleConnections()
			url := run.BaseURL + "/chat/completions"
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var out bytes.Buffer
				for pb.Next() {
					resp, err := client.Post(url, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					out.Reset()
					_, err = out.ReadFrom(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK || !bytes.HasSuffix(out.Bytes(), doneSuffix) {
						b.Errorf("status %d, err %v, body ends %q", resp.StatusCode, err, out.Bytes()[max(0, out.Len()-20):])
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "completions/s")
			if got := srv.Stats().StreamsCompleted; got != int64(b.N) {
				b.Errorf("server completed %d streams, want %d", got, b.N)
			}
		})
	}
}

// BenchmarkHandler is the server's own cost per streamed completion: the
// handler driven directly with httptest (NewRequest and NewRecorder cost a
// handful of the allocs reported; the rest is JSON decoding of the request).
func BenchmarkHandler(b *testing.B) {
	for _, tokens := range []int{16, 120} {
		b.Run(fmt.Sprintf("tokens=%d", tokens), func(b *testing.B) {
			srv := New(Config{Latency: Latency{Tokens: tokens}})
			body, err := json.Marshal(chatReq("mock/bench", true, true))
			if err != nil {
				b.Fatal(err)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body)))
			if !bytes.HasSuffix(rec.Body.Bytes(), doneSuffix) {
				b.Fatalf("stream did not complete: %q", rec.Body.String())
			}
			b.SetBytes(int64(rec.Body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body)))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkPlan is the latency model alone: it runs on every request.
func BenchmarkPlan(b *testing.B) {
	l := DefaultConfig().Latency
	var sink int
	for i := 0; b.Loop(); i++ {
		s := l.Plan(uint64(i))
		sink += s.Tokens + int(s.ITL(3))
	}
	_ = sink
}
