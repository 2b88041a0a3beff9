package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{
		Name:    "load",
		Summary: "load-test hive serve: concurrent users (closed) or a fixed arrival rate (open), thresholds, soak",
		Run:     runLoad,
	})
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// runLoad drives harness/load: it builds the scenario (built-in, file, or
// flags), starts the mock LLM and `hive serve` unless --target names a
// running server, runs the load, prints the report, writes --out/--json,
// and turns the thresholds into the exit code.
func runLoad(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "load")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench load [--scenario NAME | --scenario-file FILE] [flags]

Offers load to hive serve and reports throughput, latency percentiles per
request kind, errors by class, engine overhead and server memory, then checks
thresholds (exit 1 when one fails).

Without --target, it starts an in-process mock LLM with the declared latency
(--mock-*) and runs --hive-bin serve against it on a free loopback port.
With --target http://127.0.0.1:PORT it loads that server (loopback only).

Models: closed (--users N virtual users, --think between requests) or open
(--rate R/s|R/min arrivals, latency measured from each scheduled arrival,
at most --max-inflight running; an arrival with no free slot is dropped).

Thresholds (repeat --threshold): p(99)<300ms  consensus.p(95)<250ms
  rate(errors)<0.01  count(dropped)==0  overhead.p(99)<5ms  throughput>=10/s
  p(99)<declared+5ms, where declared = stages × (TTFT + tokens × ITL) of the mock.

Soak (--soak 30m): samples server RSS, Go heap and goroutines every
--sample-every, fits a least-squares slope per minute with a 95%% Student-t
interval after --soak-warmup, and fails unless every series is "no leak".

Exit codes: 0 ok, 1 a threshold or the soak failed, 2 bad input, 3 the server
would not start or the run was interrupted (partial report still written).

