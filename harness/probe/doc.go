// Package probe measures the five seed metric families of a `hive` binary
// from outside, by running the real binary as a child process: startup,
// memory, parsing, consensus and database. It never imports engine code to
// measure it; the numbers are what a user of that binary would see.
//
// # Using it
//
//	cfg := probe.Config{Samples: 10}                   // zero fields take defaults
//	p, err := probe.ByFamily("startup", cfg)            // or probe.All(cfg)
//	s, err := p.Setup(ctx, probe.Target{Name: "head", HiveBin: "./bin/hive"})
//	defer s.Close()
//	for i := 0; i < rounds; i++ {
//		samples, err := s.Round(ctx)                    // metric name → raw samples
//		for _, m := range p.Metrics() {
//			v := m.RoundValue(samples[m.Name])         // what the gate compares
//		}
//	}
//
// A round is the unit the regression gate interleaves between two binaries
// (A B B A …), so Setup does what can be shared by many rounds of one
// binary (a mock LLM and a `hive serve` for consensus, the scratch
// directory, WarmupRounds discarded rounds) and Round does one repetition.
// Round may be called any number of times, then Close.
//
// # Samples and round values
//
// Round returns raw samples, kept in results files so any later comparison
// can re-test. Samples of one round are not always independent: the
// per-file latencies of one analyze run share that process's warm caches and
// GC. So every Metric also says what one sample is (Metric.Sample) and how a
// round is reduced to the one value the gate compares (Metric.RoundValue:
// the median of the round's samples; a metric with one sample per round is
// its own round value). Metric.Independent marks metrics whose samples are
// each a fresh process, which a comparison may pool across rounds.
//
//	metric                      unit      one sample is                                           per round
//	startup.serve               ms        exec `hive serve` → first 200 from /healthz             Samples execs (after WarmupExecs)
//	startup.version             ms        exec `hive version` → exit (not startup: no server)     Samples execs (after WarmupExecs)
//	startup.first_read          ms        GET /v1/conversations/1 right after the first 200        one per startup.serve exec
//	startup.later_read          ms        the same request again, right after                      one per startup.serve exec
//	startup.floor               ms        exec a Go hello-world (hive's toolchain) → exit          Samples execs, alternating with version
//	startup.init                ms        `hive version`'s package inits, GODEBUG=inittrace=1, summed  Samples execs (after WarmupExecs)
//	memory.idle_rss             bytes     VmRSS of a fresh idle `hive serve`, after ready+settle  1
//	memory.serve_peak_rss       bytes     VmHWM of that serve after Concurrent consensus runs     1
//	memory.analyze_peak_rss     bytes     ru_maxrss of `hive analyze WORKLOAD --no-cache`         1
//	parsing.per_file            ms/file   one analysed file's latency_us from --files-out         one per file
//	parsing.files_per_sec       files/s   files analysed / wall time of the analyze process       1
//	parsing.mb_per_sec          MB/s      bytes analysed / 10^6 / wall time                        1
//	parsing.wall                s         exec `hive analyze` → exit                              1
//	consensus.e2e               ms        one POST /v1/consensus, client-timed, E2ELatency model  Samples requests
//	consensus.e2e_overhead      ms        overhead_ms of each of those e2e runs                   Samples requests
//	consensus.overhead          ms        overhead_ms (engine wall − upstream) of one run         Samples × 10 requests
//	consensus.serve_cpu_per_run ms        hive serve's CPU over 10 of those runs, per run          Samples
//	consensus.cache_hit         ms        a later POST of a question, answered from cache         Samples × 20 hits
//	consensus.http_floor        ms        GET /healthz on the hits' connection, between hits      Samples × 20 requests
//	consensus.overhead_c100     ms        overhead_ms of one of Concurrent simultaneous runs      Concurrent runs
//	consensus.c100_serve_cpu    ms        hive serve's CPU time over that burst, per run          1
//	database.<op>               ns        one store operation timed by `hive db bench`            DBOps ops
//
// # What the measurements assume about the engine
//
//   - `hive serve --addr 127.0.0.1:0` prints its listening line
//     (server.ListenLinePrefix + http://ADDR) on stderr once it listens and
//     answers GET /healthz with 200 when ready; SIGTERM stops it gracefully.
//     harness/launch starts it and waits for both.
//   - `hive analyze --files-out F` writes one JSON object per file with
//     "latency_us" (stat to analysis done), "bytes", "cached", "skipped" and
//     "error" (engine/parse FileResult); --format json prints the Summary
//     with "files", "bytes" and "complete".
//   - POST /v1/consensus answers a ResultJSON with "status", "cached",
//     "overhead_ms" and "upstream_ms" (engine/consensus ResultJSON).
//   - `hive db bench --db F --ops N --json` prints
//     {"ops": {"insert_message": [ns, …], …}, "unit": "ns"}.
//
// A binary that breaks one of these gets an infrastructure error (exit
// code 3) that quotes the last lines of its stderr, never a number.
//
// # Environment of the measured processes
//
// Children get the harness's environment minus HIVE_*, OPENROUTER_API_KEY
// and the XDG config/data variables, with XDG_CONFIG_HOME pointed at an
// empty directory (launch.Env), then Target.Env on top. A user's
// ~/.config/hive/config.yaml or API key therefore never changes (or leaks
// into) what is measured; a target that wants a profile file sets
// HIVE_CONFIG in Target.Env. Every database is a scratch file under the
// session's directory. Only loopback addresses are used.
//
// # Processes
//
// Every process a probe starts is stopped (SIGTERM, then SIGKILL after
// Config.StopGrace) when the context it was started under ends, when the
// round or session that owns it ends, and by the kernel if the harness
// dies (see harness/probe/proc). Processes started by Setup live until
// Close or until Setup's context ends.
package probe
