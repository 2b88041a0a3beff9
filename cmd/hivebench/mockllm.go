package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{
		Name:    "mock-llm",
		Summary: "serve the offline OpenAI-compatible LLM (latency model, faults) on loopback",
		Run:     runMockLLM,
	})
}

const mockLLMUsage = `Usage: hivebench mock-llm [flags]

Serves an OpenAI-compatible chat completions API on a loopback address and
prints the base URL to give the engine (export HIVE_LLM_BASE_URL=...).
Precedence: flags given explicitly, then --config FILE, then the defaults below.
Scripted faults are chosen per request by model name, e.g. "@fail-500x3/any",
"@cut-after-5/any"; the grammar is in: go doc github.com/hiveperf/hive/harness/mockllm

Flags:
`

// runMockLLM serves harness/mockllm until ctx is canceled (SIGINT/SIGTERM),
// then shuts down gracefully and prints the final counters on stderr. The
// only line on stdout is the base URL, as a shell export, so that
// `eval "$(hivebench mock-llm ... | head -1)"`-style wrappers can take it.
func runMockLLM(ctx context.Context, env *cli.Env, args []string) error {
	d := mockllm.DefaultConfig()
	fs := cli.FlagSet(env, "hivebench", "mock-llm")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), mockLLMUsage)
		fs.PrintDefaults()
	}

	// Each flag that changes the config registers how it applies, so that
	// only flags given on the command line override the config file.
	apply := map[string]func(c *mockllm.Config){}
	addr := fs.String("addr", "127.0.0.1:8766", "loopback `host:port` to listen on (port 0 picks a free port)")
	configPath := fs.String("config", "", "YAML config `file` (strict: an unknown field is an error)")

	seed := fs.Uint64("seed", d.Seed, "seed of replies, timings and fault draws")
	apply["seed"] = func(c *mockllm.Config) { c.Seed = *seed }
	models := fs.String("models", strings.Join(d.Models, ","), "comma-separated model IDs listed by GET /v1/models (any name is answered)")
	apply["models"] = func(c *mockllm.Config) { c.Models = splitList(*models) }

	ttft := fs.Duration("ttft", d.Latency.TTFT, "mean time to first token")
	// Flags apply in name order, so an explicit --ttft-jitter still wins
	// over the jitter --ttft keeps within a quarter of the mean.
	apply["ttft"] = func(c *mockllm.Config) { c.Latency.SetTTFT(*ttft) }
	ttftJitter := fs.Duration("ttft-jitter", d.Latency.TTFTJitter, "TTFT jitter: uniform ± around the mean, at most the mean")
	apply["ttft-jitter"] = func(c *mockllm.Config) { c.Latency.TTFTJitter = *ttftJitter }
	itl := fs.Duration("itl", d.Latency.ITL, "mean inter-token latency")
	apply["itl"] = func(c *mockllm.Config) { c.Latency.SetITL(*itl) }
	itlJitter := fs.Duration("itl-jitter", d.Latency.ITLJitter, "inter-token jitter: uniform ± around the mean, at most the mean")
	apply["itl-jitter"] = func(c *mockllm.Config) { c.Latency.ITLJitter = *itlJitter }
	tokens := fs.Int("tokens", d.Latency.Tokens, "mean reply length in tokens")
	apply["tokens"] = func(c *mockllm.Config) { c.Latency.SetTokens(*tokens) }
	tokensJitter := fs.Int("tokens-jitter", d.Latency.TokensJitter, "reply length jitter: uniform ± around the mean, below the mean")
	apply["tokens-jitter"] = func(c *mockllm.Config) { c.Latency.TokensJitter = *tokensJitter }

	pricePrompt := fs.Float64("price-prompt", d.Prices.Prompt, "USD per prompt token (usage.cost)")
	apply["price-prompt"] = func(c *mockllm.Config) { c.Prices.Prompt = *pricePrompt }
	priceCompletion := fs.Float64("price-completion", d.Prices.Completion, "USD per completion token (usage.cost)")
	apply["price-completion"] = func(c *mockllm.Config) { c.Prices.Completion = *priceCompletion }

	rate := func(name string, field func(c *mockllm.Config) *float64, usage string) {
		v := fs.Float64(name, *field(&d), usage)
		apply[name] = func(c *mockllm.Config) { *field(c) = *v }
	}
	rate("fault-429", func(c *mockllm.Config) *float64 { return &c.Faults.RateLimit }, "probability of a 429 with Retry-After")
	rate("fault-500", func(c *mockllm.Config) *float64 { return &c.Faults.ServerError }, "probability of a 500")
	rate("fault-cut", func(c *mockllm.Config) *float64 { return &c.Faults.Cut }, "probability of a connection cut mid-reply (no [DONE])")
	rate("fault-malformed", func(c *mockllm.Config) *float64 { return &c.Faults.Malformed }, "probability of one malformed chunk")
	rate("fault-keepalive", func(c *mockllm.Config) *float64 { return &c.Faults.KeepAlive }, "probability of ': OPENROUTER PROCESSING' comments between chunks")
	rate("fault-error", func(c *mockllm.Config) *float64 { return &c.Faults.StreamError }, "probability of an error object inside a 200 stream")
	retryAfter := fs.Duration("retry-after", d.Faults.RetryAfter, "Retry-After of rate-drawn 429s (whole seconds)")
	apply["retry-after"] = func(c *mockllm.Config) { c.Faults.RetryAfter = *retryAfter }

	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hivebench mock-llm: unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}

	cfg := d
	if *configPath != "" {
		var err error
		if cfg, err = mockllm.LoadConfig(*configPath, d); err != nil {
			return err
		}
	}
	fs.Visit(func(f *flag.Flag) {
		if a := apply[f.Name]; a != nil {
			a(&cfg)
		}
	})
	if err := cfg.Validate(); err != nil {
		return err
	}

	srv := mockllm.New(cfg)
	run, err := srv.Listen(ctx, *addr)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(env.Stdout, "export HIVE_LLM_BASE_URL=%s\n", run.BaseURL); err != nil {
		_ = run.Shutdown(context.Background())
		return exitcode.InfraError("hivebench mock-llm: writing the base URL: %v", err)
	}
	l := cfg.Latency
	fmt.Fprintf(env.Stderr, "hivebench mock-llm: serving %s (stats: GET /mock/stats); ttft %v±%v, itl %v±%v, tokens %d±%d, seed %d; stop with Ctrl-C\n",
		run.BaseURL, l.TTFT, l.TTFTJitter, l.ITL, l.ITLJitter, l.Tokens, l.TokensJitter, cfg.Seed)

	<-run.Done()
	stats, _ := json.Marshal(srv.Stats())
	fmt.Fprintf(env.Stderr, "hivebench mock-llm: stopped; stats %s\n", stats)
	return run.Err()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
