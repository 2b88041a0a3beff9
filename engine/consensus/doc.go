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
//	defer eng.Close() // waits for runs in progress, flushes queued writes; close the store after
//	res, err := eng.Run(ctx, consensus.Request{Question: "…", Profile: "speed"}, func(ev consensus.Event) { … })
//
// Request.FinalSampling sets the temperature, max tokens and stop
// sequences of the last stage for one run (the OpenAI surface's
// temperature, max_tokens and stop): its answer is Final, the message a
// client reads. The earlier stages keep the profile's settings. Each
// StageRecord carries upstream's finish reason ("length" when max tokens
// cut the stage's answer).
//
// Run delivers events synchronously: stage_started, token…, stage_completed
// per stage, then done (or error). A cache hit replays the same events, each
// stage's text as one token.
//
// # Failures, budget, cancellation
//
// A stage that fails after the client's retries and fallbacks stops the run:
// the stage is "failed" (its partial streamed text is kept in the record;
// an answer over the client's size cap, llm.WithMaxAnswerBytes, fails it too),
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
// stage's model, fallbacks, temperature and max tokens, the request's
// FinalSampling, plus a digest of the system prompts. A bounded in-memory LRU (WithCache; default 1024 entries,
// TTL 24 h) sits in front of the store's response_cache table. Only
// successful runs are cached. A hit writes nothing to the store and returns
// the original run's conversation id, stages and totals with Cached=true
// (nothing was spent this time). Request.NoCache skips the lookup; the fresh
// answer still replaces the cached one.
//
// # Recording, and why it is cheap
//
// Each executed run is written in two steps through the store's
// store.RunRecorder, a single goroutine that commits whatever is queued in
// one transaction (group commit): when the stages start, the conversation
// row is inserted (status "running"), so its id is known without waiting
// when they end; at the end, the outcome and one message per stage (model,
// tokens, cost, TTFT, latency, status, error, partial text) are written.
// Run waits for that second write to commit before it returns, so an
// answer is a run the database holds even if the process is killed the
// next moment (cmd/hive's crash test kills hive serve at random and checks
// every answered run). A process killed mid-run leaves its row "running"
// with its owner, and the store marks it "abandoned" when it next opens.
// Cache puts to the store go through the same writer, after the answer; the
// LRU has the entry meanwhile.
//
// Every executed run's answer says whether it was recorded
// (Result.Recorded, "recorded" on the wire). The wait for the record is
// bounded by WithRecordTimeout (DefaultRecordTimeout, 30 s: three times
// SQLite's busy timeout, so another process holding the write lock for a
// while delays the answer instead of losing its record). A run that is not
// recorded in time answers with Recorded false, RecordErr (record_error)
// and conversation id 0, is counted in runs_unrecorded_total, and is not
// cached; its outcome is still written behind the row once the database
// takes it, so the row does not stay "running".
//
// Close refuses new runs (ErrClosed), waits for the runs in progress to
// return with their records queued, then writes everything queued: cancel
// the runs, then Close, then close the store, and nothing writes to a
// closed store.
//
// Why not one transaction per run, on the run's goroutine: N runs ending
// together then wait N commits in line for the store's one writer
// connection, and each, once woken, waits again for a CPU behind the other
// runs. Under 100 simultaneous runs on 2 cores that wait was most of a
// run's overhead; with group commit, runs that end together share one
// commit.
//
// # Overhead
//
// Result.Overhead = Wall − Σ stage Upstream (llm.Response.Upstream): the
// time the engine, the client's own processing and the store write (when
// Run waits for it) took, everything but waiting on upstream.
// BenchmarkRunOverhead and BenchmarkRunOverheadC100 measure it against a
// zero-latency mock.
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
//	                                                      upstream_error|stream_broken|answer_too_large|canceled|
//	                                                      timeout|network|budget|store
//	hive_consensus_inflight_runs                        gauge
//	hive_consensus_runs_unrecorded_total                counter: executed runs not in the store
//	hive_consensus_runs_total{profile,status}           counter, status = ok|failed|canceled|budget|cached
//	hive_consensus_run_duration_seconds{profile}        histogram
//	hive_consensus_overhead_seconds                     histogram, 10 µs..1 s
//
// hive_consensus_errors_total counts a stage error once per failed stage;
// the retries the client made before succeeding are not errors here.
package consensus
