package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/mockllm"
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

// loadUsage is a format: %% is a per cent sign.
const loadUsage = `Usage: hivebench load [--scenario NAME | --scenario-file FILE] [flags]

Offers load to hive serve and reports throughput, latency percentiles per
request kind, errors by class, engine overhead and server memory, then checks
thresholds (exit 1 when one fails).

Without --target, it starts an in-process mock LLM with the declared latency
(--mock-*) and runs --hive-bin serve against it on a free loopback port.
With --target http://127.0.0.1:PORT it loads that server (loopback only);
several comma-separated URLs spread the requests over replicas, round robin.

Distributed (--segment I/N): this generator offers segment I of N of the
scenario (the open model's arrivals i ≡ I mod N, or the closed model's users
u ≡ I mod N) and judges no threshold; hivebench merge joins the N results
files (--out) and judges the thresholds once, on the union.

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
`

// runLoad drives harness/load: it builds the scenario (built-in, file, or
// flags), starts the mock LLM and `hive serve` unless --target names a
// running server, runs the load, prints the report, writes --out/--report,
// and turns the thresholds into the exit code.
func runLoad(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "load")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), loadUsage)
		fs.PrintDefaults()
	}
	lf := addLoadFlags(fs)
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) { lf.given[f.Name] = true })
	if pos, err = lf.json.resolve(env, pos, lf.report); err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError("hivebench load: unexpected argument %q; every setting is a flag (see -h)", pos[0])
	}
	if err := checkOutDirs(map[string]string{"--out": *lf.out, "--report": *lf.report}); err != nil {
		return err
	}
	if *lf.list {
		return load.WriteScenarios(env.Stdout)
	}
	plan := lf.plan()
	sc, opts, err := plan.Build()
	if err != nil {
		return err
	}
	if opts.Segment, err = plan.SegmentOf(sc); err != nil {
		return err
	}
	var tgt load.Target
	var local *load.Local
	if *lf.target != "" {
		if tgt, err = lf.remote(env, plan, sc); err != nil {
			return err
		}
	} else {
		dir, err := os.MkdirTemp("", "hivebench-load-*")
		if err != nil {
			return exitcode.InfraError("hivebench load: scratch directory: %v", err)
		}
		defer os.RemoveAll(dir)
		if local, err = load.StartLocal(ctx, load.LocalConfig{HiveBin: *lf.hiveBin, Mock: sc.Mock, Profile: sc.Profile, Dir: dir}); err != nil {
			return err
		}
		defer func() {
			if err := local.Close(); err != nil {
				fmt.Fprintf(env.Stderr, "hivebench load: warning: %v\n", err)
			}
		}()
		tgt, opts.Declared = local.Target(), local.Declared
		fmt.Fprintf(env.Stderr, "hivebench load: %s\n", local)
	}
	fmt.Fprintf(env.Stderr, "hivebench load: %s — %s\n", sc.Name, sc.Describe())
	rep, err := load.Run(ctx, sc, tgt, opts)
	if err != nil {
		return err
	}
	if local != nil && local.Served.Exited() {
		fmt.Fprintf(env.Stderr, "hivebench load: warning: hive serve exited during the run; last lines of its stderr:\n  %s\n", strings.ReplaceAll(local.Served.Tail(), "\n", "\n  "))
	}
	out := load.Outputs{JSON: *lf.report, Results: *lf.out, Log: env.Stderr}
	if local != nil {
		out.HiveBin = *lf.hiveBin
	}
	return load.Finish(ctx, env.Stdout, rep, out, lf.json.on)
}

// loadFlags are the flags of hivebench load; given names those on the
// command line.
type loadFlags struct {
	list                                                     *bool
	scenarioName, scenarioFile, target, hiveBin, rate        *string
	profile, mix, leakBound, goroutineBound, out, report     *string
	users, maxInflight, mockTokens                           *int
	segment                                                  *string
	duration, think, thinkJitter, timeout, mockTTFT, mockITL *time.Duration
	sampleEvery, soak, soakWarmup                            *time.Duration
	maxRequests                                              *int64
	seed                                                     *uint64
	thresholds                                               multiFlag
	json                                                     jsonFlag
	given                                                    map[string]bool
}

