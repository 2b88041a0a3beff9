// Package llm is the engine's client for OpenAI-compatible chat completion
// endpoints: POST {base}/chat/completions, always streamed over SSE. The
// default base is OpenRouter (https://openrouter.ai/api/v1); any other base
// URL works the same, so Ollama (http://127.0.0.1:11434/v1), vLLM, llama.cpp's
// server or the harness's mock LLM can stand in for it.
//
// # Using it
//
//	cfg := llm.ConfigFromEnv(env.Getenv) // HIVE_LLM_BASE_URL, HIVE_LLM_API_KEY or OPENROUTER_API_KEY
//	if *baseURL != "" {                  // a flag beats the environment
//		cfg.BaseURL = *baseURL
//	}
//	if err := cfg.Check(); err != nil {  // llm.ErrNoEndpoint: one line, print it as is
//		return exitcode.With(exitcode.Usage, err)
//	}
//	client := llm.New(cfg.Options()...)  // make one, share it: it owns no connections itself
//	resp, err := client.Chat(ctx, llm.Request{
//		Model:     "openai/gpt-4o-mini",
//		Fallbacks: []string{"meta-llama/llama-3.3-70b-instruct"},
//		Messages:  []llm.Message{{Role: "user", Content: "..."}},
//	}, func(delta string) { fmt.Fprint(w, delta) }) // nil if you only want the result
//
// resp is non-nil whenever a request was made, also on error, so Attempts,
// Latency and Upstream can always be recorded.
//
// # What it guarantees
//
//   - Retries happen only before the first content delta has arrived:
//     connection errors, 408, 429 and 5xx answers, error objects inside a
//     200 stream, streams that end early, and the TTFT and idle timeouts.
//     The wait is exponential backoff with jitter (WithRetry), or the
//     server's Retry-After (seconds or an HTTP date, capped at MaxRetryAfter).
//   - When a model's retries are spent, or it answered another 4xx (bad
//     request, model not found) or a malformed stream, the next model of
//     Request.Fallbacks is tried. A 401 ends the call: the key is wrong for
//     every model. If every model fails, the error is a *FallbackError
//     holding each one's error.
//   - Once content has arrived nothing is retried, because the caller has
//     seen it: a broken stream returns the partial Response (Content is what
//     arrived) and a *StreamError.
//   - Cancelling ctx aborts the upstream request at once (the server sees its
//     request context end) and nothing is retried.
//   - An answer's content is capped (WithMaxAnswerBytes, default 1 MiB): past
//     the cap the call fails with ErrAnswerTooLarge naming the cap, the
//     upstream request is aborted, and nothing is retried.
//   - Usage comes from upstream only (the request asks for it with
//     stream_options.include_usage; OpenRouter adds cost). Tokens are never
//     estimated from text: if upstream reports none, Usage.Reported is false.
//
// Errors carry what is needed to act: *APIError (status, code, message,
// Retry-After), *StreamError, *FallbackError, and the sentinels
// ErrNoEndpoint, ErrTTFTTimeout, ErrIdleTimeout, ErrAttemptTimeout,
// ErrIncompleteStream, ErrMalformedChunk, ErrNotAStream and ErrAnswerTooLarge
// for errors.Is.
//
// # Timing
//
// Response.TTFT runs from the start of the successful attempt to its first
// content delta. Response.Latency runs from the Chat call to the end of the
// stream. Response.Upstream is the time spent blocked on upstream: getting
// a connection (dial, TLS), the wait from the request's last byte written to
// the answer's first byte read (from the transport's trace events, see
// waitClock), the time blocked inside reads of the response body, and
// backoff waits. Everything else (encoding, handing the request to the
// transport's goroutines and writing it, parsing headers, SSE and JSON, the
// onToken callback, and each of those goroutines' waits for a CPU) is the
// engine's own time, so engine overhead = Latency − Upstream is honest:
// neither parsing nor this process's queueing is hidden inside "upstream"
// just because it happens while the request is open. (One wait cannot be
// separated and stays in Upstream: a reader goroutine's wait for a CPU
// after its bytes have arrived.)
//
// # Timeouts
//
// Three per-attempt limits, each 0 to disable: WithAttemptTimeout (whole
// attempt), WithTTFTTimeout (until the first content delta; keep-alive
// comments and role-only chunks do not count) and WithIdleTimeout (silence
// between two reads once headers arrived; keep-alive comments do count, and
// so does time the onToken callback takes).
//
// # Why net/http and hand-written parsers
//
// The client uses net/http directly, not an SDK: the SSE edge cases real
// servers produce (": OPENROUTER PROCESSING" comments, events split across
// reads, CRLF or CR line endings, multi-line data fields, errors inside a 200
// stream) and the timing above both need control over the byte stream.
// SSEReader is a small bufio.Scanner-like parser of the event-stream format,
// and chunks are decoded by a purpose-built JSON scanner that reads only the
// fields the client uses: encoding/json costs about seven times as much per
// chunk (see BenchmarkChunkDecode), and a long answer has hundreds of chunks.
// Both are fuzzed (FuzzSSE, FuzzChunk, the latter against encoding/json as an
// oracle). Parsing a stream allocates nothing but the strings handed to
// onToken; buffers are pooled across calls.
//
// All clients share one http.Transport (SharedTransport) with keep-alive
// pooling sized for 100+ concurrent runs against one host and HTTP/2 where
// the server offers it; a finished stream's connection is drained in the
// background so it can be reused.
//
// # Tests
//
//	go test -tags sqlite_fts5 ./engine/llm/
//	go test -tags sqlite_fts5 -run '^$' -bench . -benchtime=200ms ./engine/llm/
//	go test -tags sqlite_fts5 -run '^$' -fuzz '^FuzzSSE$' -fuzztime 1m ./engine/llm/
//	go test -tags sqlite_fts5 -run '^$' -fuzz '^FuzzParseRetryAfter$' -fuzztime 1m -parallel 1 ./engine/llm/
//
// The tests talk real HTTP to scripted servers on 127.0.0.1 (upstream_test.go)
// whose handlers write exact bytes; retries are observed through a recording
// sleeper, never by timing.
package llm
