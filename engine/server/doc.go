// Package server is hive's HTTP API (`hive serve`, default 127.0.0.1:8765):
//
//	POST /v1/consensus            run a question through a profile; JSON, or SSE with "stream": true
//	POST /v1/chat/completions     OpenAI-compatible; model "hive/<profile>" (or "hive" for the default)
//	GET  /v1/models               the profiles as OpenAI models
//	GET  /v1/conversations/{id}   a recorded run with its per-stage messages
//	GET  /healthz                 200 {"status":"ok"} once the store is open and the server accepts; 503 while shutting down
//	GET  /metrics                 Prometheus: the engine's hive_consensus_*, hive_http_*, Go and process collectors
//	     /debug/pprof/            net/http/pprof, mounted on this server's mux (not DefaultServeMux)
//	     /debug/fgprof            wall-clock profile (felixge/fgprof), ?seconds=N
//
// # POST /v1/consensus
//
// Request: {"question": "...", "context": "...", "profile": "balanced",
// "stream": false, "no_cache": false, "max_cost": 0.05}. Response: the
// consensus.ResultJSON of the run (conversation_id, final, stages with
// model/content/tokens/cost/ttft_ms/latency_ms/upstream_ms/status, totals, overhead_ms,
// cached, recorded, and record_error when recorded is false). Status codes: 200 for a finished run (also a budget stop:
// "status": "budget"), 400 for bad input (empty question, unknown profile,
// unknown JSON field, negative max_cost), 413 for a body over the cap
// (default 1 MiB), 502 {"error", "result"} when a stage failed upstream,
// 503 when the run was canceled by shutdown.
//
// With "stream": true the answer is Server-Sent Events, one JSON object per
// event: stage_started {index, stage, model}, token {index, stage, delta},
// stage_completed {index, stage, record}, then done {result} or error
// {error, result}. Bad input is still answered with a plain 400 before the
// stream starts. While nothing else is sent (a stage waiting for its first
// token, the answer waiting for its record) a comment ": hive processing"
// goes out every StreamKeepAlive (default 15 s), so proxies and clients do
// not give up on a silent connection. When the client disconnects, or a
// write to it fails (it stopped reading for StreamWriteWindow, default
// 1 min), the run's context is canceled, which aborts the upstream request
// in flight; the run is recorded as "canceled".
//
// # Records
//
// Every answer says whether its run is in the store: "recorded" (and, in
// the chat surface's "hive" object, the same field). The answer waits for
// the run's conversation id up to the engine's record timeout (30 s, three
// times SQLite's busy timeout), so a database locked for a while by
// another process delays the answer rather than losing its record; past
// it, the answer carries "recorded": false and "record_error", and
// hive_consensus_runs_unrecorded_total counts it. Streamed, the wait comes
// before the done event (or the final chunk), with keep-alive comments.
//
// The answer is sent before the run's outcome is committed to the store
// (consensus.Request.DeferRecord); GET /v1/conversations/{id} waits for it,
// so a read right after the answer sees the whole run, and shutdown writes
// what is still queued before the store closes.
//
// # POST /v1/chat/completions
//
// The last user message is the question; the messages before it become the
// run's context as "role: content" lines. The assistant message is the last
// stage's answer; usage sums every stage (plus "cost" in USD), and a "hive"
// object carries conversation_id, status, cached, overhead_ms, recorded and
// record_error (when recorded is false). Streamed,
// the earlier stages appear only as SSE comments (": hive stage refiner
// started"), which keep proxies from timing out; the last stage's tokens are
// chat.completion.chunk deltas, the final chunk has finish_reason and usage,
// and the stream ends with "data: [DONE]". A run that fails mid-stream sends
// an {"error": {...}} object and ends without [DONE]. finish_reason is
// "length" when max_cost stopped the pipeline early. Two extension fields
// are accepted beside the OpenAI ones: max_cost and no_cache, as in
// POST /v1/consensus.
//
// # Authentication
//
// With HIVE_API_TOKEN set, every endpoint except /healthz requires
// "Authorization: Bearer <token>" (401 otherwise). New refuses a config
// whose address is not loopback (127.0.0.0/8, ::1, localhost) and has no
// token: pprof and the API must not be open to the network.
//
// # Timeouts and shutdown
//
// ReadHeaderTimeout 10 s, ReadTimeout 30 s (bodies are small), IdleTimeout
// 120 s. The server-wide WriteTimeout (2 min) would cut a long run, so the
// run handlers replace it per request with http.ResponseController: a
// non-streamed run gets RunTimeout plus a margin; an SSE stream moves its
// write deadline StreamWriteWindow ahead before each write (keep-alive
// comments included), so a stream may last as long as the run (bounded by
// RunTimeout, default 10 min) while a client that stops reading is still
// dropped. The run handlers also lift the read deadline
// once the body is read: net/http cancels a request's context when
// ReadTimeout expires mid-handler, which would kill every run longer than
// 30 s. Serve returns when its context is canceled,
// after letting in-flight runs finish for ShutdownGrace (default 10 s) and
// then canceling the rest (they are recorded as "canceled"). It returns only
// once no handler is left: it waits DrainTimeout (default 45 s, longer than
// a record's wait for a locked database) for the canceled ones, then closes
// the connections (unblocking writes to clients that stopped reading) and
// waits again, so its caller can close the engine and then the store with
// no run left to write to them.
package server
