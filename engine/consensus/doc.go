// Package consensus answers a question by passing it through four LLM
// stages, each with its own system prompt:
//
//	Generator  answers broadly (coverage over polish)
//	Refiner    improves the draft's depth and accuracy
//	Validator  checks the refined answer fact by fact, flags errors and alternatives
//	Curator    synthesizes the final answer from the question and ALL earlier outputs
//
// A profile names, per stage, a model, its fallbacks, a temperature and a
// max-token count. The embedded profiles.yaml defines speed, balanced,
// elite, cost and direct (one stage, no consensus). LoadConfig overlays
// the user's file (--config, $HIVE_CONFIG, else
// ~/.config/hive/config.yaml): same schema, decoded strictly; a profile of
// the same name replaces the built-in one, new names add profiles.
//
// # Using it
//
//	cfg, err := consensus.LoadConfig(os.Getenv, "")
//	eng, err := consensus.New(cfg, llmClient, consensus.WithStore(st), consensus.WithRegisterer(reg))
//	defer eng.Close() // flushes queued cache writes; close the store after
//	res, err := eng.Run(ctx, consensus.Request{Question: "…", Profile: "speed"}, func(ev consensus.Event) { … })
//
// Run delivers events synchronously: stage_started, token…, stage_completed
// per stage, then done (or error). A cache hit replays the same events, each
// stage's text as one token.
//
// # Failures, budget, cancellation
//
// A stage that fails after the client's retries and fallbacks stops the run:
// the stage is "failed" (its partial streamed text is kept in the record),
// later stages are "skipped", Run returns the Result and an error. With
// Request.MaxCost > 0, a stage is not sent once the run's cost so far has
// reached the cap: that stage is "budget", later ones "skipped", the run's
// status is "budget" and Final is the last completed stage's text (not an
// error). Costs come from upstream's usage (OpenRouter reports them) or,
// when upstream reports none, from the config's `prices` table
// (StageRecord.CostEstimated). A canceled context aborts the in-flight
// upstream request; the run is recorded as "canceled".
//
// # Cache
//
// The key is the SHA-256 of the normalised request: the question with
// whitespace collapsed, the trimmed context, the profile name and every
// stage's model, fallbacks, temperature and max tokens, plus a digest of the
// system prompts. A bounded in-memory LRU (WithCache; default 1024 entries,
// TTL 24 h) sits in front of the store's response_cache table. Only
// successful runs are cached. A hit writes nothing to the store and returns
// the original run's conversation id, stages and totals with Cached=true
// (nothing was spent this time). Request.NoCache skips the lookup; the fresh
// answer still replaces the cached one.
//
// # Recording, and why it is cheap
//
// Each executed run is written once, at its end, with store.RecordRun: one
// transaction holding the conversation and one message per stage (model,
// tokens, cost, TTFT, latency, status, error, partial text). Writing at the
// end costs one commit (WAL, synchronous=NORMAL: no fsync) instead of six,
// and keeps the conversation id in the response consistent with what
// GET /v1/conversations/{id} reads. The price is that a process killed
// mid-run leaves no row for that run. Cache puts to the store are queued
// to a single background writer (bounded; a full queue drops the put —
// the LRU still has it) and flushed by Close.
//
// # Overhead
//
// Result.Overhead = Wall − Σ stage Upstream (llm.Response.Upstream): the
// time the engine, the client's own processing and the store write took,
// everything but waiting on upstream. BenchmarkRunOverhead measures it
// against a zero-latency mock.
//
// # Metrics
//
// Registered on the Registerer given to WithRegisterer:
//
//	hive_consensus_stage_latency_seconds{stage,status}  histogram, 100 µs..60 s
//	hive_consensus_stage_ttft_seconds{stage}            histogram, 100 µs..60 s
//	hive_consensus_tokens_total{stage,kind}             counter, kind = prompt|completion
//	hive_consensus_cost_usd_total{stage}                counter
//	hive_consensus_cache_hits_total{layer}              counter, layer = memory|store
//	hive_consensus_cache_misses_total                   counter
//	hive_consensus_errors_total{kind}                   counter, kind = rate_limited|upstream_4xx|upstream_5xx|
//	                                                      upstream_error|stream_broken|canceled|timeout|network|budget|store
//	hive_consensus_inflight_runs                        gauge
//	hive_consensus_runs_total{profile,status}           counter, status = ok|failed|canceled|budget|cached
//	hive_consensus_run_duration_seconds{profile}        histogram
//	hive_consensus_overhead_seconds                     histogram, 10 µs..1 s
//
// hive_consensus_errors_total counts a stage error once per failed stage;
// the retries the client made before succeeding are not errors here.
package consensus
