// Package server is hive's HTTP API (`hive serve`, default 127.0.0.1:8765):
//
//	POST /v1/consensus            run a question through a profile; JSON, or SSE with "stream": true
//	POST /v1/chat/completions     OpenAI-compatible; model "hive/<profile>" (or "hive" for the default)
//	GET  /v1/models               the profiles as OpenAI models: id hive/<profile>, object, created, owned_by "hive", description
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
// cached, recorded, and record_error when recorded is false; each stage's
// finish_reason when upstream gave one). Status codes: 200 for a finished run (also a budget stop:
// "status": "budget"), 400 for bad input (empty question, unknown profile,
// unknown JSON field, negative max_cost), 413 for a body over the cap
// (default 1 MiB), 502 when a stage failed upstream (the error object
// with the partial run beside it: {"error": {...}, "result": {...}}),
// 503 when the run was canceled by shutdown, 504 past the run timeout;
// 403, 415 and 429 are the refusals described under Host, Origin and
// Content-Type, and Limits. Every error is in the envelope described under
// Errors.
//
// With "stream": true the answer is Server-Sent Events, one JSON object per
// event: stage_started {index, stage, model}, token {index, stage, delta},
// stage_completed {index, stage, record}, then done {result} or error
// {error: {message, type, param, code}, result}. Bad input is still answered with a plain 400 before the
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
// the run's record, its outcome and every stage's message committed, up to
// the engine's record timeout (30 s, three times SQLite's busy timeout), so
// a database locked for a while by another process delays the answer
// rather than losing its record; past it, the answer carries "recorded":
// false and "record_error", and hive_consensus_runs_unrecorded_total
// counts it. Streamed, the wait comes before the done event (or the final
// chunk), with keep-alive comments. An answer with "recorded": true is a
// run the database holds even if hive serve is killed the next moment.
//
// # POST /v1/chat/completions
//
// model is "hive/<profile>" (a profile of GET /v1/models), or "hive" for
// the default profile; any other is 404 with code "model_not_found" and
// param "model", naming the models there are. The last user message is
// the question; the messages before it become the run's context as
// "role: content" lines. The assistant message is the last stage's answer,
// with "content" always present ("" for an empty answer); usage sums every
// stage (plus "cost" in USD), and a "hive" object carries conversation_id,
// status, cached, overhead_ms, recorded and record_error (when recorded is
// false).
//
// temperature (0..2), max_tokens or its newer name max_completion_tokens
// (a positive count; both may be given only when equal) and stop (a
// string or up to 4 strings) apply to the last stage, whose answer is the
// message, in place of its profile's settings; the earlier stages keep
// the profile's (consensus.Sampling). They are part of the cache key. A
// value out of range or of the wrong type is 400 with param naming the
// field; none is ignored. finish_reason is "length" when max tokens cut the
// answer or max_cost stopped the pipeline early, else "stop". Two
// extension fields are accepted beside the OpenAI ones: max_cost and
// no_cache, as in POST /v1/consensus.
//
// Streamed, the earlier stages appear only as SSE comments (": hive stage
// refiner started"), which keep proxies from timing out; the first chunk
// carries the role and "content": "", the last stage's tokens follow as
// chat.completion.chunk deltas, the finishing chunk has finish_reason (and
// the "hive" object), and the stream ends with "data: [DONE]". With
// "stream_options": {"include_usage": true}, as OpenAI does, one more chunk
// before [DONE] has "choices": [] and the usage; without it, the usage is on
// the finishing chunk (hive's form before stream_options). stream_options
// without "stream": true is 400. A run that fails mid-stream sends an
// {"error": {...}} object and ends without [DONE]. Bad input is answered
// before the stream starts, as a plain error.
//
// # Authentication
//
// With HIVE_API_TOKEN set, every endpoint except /healthz requires
// "Authorization: Bearer <token>" (401 otherwise). New refuses a config
// whose address is not loopback (127.0.0.0/8, ::1, localhost) and has no
// token: pprof and the API must not be open to the network.
//
// # Host, Origin and Content-Type (browsers)
//
// Loopback is not enough against a browser: any page the user visits may
// POST to 127.0.0.1 (a no-cors fetch with Content-Type text/plain needs no
// preflight), and after DNS rebinding a page on attacker.example reads the
// API as its own origin. So, on every route, /healthz and /metrics
// included, and before the token is checked:
//
//   - Host must name the server, else 403 with code "host_not_allowed".
//     Listening on a loopback address, the names are 127.0.0.1, localhost
//     and [::1] at the listening port (and the loopback address listened
//     on); on every interface (0.0.0.0, [::], ":port"), localhost and any
//     IP literal at the port (an IP literal cannot be rebound); on another
//     address, that address and port. A Host without a port means port 80.
//     Each --allowed-host entry (Config.AllowedHosts) adds a name: "name"
//     at any port, "name:port" at that port only. A reverse proxy that
//     forwards its own Host needs its name here. Probes that address the
//     server by its listening address (harness, Kubernetes probes to the
//     pod IP on a server listening on every interface) pass unchanged.
//   - An Origin header, when present, must be http(s)://<a name the Host
//     rule accepts>, with the scheme's default port when it names none,
//     else 403 with code "origin_not_allowed". Browsers send Origin on
//     every POST and on cross-origin fetches in cors mode; programs send
//     none. "null" (sandboxed frames, file:// pages) is refused. A
//     cross-origin GET without CORS (an <img>, a no-cors fetch) carries no
//     Origin and passes, but the page cannot read the answer, and no GET
//     route spends anything.
//   - POST /v1/consensus and POST /v1/chat/completions must declare
//     Content-Type application/json (any case, parameters such as
//     charset=utf-8 allowed), else 415 with code "unsupported_content_type".
//     A page can send application/json cross-origin only after a CORS
//     preflight, which this server never grants.
//
// # Limits: runs in flight, spend per hour
//
// Two adapters on the run routes (POST /v1/consensus, POST
// /v1/chat/completions) bound what any client can make the server do;
// /healthz, /metrics and the other routes are not counted nor refused.
//
//   - MaxInflight (--max-inflight N, 0 = no limit): a run request holds a
//     slot from admission until its answer is written (the whole stream for
//     SSE; a cache hit too, briefly). Beyond N: 429, Retry-After: 1, code
//     "too_many_inflight_runs".
//   - MaxCostPerHour (--max-cost-per-hour USD, 0 = no cap): the cost of
//     the runs that ended in the last rolling hour (Result.Totals.Cost, as
//     the engine reports it: upstream's usage.cost or the config's prices;
//     a failed or canceled run counts what its finished stages cost; a
//     cache hit counts 0), kept in one-second buckets. While that sum is at
//     or over the cap, new run requests get 429 with code
//     "spend_cap_reached", a message naming the cap and when room frees up
//     (when enough of the hour's runs have left the window to fall below
//     the cap), and Retry-After in seconds until then. A cache hit is
//     refused too: the check is made before the body is read. The cap is
//     checked when a run is admitted and charged when it ends, so runs
//     admitted under the cap can take the total over it by at most the cost
//     of the runs in flight at that moment (with --max-inflight N, at most N
//     runs). A stage that used tokens for which upstream reported no cost
//     and the config has no price counts 0: the server logs a warning once,
//     naming the model; add its price to the config.
//
// # Errors
//
// Every error, on every route and from every adapter, is OpenAI's envelope,
// so OpenAI client libraries raise their usual exceptions:
//
//	{"error": {"message": "...", "type": "...", "param": null, "code": null}}
//
// param names the request field at fault (model, messages, temperature,
// max_tokens, max_completion_tokens, stop, stream_options, id) and code a
// stable reason, each null when there is none. The types and codes:
//
//	400 invalid_request_error                          bad input: unreadable body, bad field
//	401 invalid_request_error   invalid_api_key        missing or wrong bearer token
//	403 permission_error        host_not_allowed, origin_not_allowed
//	404 invalid_request_error   model_not_found, conversation_not_found, unknown_url (no such /v1 route)
//	405 invalid_request_error   method_not_allowed     with Allow
//	413 invalid_request_error   request_too_large
//	415 invalid_request_error   unsupported_content_type
//	429 rate_limit_error        too_many_inflight_runs, spend_cap_reached
//	500 server_error                                   the store failed
//	502 upstream_error                                 a stage's model failed
//	503 server_error                                   the run was canceled (shutdown)
//	504 server_error            run_timeout
//
// # Metrics of the server itself
//
//	hive_http_requests_total{route,code}         counter
//	hive_http_request_duration_seconds{route}    histogram
//	hive_http_refusals_total{reason}             counter, reason = host|origin|content_type|inflight|spend_cap
//	hive_http_run_requests_in_flight             gauge, what --max-inflight bounds
//	hive_http_spend_window_usd                   gauge, USD of the runs that ended in the last rolling hour
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
