package mockllm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/hiveperf/hive/harness/mockllm"
)

// A test starts the mock on a free loopback port, points its client at
// BaseURL, and reads the counters afterwards.
func ExampleServer_Listen() {
	srv := mockllm.New(mockllm.Config{Latency: mockllm.Latency{Tokens: 8}})
	run, err := srv.Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		panic(err)
	}

	for _, model := range []string{"@fail-429x1-ra1/example", "@fail-429x1-ra1/example"} {
		resp, err := http.Post(run.BaseURL+"/chat/completions", "application/json",
			strings.NewReader(`{"model":"`+model+`","messages":[{"role":"user","content":"Hello there"}]}`))
		if err != nil {
			panic(err)
		}
		var reply struct {
			Usage struct {
				PromptTokens     int `json:"prompt_tokens"`
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&reply)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), reply.Usage.PromptTokens, reply.Usage.CompletionTokens)
	}
	// Shutdown waits for handlers to finish, so every count is final: a
	// handler counts a completed reply after its last write, which the
	// client may already have read.
	_ = run.Shutdown(context.Background())
	st := srv.Stats()
	fmt.Println(st.Requests, st.ByStatus[429], st.RepliesCompleted)
	// Output:
	// 429 1 0 0
	// 200  2 8
	// 2 1 1
}