Flags:
`)
		fs.PrintDefaults()
	}
	list := fs.Bool("list", false, "list the built-in scenarios and exit")
	scenarioName := fs.String("scenario", "", "built-in scenario `name` (see --list)")
	scenarioFile := fs.String("scenario-file", "", "scenario YAML `file` (strict: an unknown field is an error)")
	target := fs.String("target", "", "load a running server at this loopback `URL` (http://127.0.0.1:PORT) instead of starting one")
	hiveBin := fs.String("hive-bin", "bin/hive", "hive `binary` to start (without --target)")

	users := fs.Int("users", 0, "virtual users (closed model), or the default --max-inflight (open model)")
	rate := fs.String("rate", "", "open model arrival `rate`: R/s, R/min or R/h (sets model open)")
	maxInflight := fs.Int("max-inflight", 0, "open model: requests running at once (default --users)")
	duration := fs.Duration("duration", 0, "how long requests are issued (overrides the scenario)")
	think := fs.Duration("think", 0, "closed model: pause between a user's requests")
	thinkJitter := fs.Duration("think-jitter", 0, "± uniform jitter of --think (default --think/2)")
	timeout := fs.Duration("timeout", 0, "per-request timeout (default 30s)")
	maxRequests := fs.Int64("max-requests", 0, "hard cap on requests issued (default derived from rate or users and duration)")
	profile := fs.String("profile", "", "consensus profile of the requests (default balanced)")
	mix := fs.String("mix", "", "request mix `kind=weight,...` of consensus, cache_hit, conversation_read")
	seed := fs.Uint64("seed", 0, "seed of the kind choice and think jitter (default 1)")
	var thresholds multiFlag
	fs.Var(&thresholds, "threshold", "add a threshold `expr` (repeatable), e.g. 'p(99)<300ms'")

	dm := mockllm.DefaultConfig().Latency
	mockTTFT := fs.Duration("mock-ttft", dm.TTFT, "mock LLM time to first token of every reply (no jitter)")
	mockITL := fs.Duration("mock-itl", dm.ITL, "mock LLM gap between two tokens (no jitter)")
	mockTokens := fs.Int("mock-tokens", dm.Tokens, "mock LLM tokens per reply")

	sampleEvery := fs.Duration("sample-every", 0, "server memory sampling interval (default 1s, 5s with --soak)")
	soak := fs.Duration("soak", 0, "soak for this `duration` (replaces --duration) and judge memory growth")
	soakWarmup := fs.Duration("soak-warmup", -1, "samples before this are left out of the soak fit (default 20% of --soak)")
	leakBound := fs.String("leak-bound", "1MB/min", "largest RSS and heap growth that is not a leak (SIZE/TIME)")
	goroutineBound := fs.String("goroutine-bound", "1/min", "largest goroutine growth that is not a leak (COUNT/TIME)")

	out := fs.String("out", "", "write a results `file` (harness/results format: raw latencies, RSS samples)")
	jsonOut := fs.String("json", "", "write the full load report as JSON to `file` (thresholds, errors, memory timeline, soak)")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hivebench load: unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}
	for name, path := range map[string]string{"--out": *out, "--json": *jsonOut} {
		if path != "" {
			if err := checkOutDir(name, path); err != nil {
				return err
			}
		}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	if *list {
		return listScenarios(env)
	}

	// The scenario: built-in, file, or flags alone.
	var sc load.Scenario
	var err error
	adHoc := false // the mock of an ad-hoc run is what the --mock-* flags say, defaults included
	switch {
	case *scenarioName != "" && *scenarioFile != "":
		return exitcode.UsageError("hivebench load: --scenario and --scenario-file are exclusive; give one")
	case *scenarioName != "":
		sc, err = load.Builtin(*scenarioName)
	case *scenarioFile != "":
		sc, err = load.LoadScenarioFile(*scenarioFile)
	default:
		sc, err = adHocScenario(given)
		adHoc = true
	}
	if err != nil {
		return err
	}
	if given["soak"] && given["duration"] {
		return exitcode.UsageError("hivebench load: --soak sets the duration; drop --duration")
	}
	if given["rate"] {
		r, err := load.ParseRate(*rate)
		if err != nil {
			return exitcode.UsageError("hivebench load: --rate: %v", err)
		}
		sc.Model, sc.Rate = load.Open, r
		if sc.Think != 0 && !given["think"] {
			sc.Think, sc.ThinkJitter = 0, 0
		}
	}
	set := func(name string, apply func()) {
		if given[name] {
			apply()
		}
	}
	set("users", func() { sc.Users = *users })
	set("max-inflight", func() { sc.MaxInFlight = *maxInflight })
	set("duration", func() { sc.Duration = *duration })
	set("soak", func() { sc.Duration = *soak })
	set("think", func() { sc.Think, sc.ThinkJitter = *think, *think/2 })
	set("think-jitter", func() { sc.ThinkJitter = *thinkJitter })
	set("timeout", func() { sc.Timeout = *timeout })
	set("max-requests", func() { sc.MaxRequests = *maxRequests })
	set("profile", func() { sc.Profile = *profile })
	set("seed", func() { sc.Seed = *seed })
	if adHoc && *target == "" {
		sc.Mock = load.MockLatency{TTFT: *mockTTFT, ITL: *mockITL, Tokens: *mockTokens}
	}
	set("mock-ttft", func() { sc.Mock.TTFT = *mockTTFT })
	set("mock-itl", func() { sc.Mock.ITL = *mockITL })
	set("mock-tokens", func() { sc.Mock.Tokens = *mockTokens })
	if given["mix"] {
		m, err := parseMix(*mix)
		if err != nil {
			return err
		}
		sc.Mix = m
	}
	if sc.Model == load.Open && given["users"] && !given["max-inflight"] {
		sc.MaxInFlight = *users
	}
	sc.Thresholds = append(sc.Thresholds, thresholds...)
	if err := sc.Validate(); err != nil {
		return exitcode.UsageError("hivebench load: scenario %s: %v", sc.Name, err)
	}

	opts := load.Options{SampleEvery: *sampleEvery}
	if *soak > 0 {
		sc.Name += "-soak"
		cfg := load.SoakConfig{Level: load.DefaultSoakLevel, Warmup: *soak / 5}
		if *soakWarmup >= 0 {
			cfg.Warmup = *soakWarmup
		}
		if cfg.Warmup >= *soak {
			return exitcode.UsageError("hivebench load: --soak-warmup %v leaves nothing of --soak %v to fit", cfg.Warmup, *soak)
		}
		if cfg.ByteBound, err = load.ParseBytesPerMinute(*leakBound); err != nil {
			return exitcode.UsageError("hivebench load: --leak-bound: %v", err)
		}
		if cfg.GoroutineBound, err = load.ParseCountPerMinute(*goroutineBound); err != nil {
			return exitcode.UsageError("hivebench load: --goroutine-bound: %v", err)
		}
		opts.Soak = &cfg
		if opts.SampleEvery == 0 {
			opts.SampleEvery = 5 * time.Second
		}
	} else if given["soak"] {
		return exitcode.UsageError("hivebench load: --soak %v; want a positive duration such as 30m", *soak)
	}
	if given["sample-every"] && *sampleEvery <= 0 {
		return exitcode.UsageError("hivebench load: --sample-every %v; want a positive duration such as 5s", *sampleEvery)
	}
	declaredUsed := false
	for _, e := range sc.Thresholds {
		if t, _ := load.ParseThreshold(e); t.Declared {
			declaredUsed = true
		}
	}

	var tgt load.Target
	var served *load.Served
	if *target != "" {
		for _, f := range []string{"mock-ttft", "mock-itl", "mock-tokens", "hive-bin"} {
			if given[f] {
				return exitcode.UsageError("hivebench load: --%s has no effect with --target: the harness starts neither a mock nor a server there", f)
			}
		}
		if declaredUsed {
			return exitcode.UsageError("hivebench load: a threshold uses \"declared\", but with --target the harness starts no mock, so no latency is declared; give the bound as a duration")
		}
		base, err := load.CheckTargetURL(*target)
		if err != nil {
			return err
		}
		tgt = load.Target{URL: base, Token: env.Getenv("HIVE_API_TOKEN")}
	} else {
		stages, err := load.ProfileStages(sc.Profile)
		if err != nil {
			return err
		}
		opts.Declared = sc.Mock.Declared(stages)
		mock := mockllm.New(mockllm.Config{Seed: 1, Models: []string{"mock/default"},
			Latency: mockllm.Latency{TTFT: sc.Mock.TTFT, ITL: sc.Mock.ITL, Tokens: sc.Mock.Tokens}})
		mctx, stopMock := context.WithCancel(context.WithoutCancel(ctx))
		defer stopMock()
		run, err := mock.Listen(mctx, "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer run.Shutdown(context.Background())
		dir, err := os.MkdirTemp("", "hivebench-load-*")
		if err != nil {
			return exitcode.InfraError("hivebench load: scratch directory: %v", err)
		}
		defer os.RemoveAll(dir)
		// The server outlives ctx on purpose: after a Ctrl-C it must still
		// answer the in-flight requests while the partial report is made.
		served, err = load.StartServe(context.WithoutCancel(ctx), load.ServeConfig{Bin: *hiveBin, LLMBaseURL: run.BaseURL, Dir: dir})
		if err != nil {
			return err
		}
		defer func() {
			if err := served.Stop(); err != nil {
				fmt.Fprintf(env.Stderr, "hivebench load: warning: %v\n", err)
			}
		}()
		tgt = load.Target{URL: served.URL, PID: served.PID()}
		fmt.Fprintf(env.Stderr, "hivebench load: hive serve (%s) on %s, pid %d; mock LLM %s (declared latency per run %v = %d × (%v + %d × %v))\n",
			*hiveBin, served.URL, served.PID(), run.BaseURL, opts.Declared, stages, sc.Mock.TTFT, mockTokensOrDefault(sc.Mock.Tokens), sc.Mock.ITL)
	}
	fmt.Fprintf(env.Stderr, "hivebench load: %s — %s\n", sc.Name, sc.Describe())

	rep, err := load.Run(ctx, sc, tgt, opts)
	if err != nil {
		return err
	}
	if served != nil && served.Exited() {
		fmt.Fprintf(env.Stderr, "hivebench load: warning: hive serve exited during the run; last lines of its stderr:\n  %s\n", strings.ReplaceAll(served.Tail(), "\n", "\n  "))
	}
	// The files first: they are the record, and a stdout closed by its
	// reader (`| head`) or by a hung-up terminal must not cost them.
	var saved []string
	var failed []error
	save := func(path string, write func(string) error) {
		if path == "" {
			return
		}
		if err := write(path); err != nil {
			failed = append(failed, err)
			return
		}
		saved = append(saved, path)
	}
	save(*jsonOut, rep.WriteJSON)
	save(*out, func(path string) error {
		f := load.ToResults(rep)
		if served != nil {
			stampHiveBuild(ctx, f, *hiveBin, env)
		}
		if err := f.Write(path); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "hivebench load: results written to %s\n", path)
		return nil
	})
	if err := load.WriteText(env.Stdout, rep); err != nil {
		note := ""
		if len(saved) > 0 {
			note = "; the run is saved in " + strings.Join(saved, " and ")
		}
		failed = append(failed, exitcode.InfraError("hivebench load: writing the report to stdout: %v%s", err, note))
	}
	// The verdict first, so that a failed threshold keeps exit 1 whatever
	// else went wrong.
	return errors.Join(loadVerdict(ctx, sc, rep), errors.Join(failed...))
}

// loadVerdict is the exit status of a finished run: interrupted (3), a
// failed threshold or soak (1), or nil.
func loadVerdict(ctx context.Context, sc load.Scenario, rep *load.Report) error {
	switch {
	case !rep.Complete && ctx.Err() != nil:
		return exitcode.InfraError("hivebench load: %s (report above is partial)", rep.IncompleteReason)
	case !rep.Passed():
		var failed []string
		for _, t := range rep.Failed() {
			failed = append(failed, t.Expr)
		}
		if rep.Soak != nil && !rep.Soak.Passed() {
			failed = append(failed, "soak")
		}
		return exitcode.RegressionError("hivebench load: %s failed: %s", sc.Name, strings.Join(failed, ", "))
	}
	return nil
}

func mockTokensOrDefault(n int) int {
	if n == 0 {
		return load.DefaultMockTokens
	}
	return n
}

// adHocScenario is the scenario of a run given by flags alone: open when
// --rate is given, else closed with --users; 30 s of consensus requests.
func adHocScenario(given map[string]bool) (load.Scenario, error) {
	sc := load.NewScenario()
	sc.Name = "adhoc"
	sc.Duration = 30 * time.Second
	sc.Mix = map[string]float64{string(load.KindConsensus): 1}
	switch {
	case given["rate"]:
		sc.Model = load.Open
		if !given["users"] && !given["max-inflight"] {
			sc.Users = 100
		}
	case given["users"]:
		sc.Model = load.Closed
	default:
		return sc, exitcode.UsageError("hivebench load: say what load to offer: --scenario NAME (see --list), --scenario-file FILE, --users N (closed model) or --rate R/min (open model)")
	}
	return sc, nil
}

// parseMix parses "consensus=8,cache_hit=1".
func parseMix(s string) (map[string]float64, error) {
	m := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, exitcode.UsageError("hivebench load: --mix %q: %q is not kind=weight", s, part)
		}
		if _, err := load.ParseKind(strings.TrimSpace(k)); err != nil {
			return nil, exitcode.UsageError("hivebench load: --mix: %v", err)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, exitcode.UsageError("hivebench load: --mix %q: weight %q is not a number", s, v)
		}
		m[strings.TrimSpace(k)] = w
	}
	return m, nil
}

func listScenarios(env *cli.Env) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, name := range load.BuiltinNames() {
		sc, err := load.Builtin(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, sc.Description)
	}
	return tw.Flush()
}

// stampHiveBuild records the build of the measured hive binary in the
// results file (the results package stamps hivebench's own by default).
func stampHiveBuild(ctx context.Context, f *results.File, bin string, env *cli.Env) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "version", "--json").Output()
	var v struct {
		Commit string `json:"commit"`
		Dirty  bool   `json:"dirty"`
	}
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	if err == nil && v.Commit == "" {
		err = errors.New("no commit in its output")
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "hivebench load: warning: `%s version --json`: %v; the results file carries hivebench's build stamp\n", bin, err)
		return
	}
	f.Env.Commit, f.Env.Dirty = v.Commit, v.Dirty
}
