// Package mockllm is the offline stand-in for the paid LLM API: a real
// OpenAI-compatible HTTP server with a declared latency model, deterministic
// replies, fault injection and counters. Tests, `make bench` and load runs
// point the engine's real client at it instead of OpenRouter, so the code
// path under test is the production one and only the upstream is fake.
//
// # Running it
//
// From Go (tests, the harness):
//
//	srv := mockllm.New(mockllm.Config{Latency: mockllm.Latency{Tokens: 8}})
//	run, err := srv.Listen(ctx, "127.0.0.1:0")   // loopback only
//	// give run.BaseURL (http://127.0.0.1:PORT/v1) to the client as its base URL
//	defer run.Shutdown(context.Background())
//	... srv.Stats().ClientCancels ...
//
// From the shell:
//
//	hivebench mock-llm --addr 127.0.0.1:8766 --ttft 200ms --itl 20ms --tokens 120
//	export HIVE_LLM_BASE_URL=http://127.0.0.1:8766/v1     (printed on stdout)
//
// The base URL always ends in /v1, as OpenRouter's does
// (https://openrouter.ai/api/v1). Only /v1 paths are served: a client that
// drops the /v1 gets a 404 naming the right base URL, here as it would
// upstream, rather than passing against the mock and failing in production.
// Listen refuses any address that is not loopback (exit code 2).
//
// # Endpoints
//
//	POST /v1/chat/completions   "stream": true → SSE, else one JSON body
//	GET  /v1/models             the configured model list
//	GET  /mock/stats            the counters (Stats) as JSON
//
// A stream is exactly OpenAI's: `data: {chunk}\n\n` events of object
// "chat.completion.chunk" with id, created, model and choices[{index, delta,
// finish_reason}] — first a delta {role: "assistant", content: ""}, then one
// event per content token, then an empty delta with finish_reason "stop"
// ("length" when max_tokens / max_completion_tokens capped the reply), then,
// if stream_options.include_usage is true, a chunk with empty choices and
// usage {prompt_tokens, completion_tokens, total_tokens, cost} (the other
// chunks then carry "usage": null, as OpenAI's do), then `data: [DONE]\n\n`.
// A non-streamed reply is object "chat.completion" with
// choices[{index, message, finish_reason}] and usage. HTTP errors use
// OpenRouter's body {"error": {"code": <status>, "message", "type"}}.
//
// # Replies and the latency model
//
// A reply is a sequence of English words, one token each. Its words, its
// length and its timings are a pure function of Config.Seed and the request
// content (model name, roles and message texts): the same request to a
// server with the same seed gets the same answer, on any machine. TTFT,
// inter-token latency and reply length are each drawn uniformly from
// [mean−jitter, mean+jitter] (Latency.Plan is the pure function; a test
// checks its statistics, no test measures time). A paced reply (any latency
// above zero) sends its 200 and headers at once, waits TTFT, then writes and
// flushes each token after its gap; at zero latency the reply is written in
// large pieces and flushed once, which is what lets the mock sustain
// thousands of streamed completions per second on two cores.
//
// Prompt tokens are a whitespace word count of the message texts — the mock
// has no tokenizer and does not pretend to; the count is deterministic and
// grows with the prompt. Completion tokens are the content tokens sent.
// cost = prompt_tokens × Prices.Prompt + completion_tokens × Prices.Completion.
//
// # Faults by rate
//
// Each Faults field is a probability per request, drawn from the seed and
// the server's request sequence number (so a retried request rolls again):
// 429 with Retry-After, 500, a cut (the connection closes mid-reply: no
// [DONE], the client reads an unexpected EOF), a malformed chunk (truncated
// JSON, the stream then goes on), keep-alive comments (": OPENROUTER
// PROCESSING") before the first token and between tokens, and an error
// object inside the 200 stream after which the stream ends without [DONE]:
//
//	data: {…,"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}],"error":{"code":"server_error","message":"…"}}
//
// With faults.keepalive_interval above 0, a stream with keep-alive comments
// also sends one every interval while it waits (for its first token,
// between tokens), as OpenRouter does while a model thinks: the way to
// test a client against a long silence before the first token.
//
// A drawn stream fault strikes mid-way, after at least one token when the
// reply has two or more.
//
// # Scripted faults: the model name
//
// Tests drive exact paths through the model name. A name that starts with
// '@' carries a script; any other name is a plain model ID and is answered
// normally (so "openai/gpt-4o-mini" or "01-ai/yi-large" are never misread):
//
//	model     = "@" directive { "+" directive } "/" name  |  plain-model-id
//	directive = "fail-" status [ "x" n ] [ "-ra" seconds ]  fail with HTTP status (400..599): every
//	                                                        request, or only the first n for this
//	                                                        exact model string; -ra adds Retry-After
//	          | "cut-after-" n        close the connection after n content tokens, every time
//	          | "malformed-after-" n  send a malformed chunk after n tokens, then go on
//	          | "error-after-" n      send an error object after n tokens, then end (no [DONE])
//	          | "keepalive"           keep-alive comments before the first token and between tokens
//	          | "keepalive-" duration as keepalive, and one more every duration while waiting
//	                                  ("@ttft-90s+keepalive-10s/x": 90 s of comments, then the reply)
//	          | "ttft-" duration      fixed time to first token (Go duration: 200ms, 1.5s)
//	          | "itl-" duration       fixed inter-token latency
//	          | "tokens-" n           fixed reply length (n ≥ 1)
//	          | "no-usage"            never send usage, even when asked
//	          | "no-cost"             send usage without "cost" (as OpenAI does)
//	name      = any non-empty text (it may contain '/')
//
// Examples: "@fail-500x3/gen" fails its first 3 requests with 500, then
// answers; "@fail-429x1-ra1/gen" answers 429 with Retry-After: 1 once;
// "@fail-500/gen" always fails; "@cut-after-5/gen" cuts every stream after 5
// tokens; "@ttft-200ms+tokens-3/gen" is slow to start and short. A position
// past the end of the reply strikes just before the finish chunk, so
// "cut-after-5" cuts a 3-token reply too. Parsing is strict: an unknown or
// repeated directive, a bad number or a missing /name is a 400 whose message
// names the offending directive. The fail-…xN tallies are per full model
// string and live as long as the Server, so give each test case its own
// name ("@fail-500x3/case-17").
//
// Scripted and rate faults combine: a script's fault position wins over a
// drawn one of the same kind; scripted failures are checked before the
// rate-drawn 429 and 500.
//
// # Counters
//
// Stats (and GET /mock/stats) counts requests, answers by status, streams
// completed, cut and errored, malformed chunks and keep-alives, tokens, and
// client cancellations: requests whose client went away (context canceled
// or a write failed) before the last byte of the reply was written. That
// counter is how an engine test proves that a client disconnect aborted the
// upstream request: use a slow model ("@ttft-10s/x"), cancel the call, and
// wait for ClientCancels to grow. At zero latency a reply is usually written
// before a cancellation can be seen, so such tests must use a paced model.
//
// When the Server is used as a plain http.Handler (not through Listen), a
// cut panics with http.ErrAbortHandler, the net/http way to abort a
// response; net/http's server recovers it silently.
package mockllm
