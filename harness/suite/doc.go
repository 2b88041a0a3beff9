// Package suite orchestrates hivebench's measurements: which probes a suite
// runs, how rounds are scheduled for one binary (`hivebench run`) and
// interleaved between two (`hivebench gate`), which observations a
// comparison tests, and how samples become a results file. The probes
// themselves (harness/probe), the statistics (harness/stats), the decision
// rule (harness/compare), the file format (harness/results) and the
// renderers (reports) live elsewhere; this package wires them.
//
// # Using it
//
//	m, _ := suite.Prepare(ctx, "quick", suite.Options{}, "", "bin/hive") // Lookup … Select, fingerprint
//	f, err := m.Measure(ctx, progress)                   // Run and NewFile: complete, or incomplete with err
//
//	s, _ := suite.Lookup("quick")                       // or "test", "ci", "full"
//	s, _ = s.ResolveWorkload(ctx, families)             // GOROOT/src/net → absolute
//	fp, _ := suite.FingerprintWorkload(s.Probe.Workload) // before measuring, never after
//	probes, _ := probe.All(s.Probe)
//	sel, _ := suite.Select(probes, "startup,database.cache_get")
//	rec, err := suite.Run(ctx, s, sel, probe.Target{Name: "hive", HiveBin: "bin/hive"}, progress)
//	f, _ := suite.NewFile(rec, suite.FileOptions{Suite: s.Name, Workload: s.Probe.Workload, Fingerprint: &fp})
//
//	gs := s.ForGate()                                   // short rounds: GateSamples per round
//	gprobes, _ := probe.All(gs.Probe)
//	gsel, _ := suite.Select(gprobes, "")
//	out, err := suite.Gate(ctx, suite.GateConfig{Selection: gsel,
//		Base: base, Head: head, Thresholds: suite.DefaultThresholds(), Budget: 10 * time.Minute})
//	ok := compare.Pass(out.Results)
//
// `hivebench gate`'s modes are one call each, returning what was compared
// for harness/gate's Decide and the reports: GateAB (two binaries, with
// PrepareGate), GateBaseline (a fresh run against a stored baseline),
// GateFiles (two results files, ComparePair) and GateAA (the gate measuring
// itself).
//
// # The suites
//
// Every suite measures all five families (startup, memory, parsing,
// consensus, database) unless --metrics narrows it; the probes define what
// one sample and one round are (go doc harness/probe). Rounds are per
// family; samples are per round of the many-sample metrics (startup execs,
// consensus requests); database ops are `hive db bench --ops` per round.
// The cheap consensus metrics take more per sample: consensus.overhead 10
// runs, consensus.cache_hit and .http_floor 20 requests (go doc
// harness/probe). The noise figures below predate that.
//
//	suite  run rounds  warm-up rounds  samples/round  gate samples/round  db ops  workload (parsing, memory)
//	test   1           0               2              1                   20      GOROOT/src/encoding/json
//	quick  3           0               10             3                   200     GOROOT/src/net (~390 .go files)
//	ci     10          1               10             3                   200     GOROOT/src/net
//	full   10          1               20             5                   1000    GOROOT/src (~7,700 .go files)
//
// The consensus probe's e2e mock is probe.DefaultE2ELatency (TTFT 20 ms, ITL 1 ms, 40 tokens: ~236 ms of declared upstream per run) with
// 100 concurrent runs (test: TTFT 5 ms, ITL 1 ms, 4 tokens, 4 concurrent).
//
// quick is `make bench`: 20 s on this project's 2-core machine when quiet,
// 52 s while other jobs kept its load average at 8 (the budget is 3
// minutes); it is offline
// and needs no key (the consensus family talks to harness/mockllm in
// process). ci is what baselines are recorded with: 10 rounds give each
// metric the 10 round values compare needs for a verdict. full is for
// release figures. test exists for the harness's own tests; its workload is
// encoding/json rather than a smaller package because the memory probe
// refuses an analyze whose peak RSS is not above its measuring trampoline's
// own (about 19 MB), which a handful of files stays under. --rounds,
// --samples and --workload adjust any suite; the workload's fingerprint
// goes into the results file, so runs over different trees refuse to
// compare.
//
// # Scheduling
//
// Run measures families one after another, each with one probe session
// (set up once, Rounds rounds, closed), never two at once: a probe must not
// measure while another loads the machine.
//
// Gate measures two binaries in the same job. For each family it sets up
// one session per binary (base first) on first use and keeps both until the
// end; rounds then alternate A B, B A, A B, … (each binary goes first in
// half the pairs), so drift on the machine — another job, the page cache,
// thermal state — falls on both sides alike. That is what makes the gate
// usable on a noisy shared runner. Gate rounds are short (the suite's
// GateSamples per round), because each round yields one observation per
// metric (below): many short rounds interleave the binaries more finely
// than a few long ones. compare.Sequential drives the sampling: Initial
// rounds per binary (default 10), then, while a metric is inconclusive,
// doubling its rounds up to Max (--max-rounds, default 160), with alpha
// split over the looks. Only families with an undecided metric run more
// rounds, and only undecided metrics take the new values. Sampling also
// ends when the time budget (default 10 minutes) is spent; the gate then
// decides on what it has with the same per-look alpha, and a metric still
// inconclusive passes with a warning: the gate fails on regressions it can
// show, never on noise.
//
// # What a comparison tests: one value per round
//
// A round's samples are taken back to back, so whatever else the machine
// does at that moment moves all of them together. On this project's shared
// 2-core machine, under the load of other jobs, the intra-round correlation
// of startup execs was 0.02 to 0.17 (16 rounds of 10 execs per binary). A
// simulation of the sequential gate with log-normal noise at 25% CV shows
// what pooling such samples does to the false-alarm rate the decision rule
// is built for (0.1%; 600 A/A trials per row):
//
//	round size, correlation   pool every sample       one median per round
//	10, 0.15                  5.0% false regressions  0.3%
//	10, 0.30                  15.5%                   0.5%
//	5, 0.15                   0.8%                    —
//	3, 0.30                   —                       0.5%
//
// So the gate and every comparison of results files test one value per
// round (Metric.RoundValue, the median of the round's samples), for every
// metric, also those whose samples each come from their own process
// (Metric.Independent): independence of processes is not independence of
// the moments they ran in. A results file stores the round values beside
// the raw samples as Benchmark.Extra figures named RoundFigure
// ("round_median") for metrics with more than one sample per round, so
// `hivebench compare` and the baseline gate test rounds too (GateSamples).
// A quick run (3 rounds) therefore compares inconclusive: three rounds
// cannot show a 5% change, and the report says so. Percentiles and targets
// still use every raw sample.
//
// # Thresholds
//
// The threshold is the smallest change, in percent of the base median, that
// counts (compare.Policy.Threshold). Defaults per family
// (DefaultThresholds; --threshold overrides per family or metric):
//
//	startup 5%, memory 5%, parsing 5%, consensus 10%, database 10%
//
// A threshold says which change matters; the noise says how many rounds it
// takes to show it, and it is the noise that the measurements below
// bounded. Robust CV of round values, from A/A gates on this project's
// 2-core machine (`hivebench gate --aa-runs N`, AnalyzeAA):
//
//	metric                              quiet machine   load avg 2–4 from other jobs
//	startup.serve, .version             8–9%            20%
//	memory.idle_rss, .serve_peak_rss    —               0.7–0.9%
//	memory.analyze_peak_rss             —               7.6%
//	parsing.per_file                    —               13%
//	parsing.files_per_sec, .wall        —               21–23%
//	consensus.e2e                       —               0.4% (the declared mock latency)
//	consensus.overhead, .cache_hit      —               29–32%
//	consensus.overhead_c100             —               88%
//	database.* (per op)                 —               7–36%
//
// startup and parsing get 5%: their process-level figures are what users
// feel, and on a quiet runner a startup-only gate catches +7% (simulated
// at the measured noise, 95% detection, 10 minutes). memory gets 5%: RSS
// barely moves between runs of one binary, so the gate calls "same" within
// its first look and catches +6%. consensus and database time
// sub-millisecond work through loopback HTTP or SQLite, where the scheduler
// and the page cache move round medians by 20–40% on a shared machine;
// below 10% a change there is not one a gate can confirm in 10 minutes, and
// a lower threshold would only turn inconclusive into "regressed" for
// changes too small to matter. targets.yaml has no threshold field, so a
// CI job passes --threshold to change them.
//
// What the gate achieved on that machine (false alarms: head = base):
//
//	startup only, 10 A/A gates, quiet:    0 regressed, 0 improved; 8 same, 2 inconclusive per metric
//	all 20 metrics, 3 A/A gates, loaded:  0 regressed, 0 improved in 60 verdicts; each gate hit the
//	                                      10-minute budget (67 round pairs per family affordable)
//	hive behind `sleep 0.02` (+27 ms):    startup.serve and startup.version regressed in 3 of 3
//	                                      gates, at the first look (10 rounds, 9 s each)
//
// The smallest worsening caught in 95% of simulated 10-minute all-family
// gates at the loaded noise: memory +6–9%, consensus.e2e +11%,
// database.insert_message +13%, parsing.per_file +15%, startup +24–25%,
// parsing throughput +26–28%, the other consensus and database metrics
// +21–45%, consensus.overhead_c100 nothing up to 100%. Gating fewer
// families (--metrics) buys each more rounds.
//
// # Baseline mode
//
// `gate --baseline` measures the head binary with the baseline's suite
// (Run, not interleaved: the baseline side is fixed) and compares once
// with CompareFiles. Sequential sampling needs both sides to grow, so this
// mode makes a single look at the suite's rounds; the A/B mode is the
// stronger gate and the one to use on shared runners.
//
// # Interruption
//
// A canceled context (SIGINT, SIGTERM, SIGHUP: internal/cli cancels it) stops the
// current round; Run and Gate return an *Interrupted error, which exits 3
// (internal/exitcode: the measurement did not happen, which is neither a
// regression nor bad input). The rounds that finished are kept: `hivebench
// run` writes them as a results file marked incomplete ("interrupted by a
// signal"), which reports show and a baseline refuses. The workload's
// fingerprint is taken before measuring (FingerprintWorkload), so saving
// them never needs the tree again. A second signal exits at once (exit 3),
// abandoning the cleanup and whatever it had not written yet.
package suite
