package mockllm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/internal/exitcode"
)

// DefaultTokens is the reply length when Latency.Tokens is 0, so that the
// zero Config is a usable zero-latency server.
const DefaultTokens = 16

// Config is everything that shapes the server's answers. The zero value is a
// valid zero-latency, fault-free server with replies of DefaultTokens tokens.
// The YAML form (see LoadConfig) uses the yaml tags below.
type Config struct {
	// Seed makes replies, timings and rate-fault draws reproducible: the same
	// seed and request content give the same words and the same schedule.
	Seed uint64 `yaml:"seed"`
	// Models is what GET /v1/models lists. Requests may name any model: the
	// mock answers every name with the same latency model, so an engine
	// configured with real model IDs works against it unchanged.
	Models  []string `yaml:"models"`
	Latency Latency  `yaml:"latency"`
	Prices  Prices   `yaml:"prices"`
	Faults  Faults   `yaml:"faults"`
}

// Latency is the declared latency model. Every jitter is the half-width of a
// uniform distribution around its mean, and must not exceed the mean.
type Latency struct {
	TTFT         time.Duration `yaml:"ttft"`          // mean time to first token
	TTFTJitter   time.Duration `yaml:"ttft_jitter"`   //
	ITL          time.Duration `yaml:"itl"`           // mean inter-token latency
	ITLJitter    time.Duration `yaml:"itl_jitter"`    //
	Tokens       int           `yaml:"tokens"`        // mean reply length in tokens; 0 means DefaultTokens
	TokensJitter int           `yaml:"tokens_jitter"` //
}

// Prices are USD per token; usage.cost = prompt×Prompt + completion×Completion.
type Prices struct {
	Prompt     float64 `yaml:"prompt"`
	Completion float64 `yaml:"completion"`
}

// Faults are per-request probabilities in [0, 1], each drawn independently
// from the seed and the server's request sequence number (so a retry of the
// same request rolls again). HTTP faults (429, 500) are checked first and end
// the request; the stream faults can combine.
type Faults struct {
	RateLimit   float64       `yaml:"status_429"`  // answer 429 with Retry-After
	RetryAfter  time.Duration `yaml:"retry_after"` // Retry-After of rate-drawn 429s; whole seconds
	ServerError float64       `yaml:"status_500"`  // answer 500
	Cut         float64       `yaml:"cut"`         // close the connection mid-reply, no [DONE]
	Malformed   float64       `yaml:"malformed"`   // one chunk whose JSON is truncated
	KeepAlive   float64       `yaml:"keepalive"`   // ": OPENROUTER PROCESSING" comments between chunks
	// KeepAliveInterval, when above 0, makes a stream that has keep-alive
	// comments also send one every interval while it waits (for its first
	// token, between tokens), as OpenRouter does while a model thinks; 0
	// sends one comment before each wait.
	KeepAliveInterval time.Duration `yaml:"keepalive_interval"`
	StreamError       float64       `yaml:"error"` // an error object inside the 200 stream, then end
}

// DefaultConfig is what `hivebench mock-llm` serves without flags: a
// plausible hosted model (≈200 ms to first token, ≈50 tokens/s, ≈120-token
// replies, gpt-4o-mini-like prices) and no faults.
func DefaultConfig() Config {
	return Config{
		Seed:   1,
		Models: []string{"mock/default"},
		Latency: Latency{
			TTFT: 200 * time.Millisecond, TTFTJitter: 50 * time.Millisecond,
			ITL: 20 * time.Millisecond, ITLJitter: 5 * time.Millisecond,
			Tokens: 120, TokensJitter: 40,
		},
		Prices: Prices{Prompt: 0.15e-6, Completion: 0.6e-6},
		Faults: Faults{RetryAfter: time.Second},
	}
}

// SetTTFT sets the mean time to first token and keeps its jitter within a
// quarter of it, so that a mean given alone (`--ttft 5ms`) is a valid
// model; a jitter set afterwards wins.
func (l *Latency) SetTTFT(d time.Duration) {
	l.TTFT, l.TTFTJitter = d, min(l.TTFTJitter, d/4)
}

// SetITL is SetTTFT for the inter-token latency.
func (l *Latency) SetITL(d time.Duration) {
	l.ITL, l.ITLJitter = d, min(l.ITLJitter, d/4)
}

// SetTokens is SetTTFT for the reply length.
func (l *Latency) SetTokens(n int) {
	l.Tokens, l.TokensJitter = n, min(l.TokensJitter, n/4)
}

func (l Latency) withDefaults() Latency {
	if l.Tokens == 0 {
		l.Tokens = DefaultTokens
	}
	return l
}