func addLoadFlags(fs *flag.FlagSet) *loadFlags {
	dm := mockllm.DefaultConfig().Latency
	lf := &loadFlags{
		list:         fs.Bool("list", false, "list the built-in scenarios and exit"),
		scenarioName: fs.String("scenario", "", "built-in scenario `name` (see --list)"),
		scenarioFile: fs.String("scenario-file", "", "scenario YAML `file` (strict: an unknown field is an error)"),
		target:       fs.String("target", "", "load a running server at this loopback `URL` (http://127.0.0.1:PORT) instead of starting one; URL,URL,… spreads the requests over replicas"),
		segment:      fs.String("segment", "", "offer only segment `I/N` of the scenario (0 ≤ I < N) and judge no threshold; hivebench merge judges them on the N segments' union"),
		hiveBin:      fs.String("hive-bin", "bin/hive", "hive `binary` to start (without --target)"),

		users:       fs.Int("users", 0, "virtual users (closed model), or the default --max-inflight (open model)"),
		rate:        fs.String("rate", "", "open model arrival `rate`: R/s, R/min or R/h (sets model open)"),
		maxInflight: fs.Int("max-inflight", 0, "open model: requests running at once (default --users)"),
		duration:    fs.Duration("duration", 0, "how long requests are issued (overrides the scenario)"),
		think:       fs.Duration("think", 0, "closed model: pause between a user's requests"),
		thinkJitter: fs.Duration("think-jitter", 0, "± uniform jitter of --think (default --think/2)"),
		timeout:     fs.Duration("timeout", 0, "per-request timeout (default 30s)"),
		maxRequests: fs.Int64("max-requests", 0, "hard cap on requests issued (default derived from rate or users and duration)"),
		profile:     fs.String("profile", "", "consensus profile of the requests (default balanced)"),
		mix:         fs.String("mix", "", "request mix `kind=weight,...` of consensus, cache_hit, conversation_read"),
		seed:        fs.Uint64("seed", 0, "seed of the kind choice and think jitter (default 1)"),
		given:       map[string]bool{},
	}
	fs.Var(&lf.thresholds, "threshold", "add a threshold `expr` (repeatable), e.g. 'p(99)<300ms'")

	lf.mockTTFT = fs.Duration("mock-ttft", dm.TTFT, "mock LLM time to first token of every reply (no jitter)")
	lf.mockITL = fs.Duration("mock-itl", dm.ITL, "mock LLM gap between two tokens (no jitter)")
	lf.mockTokens = fs.Int("mock-tokens", dm.Tokens, "mock LLM tokens per reply")

	lf.sampleEvery = fs.Duration("sample-every", 0, "server memory sampling interval (default 1s, 5s with --soak)")
	lf.soak = fs.Duration("soak", 0, "soak for this `duration` (replaces --duration) and judge memory growth")
	lf.soakWarmup = fs.Duration("soak-warmup", 0, "samples before this are left out of the soak fit (default 20% of --soak)")
	lf.leakBound = fs.String("leak-bound", "1MB/min", "largest RSS and heap growth that is not a leak (SIZE/TIME)")
	lf.goroutineBound = fs.String("goroutine-bound", "1/min", "largest goroutine growth that is not a leak (COUNT/TIME)")

	lf.out = fs.String("out", "", "write a results `file` (harness/results format: raw latencies, RSS samples)")
	lf.report = fs.String("report", "", "write the full load report as JSON to `file` (thresholds, errors, memory timeline, soak)")
	fs.Var(&lf.json, "json", "print the full load report as JSON on stdout instead of text (--json FILE, the old spelling of --report FILE, still works)")
	return lf
}

