package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/engine/server"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{Name: "serve", Summary: "serve the consensus HTTP API, /metrics and /debug/pprof (default 127.0.0.1:8765)", Run: runServe})
}

func runServe(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hive", "serve")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hive serve [flags]\n\nServe POST /v1/consensus, the OpenAI-compatible POST /v1/chat/completions\n(model hive/<profile>; temperature, max_tokens and stop apply to the last stage)\nand GET /v1/models (the profiles), GET /v1/conversations/{id}, /healthz,\n/metrics, /debug/pprof/ and /debug/fgprof. Errors are OpenAI's {\"error\": {...}}.\nListening off loopback requires HIVE_API_TOKEN (sent as Authorization: Bearer).\nRequests whose Host or Origin does not name the server are refused (403), and\nrun requests must be sent as application/json (415).\nSIGINT/SIGTERM shut down gracefully.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", server.DefaultAddr, "listen `address` (host:port; port 0 picks a free one)")
	dbPath := fs.String("db", "", "database `path` (default $HIVE_DB, else ~/.local/share/hive/hive.db)")
	baseURL := fs.String("llm-base-url", "", "OpenAI-compatible `URL` (default $HIVE_LLM_BASE_URL, else OpenRouter with $OPENROUTER_API_KEY)")
	profile := fs.String("profile", "", "default `profile` for requests that name none (default from the config: balanced)")
	configPath := fs.String("config", "", "profiles config `file` (default $HIVE_CONFIG, else ~/.config/hive/config.yaml if present)")
	grace := fs.Duration("shutdown-grace", server.DefaultShutdownGrace, "how long in-flight runs may finish after SIGINT/SIGTERM before they are canceled")
	runTimeout := fs.Duration("run-timeout", server.DefaultRunTimeout, "upper bound of one run")
	var allowedHosts hostList
	fs.Var(&allowedHosts, "allowed-host", "also accept this `name[:port]` in Host and Origin, e.g. behind a reverse proxy (repeatable, or comma-separated)")
	maxInflight := fs.Int("max-inflight", 0, "refuse (429) run requests beyond `N` in flight; 0: no limit")
	maxCost := fs.Float64("max-cost-per-hour", 0, "refuse (429) new runs while the runs that ended in the last rolling hour cost this many `USD`; 0: no cap")
	keepAlive := fs.Duration("sse-keepalive", server.DefaultStreamKeepAlive, "longest silence of an SSE stream: a comment is sent when nothing else was")
	writeWindow := fs.Duration("sse-write-window", server.DefaultStreamWriteWindow, "how long one SSE write may take before the client is dropped and its run canceled")
	maxAnswer := fs.Int("max-answer-bytes", llm.DefaultMaxAnswerBytes, "cap on one stage's answer from upstream; past it the stage fails")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hive serve: unexpected argument %q; serve takes only flags", fs.Arg(0))
	}
	if *grace <= 0 || *runTimeout <= 0 || *keepAlive <= 0 || *writeWindow <= 0 {
		return exitcode.UsageError("hive serve: --shutdown-grace, --run-timeout, --sse-keepalive and --sse-write-window must be positive durations such as 10s")
	}
	if *maxAnswer <= 0 {
		return exitcode.UsageError("hive serve: --max-answer-bytes is %d; want a positive number of bytes such as %d", *maxAnswer, llm.DefaultMaxAnswerBytes)
	}

	// Flags and environment are checked before the store is opened, and
	// nothing is done before listening that a request would then have to
	// wait for: startup is measured as exec → first 200, and the first 200
	// means every route is ready.
	token := env.Getenv("HIVE_API_TOKEN")
	if err := server.CheckAuth(*addr, token); err != nil {
		return err
	}
	if err := server.CheckAllowedHosts(allowedHosts); err != nil {
		return err
	}
	if err := server.CheckLimits(*maxInflight, *maxCost); err != nil {
		return err
	}
	client, err := newLLMClient(env, *baseURL, llm.WithMaxAnswerBytes(*maxAnswer))
	if err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	st, cfg, reg, err := openStoreAndProfiles(env, path, *configPath, *profile)
	if err != nil {
		return err
	}
	defer st.Close()

	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	eng, err := consensus.New(cfg, client, consensus.WithStore(st), consensus.WithRegisterer(reg),
		consensus.WithStoreErrorHandler(func(err error) {
			log.Error("background store write failed (a cache entry or the record of an answered run)", "err", err)
		}))
	if err != nil {
		return err
	}
	defer eng.Close() // runs before st.Close: queued cache writes reach the store
	srv, err := server.New(server.Config{Addr: *addr, Token: token, Engine: eng, Conversations: st, Registry: reg,
		RunTimeout: *runTimeout, ShutdownGrace: *grace, StreamKeepAlive: *keepAlive, StreamWriteWindow: *writeWindow, Logger: log,
		AllowedHosts: allowedHosts, MaxInflight: *maxInflight, MaxCostPerHour: *maxCost})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return exitcode.UsageError("hive serve: cannot listen on %s: %v; choose another --addr", *addr, unwrapOp(err))
	}
	// The harness reads this line to learn the port when --addr ends in :0.
	fmt.Fprintf(env.Stderr, "%shttp://%s\n", server.ListenLinePrefix, ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		return exitcode.InfraError("hive serve: %v", err)
	}
	fmt.Fprintln(env.Stderr, "hive: stopped")
	return nil
}

// openStoreAndProfiles opens the store while the profiles are parsed and
// the metrics registered: on two cores the two halves of startup overlap
// instead of adding up. A bad profiles file is then refused after the
// database file exists, which loses nothing; it is reported before a store
// error, as it is what the user can fix.
func openStoreAndProfiles(env *cli.Env, path, configPath, profile string) (*store.Store, *consensus.Config, *prometheus.Registry, error) {
	opened := make(chan openedStore, 1)
	go func() {
		st, err := store.Open(path)
		opened <- openedStore{st, err}
	}()
	cfg, err := loadProfiles(env, configPath, profile)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	o := <-opened
	if err != nil {
		if o.st != nil {
			_ = o.st.Close()
		}
		return nil, nil, nil, err
	}
	if o.err != nil {
		return nil, nil, nil, o.err
	}
	return o.st, cfg, reg, nil
}

// openedStore is what the goroutine that opens the store hands back.
type openedStore struct {
	st  *store.Store
	err error
}

// newLLMClient builds the client from the environment and --llm-base-url
// (then opts), refusing (exit 2, one line naming the variables) when there
// is no endpoint to talk to.
func newLLMClient(env *cli.Env, baseURLFlag string, opts ...llm.Option) (*llm.Client, error) {
	c := llm.ConfigFromEnv(env.Getenv)
	if baseURLFlag != "" {
		c.BaseURL = baseURLFlag
	}
	if err := c.Check(); err != nil {
		return nil, exitcode.With(exitcode.Usage, err)
	}
	return llm.New(append(c.Options(), opts...)...), nil
}

// loadProfiles loads the consensus config and applies a --profile default.
func loadProfiles(env *cli.Env, configPath, defaultProfile string) (*consensus.Config, error) {
	cfg, err := consensus.LoadConfig(env.Getenv, configPath)
	if err != nil {
		return nil, err
	}
	if defaultProfile != "" {
		if _, err := cfg.Profile(defaultProfile); err != nil {
			return nil, err
		}
		cfg.DefaultProfile = defaultProfile
	}
	return cfg, nil
}

// hostList collects --allowed-host; server.CheckAllowedHosts checks it.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	for _, e := range strings.Split(v, ",") {
		*h = append(*h, strings.TrimSpace(e))
	}
	return nil
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