// Validate reports the first field that is out of range, naming it as the
// YAML path and the hivebench flag. The error carries exit code 2.
func (c Config) Validate() error {
	l := c.Latency.withDefaults()
	check := []struct {
		bad       bool
		field     string
		flag      string
		value     any
		wantRight string
	}{
		{l.TTFT < 0, "latency.ttft", "--ttft", l.TTFT, "want a duration ≥ 0 such as 200ms"},
		{l.TTFTJitter < 0 || l.TTFTJitter > l.TTFT, "latency.ttft_jitter", "--ttft-jitter", l.TTFTJitter,
			fmt.Sprintf("want 0 ≤ jitter ≤ latency.ttft (%v): jitter is ± around the mean and a delay cannot be negative", l.TTFT)},
		{l.ITL < 0, "latency.itl", "--itl", l.ITL, "want a duration ≥ 0 such as 20ms"},
		{l.ITLJitter < 0 || l.ITLJitter > l.ITL, "latency.itl_jitter", "--itl-jitter", l.ITLJitter,
			fmt.Sprintf("want 0 ≤ jitter ≤ latency.itl (%v): jitter is ± around the mean and a delay cannot be negative", l.ITL)},
		{l.Tokens < 0, "latency.tokens", "--tokens", l.Tokens, "want ≥ 1 (0 means the default, 16)"},
		{l.TokensJitter < 0 || l.TokensJitter >= l.Tokens, "latency.tokens_jitter", "--tokens-jitter", l.TokensJitter,
			fmt.Sprintf("want 0 ≤ jitter < latency.tokens (%d) so every reply has at least one token", l.Tokens)},
		{badPrice(c.Prices.Prompt), "prices.prompt", "--price-prompt", c.Prices.Prompt, "want USD per prompt token ≥ 0, e.g. 0.00000015"},
		{badPrice(c.Prices.Completion), "prices.completion", "--price-completion", c.Prices.Completion, "want USD per completion token ≥ 0, e.g. 0.0000006"},
		{badRate(c.Faults.RateLimit), "faults.status_429", "--fault-429", c.Faults.RateLimit, "want a probability in [0, 1]"},
		{badRate(c.Faults.ServerError), "faults.status_500", "--fault-500", c.Faults.ServerError, "want a probability in [0, 1]"},
		{badRate(c.Faults.Cut), "faults.cut", "--fault-cut", c.Faults.Cut, "want a probability in [0, 1]"},
		{badRate(c.Faults.Malformed), "faults.malformed", "--fault-malformed", c.Faults.Malformed, "want a probability in [0, 1]"},
		{badRate(c.Faults.KeepAlive), "faults.keepalive", "--fault-keepalive", c.Faults.KeepAlive, "want a probability in [0, 1]"},
		{badRate(c.Faults.StreamError), "faults.error", "--fault-error", c.Faults.StreamError, "want a probability in [0, 1]"},
		{c.Faults.KeepAliveInterval < 0 || (c.Faults.KeepAliveInterval > 0 && c.Faults.KeepAliveInterval < time.Millisecond),
			"faults.keepalive_interval", "config file only", c.Faults.KeepAliveInterval,
			"want 0 (one comment before each wait) or a duration ≥ 1ms such as 10s"},
		{c.Faults.RetryAfter < 0 || c.Faults.RetryAfter%time.Second != 0, "faults.retry_after", "--retry-after", c.Faults.RetryAfter,
			"want whole seconds ≥ 0 such as 1s: the Retry-After header carries an integer number of seconds"},
	}
	for _, k := range check {
		if k.bad {
			return exitcode.UsageError("mock-llm config: %s (%s) is %v; %s", k.field, k.flag, k.value, k.wantRight)
		}
	}
	for i, m := range c.Models {
		if strings.TrimSpace(m) == "" {
			return exitcode.UsageError("mock-llm config: models[%d] (--models) is empty; want a model ID such as mock/default", i)
		}
	}
	return nil
}

func badRate(r float64) bool  { return math.IsNaN(r) || r < 0 || r > 1 }
func badPrice(p float64) bool { return math.IsNaN(p) || math.IsInf(p, 0) || p < 0 }

// LoadConfig reads a YAML config file over defaults: fields the file leaves
// out keep their value from defaults. Decoding is strict — an unknown field,
// a duration written as a bare number, a second YAML document — and every
// error names the file; the result is validated. Errors carry exit code 2.
//
//	seed: 1
//	models: [mock/default, openai/gpt-4o-mini]
//	latency: {ttft: 200ms, ttft_jitter: 50ms, itl: 20ms, itl_jitter: 5ms, tokens: 120, tokens_jitter: 40}
//	prices: {prompt: 0.00000015, completion: 0.0000006}
//	faults: {status_429: 0.01, retry_after: 1s, status_500: 0.01, cut: 0, malformed: 0, keepalive: 0, keepalive_interval: 0s, error: 0}
//
// A stream that stalls 90 s before its first token while sending a
// keep-alive comment every 10 s (what OpenRouter does while a model
// thinks):
//
//	latency: {ttft: 90s, ttft_jitter: 0s}
//	faults: {keepalive: 1, keepalive_interval: 10s}
func LoadConfig(path string, defaults Config) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, exitcode.UsageError("mock-llm config %s: %v", path, err)
	}
	cfg := defaults
	cfg.Models = append([]string(nil), defaults.Models...)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, exitcode.UsageError("mock-llm config %s: %s", path, oneLine(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, exitcode.UsageError("mock-llm config %s: holds more than one YAML document; want exactly one", path)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, exitcode.UsageError("%s (in %s)", err, path)
	}
	return cfg, nil
}

// oneLine flattens yaml's multi-line "unmarshal errors:" list so the CLI
// prints it as the single error line it promises; a newline inside a quoted
// value is written as \n.
func oneLine(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.ReplaceAll(s, "unmarshal errors:\n  ", "")
	s = strings.ReplaceAll(s, "\n  line ", "; line ")
	return strings.ReplaceAll(s, "\n", `\n`)
}