// plan is the run the flags state; load.Plan checks it.
func (lf *loadFlags) plan() load.Plan {
	g := func(name string) bool { return lf.given[name] }
	return load.Plan{
		Scenario: *lf.scenarioName, ScenarioFile: *lf.scenarioFile,
		Overrides: load.Overrides{
			Users: ifSet(g("users"), lf.users), MaxInFlight: ifSet(g("max-inflight"), lf.maxInflight),
			Duration: ifSet(g("duration"), lf.duration), Think: ifSet(g("think"), lf.think),
			ThinkJitter: ifSet(g("think-jitter"), lf.thinkJitter), Timeout: ifSet(g("timeout"), lf.timeout),
			MaxRequests: ifSet(g("max-requests"), lf.maxRequests), Profile: ifSet(g("profile"), lf.profile),
			Seed: ifSet(g("seed"), lf.seed), MockTTFT: ifSet(g("mock-ttft"), lf.mockTTFT),
			MockITL: ifSet(g("mock-itl"), lf.mockITL), MockTokens: ifSet(g("mock-tokens"), lf.mockTokens),
			Thresholds: lf.thresholds,
		},
		Rate: ifSet(g("rate"), lf.rate), Mix: ifSet(g("mix"), lf.mix),
		Mock: load.MockLatency{TTFT: *lf.mockTTFT, ITL: *lf.mockITL, Tokens: *lf.mockTokens},
		Soak: ifSet(g("soak"), lf.soak), SoakWarmup: ifSet(g("soak-warmup"), lf.soakWarmup),
		SampleEvery: ifSet(g("sample-every"), lf.sampleEvery), LeakBound: *lf.leakBound, GoroutineBound: *lf.goroutineBound,
		Target: *lf.target, Segment: *lf.segment, Out: *lf.out,
	}
}

func ifSet[T any](given bool, v *T) *T {
	if given {
		return v
	}
	return nil
}

// remote is --target: a running server, loaded as it is.
func (lf *loadFlags) remote(env *cli.Env, plan load.Plan, sc load.Scenario) (load.Target, error) {
	for _, f := range []string{"mock-ttft", "mock-itl", "mock-tokens", "hive-bin"} {
		if lf.given[f] {
			return load.Target{}, exitcode.UsageError("hivebench load: --%s has no effect with --target: the harness starts neither a mock nor a server there", f)
		}
	}
	t, err := plan.Remote(sc)
	if err != nil {
		return load.Target{}, err
	}
	t.Token = env.Getenv("HIVE_API_TOKEN")
	return t, nil
}

// jsonFlag is --json: a boolean, as on every other command (print JSON on
// stdout). It used to name the report file; that spelling, --json FILE or
// --json=FILE, still works for now, with a notice to use --report FILE.
type jsonFlag struct {
	on   bool
	path string // the old spelling's FILE
}

func (j *jsonFlag) IsBoolFlag() bool { return true }

func (j *jsonFlag) String() string {
	if j == nil || !j.on {
		return "false"
	}
	return "true"
}

func (j *jsonFlag) Set(v string) error {
	if b, err := strconv.ParseBool(v); err == nil {
		j.on, j.path = b, ""
		return nil
	}
	j.on, j.path = false, v
	return nil
}

// resolve applies the old spelling: --json=FILE, or --json followed by one
// argument, becomes --report FILE with a notice on stderr. It returns the
// arguments left.
func (j *jsonFlag) resolve(env *cli.Env, pos []string, report *string) ([]string, error) {
	if j.on && len(pos) == 1 {
		j.on, j.path, pos = false, pos[0], nil
	}
	if j.path == "" {
		return pos, nil
	}
	if *report != "" {
		return pos, exitcode.UsageError("hivebench load: --json %s and --report %s: give the report file once, as --report FILE", j.path, *report)
	}
	fmt.Fprintf(env.Stderr, "hivebench load: --json FILE is deprecated; use --report %s (--json alone prints the report as JSON on stdout)\n", j.path)
	*report = j.path
	return pos, nil
}
