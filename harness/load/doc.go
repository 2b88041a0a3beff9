// Package load is hive's load generator: it offers a scenario's traffic to
// a live `hive serve` over loopback HTTP and reports what the server did
// with it — throughput, latency percentiles per request kind, errors by
// class, the engine overhead the server reports, and server memory over
// time — then judges k6-style thresholds and, for a soak, memory growth.
// `hivebench load` (cmd/hivebench/load.go) is its command line.
//
// # Using it
//
//	sc, err := load.Builtin("seed-100-users")             // or LoadScenarioFile, or build a Scenario
//	rep, err := load.Run(ctx, sc, load.Target{URL: "http://127.0.0.1:8765"}, load.Options{})
//	load.WriteText(os.Stdout, rep)                         // table, errors, memory, ✅/❌ thresholds
//	rep.Passed()                                           // every threshold (and soak verdict) held
//	load.ToResults(rep).Write("load.json")                 // harness/results format
//
// To load a server the harness starts itself (as `hivebench load` does
// without --target), StartLocal starts the mock LLM (harness/mockllm) and
// then StartServe; its Target carries the server's PID so that RSS is read
// from /proc/PID/status instead of /metrics, and its Declared is the
// Options.Declared of the run.
//
// A command line states a run as a Plan: a scenario (Builtin,
// LoadScenarioFile, or AdHocScenario for flags alone) changed by Overrides
// (Scenario.Apply; the mix from ParseMix), with a soak from NewSoakConfig,
// a segment and a target; Plan.Build, SegmentOf and Remote check it. Save
// writes the results and JSON files, then the text report; Report.Verdict
// is the exit status, and Finish does both.
//
// # Load models
//
// Closed (Scenario.Users virtual users): each user sends a request, waits for
// the whole answer, thinks (Think ± ThinkJitter, uniform), and repeats.
// Latency is measured from the actual send. The offered load falls when the
// server slows down, so a closed run shows capacity (hive-1000-users reports
// the sustained consensus runs/s) but hides queueing.
//
// Open (Scenario.Rate): arrival i is scheduled at t0 + i/rate, whatever the
// server does, and its latency is measured from that scheduled time to the
// last byte of the answer — the coordinated-omission correction of wrk2:
// a stalled server is charged for the wait of every request that arrived
// during the stall, not just the one it was stuck on. At most MaxInFlight
// requests run at once (workers waiting for arrivals); an arrival that finds
// no idle worker before the next arrival's time is dropped and counted
// (Report.Dropped), never silently skipped. A scheduler that falls behind
// still decides every arrival of the duration, and Report.IssueLag says
// how far behind it was, so the generator's own limits are visible.
//
// Every run is bounded in time (Duration, then each in-flight request's
// Timeout) and in count (Scenario.MaxRequestsOrDefault). Canceling ctx
// (Ctrl-C) stops issuing, gives in-flight requests Options.StopGrace, cuts
// the rest (counted as interrupted, not as errors) and returns the partial
// report with Complete false.
//
// # Request kinds
//
//	consensus          POST /v1/consensus, a question never asked before, "no_cache": true
//	cache_hit          POST /v1/consensus, one repeated question; "cached": false counts as a cache_miss error
//	conversation_read  GET /v1/conversations/{id} of a conversation this run created
//
// Before a run whose mix has cache_hit or conversation_read, a warm-up asks
// the repeated question once and waits until it is answered from the cache
// (the engine writes its cache asynchronously); it is not measured. There is
// no analyze_small kind: `hive serve` has no analysis endpoint (analysis is
// the `hive analyze` CLI), and the generator does not fake one.
//
// A successful answer is a 200 whose body is what the endpoint promises
// (a run with status "ok", a conversation with an id). Every other outcome
// is an error of a class: http_<status>, timeout, connection_refused,
// connection_reset, connection_closed, bad_response, cache_miss, run_not_ok,
// no_conversation_id, other; the report keeps the first message of each.
// Latency percentiles cover successful requests only; errors are judged by
// rate(errors).
//
// # Declared latency
//
// When the harness starts the mock, its latency model is exact (no jitter)
// and a run of a profile with S stages is declared to take
//
//	S × (TTFT + tokens × ITL)
//
// upstream (4 stages for the consensus profiles; MockLatency.Declared). The
// mock's own schedule of one reply is TTFT + (tokens − 1) × ITL, so the
// declaration has S × ITL of slack. A threshold may name it:
// "p(99)<declared+5ms".
//
// # Thresholds, soak, results
//
// Threshold documents the grammar ("p(99)<300ms", "consensus.p(95)<250ms",
// "rate(errors)<0.01", "count(dropped)==0", "overhead.p(99)<5ms",
// "throughput>=10/s"). A soak (Options.Soak) fits a least-squares line to
// RSS, Go heap and goroutines sampled every SampleEvery after a warm-up,
// with a Student-t confidence interval on the slope (FitSlope), and judges
// each series "no leak", "leak" or "inconclusive" against a bound (Judge).
// ToResults writes the raw latencies, overhead and memory samples in the
// harness/results format; thresholds live in the JSON report
// (Report.MarshalIndent).
//
// The generator's own ceiling on loopback is measured by
// BenchmarkGeneratorMaxRate and BenchmarkGeneratorOpenSchedule.
package load
