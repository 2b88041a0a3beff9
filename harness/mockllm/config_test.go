package mockllm

import (
	"context"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mock.yaml")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestLoadConfig(t *testing.T) {
	p := writeFile(t, `
seed: 9
models: [a/b, c/d]
latency:
  ttft: 150ms
  ttft_jitter: 10ms
  tokens: 50
prices: {prompt: 0.000001}
faults:
  status_429: 0.25
  retry_after: 3s
  keepalive: 1
  keepalive_interval: 10s
`)
	cfg, err := LoadConfig(p, DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, uint64(9), cfg.Seed)
	assert.Equal(t, []string{"a/b", "c/d"}, cfg.Models)
	assert.Equal(t, 150*time.Millisecond, cfg.Latency.TTFT)
	assert.Equal(t, 10*time.Millisecond, cfg.Latency.TTFTJitter)
	assert.Equal(t, 50, cfg.Latency.Tokens)
	assert.Equal(t, 1e-6, cfg.Prices.Prompt)
	assert.Equal(t, 0.25, cfg.Faults.RateLimit)
	assert.Equal(t, 3*time.Second, cfg.Faults.RetryAfter)
	assert.Equal(t, 1.0, cfg.Faults.KeepAlive)
	assert.Equal(t, 10*time.Second, cfg.Faults.KeepAliveInterval)
	// Fields the file leaves out keep the defaults.
	d := DefaultConfig()
	assert.Equal(t, d.Latency.ITL, cfg.Latency.ITL)
	assert.Equal(t, d.Latency.TokensJitter, cfg.Latency.TokensJitter)
	assert.Equal(t, d.Prices.Completion, cfg.Prices.Completion)
}

func TestLoadConfigEmptyFileIsDefaults(t *testing.T) {
	cfg, err := LoadConfig(writeFile(t, "# nothing\n"), DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, DefaultConfig(), cfg)
}

func TestLoadConfigIsStrict(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown top-level field", "seed: 1\nlatencyy: {}\n", []string{"field latencyy not found"}},
		{"unknown nested field", "latency:\n  ttft: 1s\n  tfft_jitter: 1ms\n", []string{"line 3", "field tfft_jitter not found"}},
		{"unknown fault", "faults: {status_418: 0.1}\n", []string{"field status_418 not found"}},
		{"duration as a bare number", "latency: {ttft: 200}\n", []string{"200", "time.Duration"}},
		{"bad duration", "latency: {itl: fast}\n", []string{"fast"}},
		{"two documents", "seed: 1\n---\nseed: 2\n", []string{"more than one YAML document"}},
		{"not YAML", "seed: [1\n", []string{"line"}},
		{"jitter above mean", "latency: {ttft: 50ms, ttft_jitter: 60ms}\n", []string{"latency.ttft_jitter (--ttft-jitter) is 60ms", "≤ latency.ttft (50ms)"}},
		{"rate above 1", "faults: {cut: 1.5}\n", []string{"faults.cut (--fault-cut) is 1.5", "[0, 1]"}},
		{"fractional retry-after", "faults: {retry_after: 1500ms}\n", []string{"faults.retry_after", "whole seconds"}},
		{"empty model", "models: [a, '']\n", []string{"models[1]"}},
		{"a multi-line value where a mapping belongs", "\"a\\nb\"\n", []string{"cannot unmarshal !!str `a\\nb`"}},
		{"a multi-line value in a list of errors", "seed: \"1\\n2\"\nlatency: {tokens: \"x\\ny\"}\n", []string{"`1\\n2`", "; ", "`x\\ny`"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.text)
			_, err := LoadConfig(p, DefaultConfig())
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), p, "the message names the file")
			assert.NotContains(t, err.Error(), "\n", "one line")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	_, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"), DefaultConfig())
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "missing.yaml")
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(c *Config)
		field string // "" means valid
	}{
		{"default", func(c *Config) {}, ""},
		{"zero", func(c *Config) { *c = Config{} }, ""},
		{"jitter equal to mean", func(c *Config) { c.Latency.ITLJitter = c.Latency.ITL }, ""},
		{"negative ttft", func(c *Config) { c.Latency.TTFT = -1 }, "latency.ttft "},
		{"itl jitter above mean", func(c *Config) { c.Latency.ITLJitter = c.Latency.ITL + 1 }, "latency.itl_jitter"},
		{"negative tokens", func(c *Config) { c.Latency.Tokens = -3 }, "latency.tokens "},
		{"tokens jitter equal to tokens", func(c *Config) { c.Latency.TokensJitter = c.Latency.Tokens }, "latency.tokens_jitter"},
		{"default tokens bound the jitter", func(c *Config) { *c = Config{Latency: Latency{TokensJitter: DefaultTokens}} }, "latency.tokens_jitter"},
		{"NaN price", func(c *Config) { c.Prices.Prompt = math.NaN() }, "prices.prompt"},
		{"negative price", func(c *Config) { c.Prices.Completion = -1 }, "prices.completion"},
		{"NaN rate", func(c *Config) { c.Faults.ServerError = math.NaN() }, "faults.status_500"},
		{"negative rate", func(c *Config) { c.Faults.StreamError = -0.1 }, "faults.error"},
		{"rate above 1", func(c *Config) { c.Faults.Malformed = 1.01 }, "faults.malformed"},
		{"negative keepalive interval", func(c *Config) { c.Faults.KeepAliveInterval = -time.Second }, "faults.keepalive_interval"},
		{"keepalive interval under 1ms", func(c *Config) { c.Faults.KeepAliveInterval = time.Microsecond }, "faults.keepalive_interval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.mod(&cfg)
			err := cfg.Validate()
			if c.field == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.field)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		})
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	cases := []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:8766", "10.0.0.1:0", "example.com:80", "127.0.0.1.nip.io:0"}
	for _, addr := range cases {
		t.Run(addr, func(t *testing.T) {
			run, err := New(Config{}).Listen(context.Background(), addr)
			require.Error(t, err)
			assert.Nil(t, run)
			assert.True(t, errors.Is(err, ErrNotLoopback), "%v", err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), addr)
		})
	}
	t.Run("malformed address", func(t *testing.T) {
		_, err := New(Config{}).Listen(context.Background(), "127.0.0.1")
		require.Error(t, err)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		assert.Contains(t, err.Error(), "want host:port")
	})
}

func TestLoopbackAddressesAccepted(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.1.2.3:8766", "[::1]:0", "localhost:0"} {
		assert.NoError(t, checkLoopback(addr), addr)
	}
	run, err := New(Config{}).Listen(context.Background(), "localhost:0")
	require.NoError(t, err)
	defer run.Shutdown(context.Background())
	host, _, err := net.SplitHostPort(run.Addr)
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsLoopback(), run.Addr)
	assert.Equal(t, "http://"+run.Addr+"/v1", run.BaseURL)
}

func TestListenPortInUseIsInfra(t *testing.T) {
	_, first := startServer(t, Config{})
	_, err := New(Config{}).Listen(context.Background(), first.Addr)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), first.Addr)
}

// A mean set alone keeps its jitter within a quarter of it, so the model
// stays valid; a jitter set afterwards wins.
func TestLatencySetters(t *testing.T) {
	d := DefaultConfig().Latency
	cases := []struct {
		name string
		set  func(l *Latency)
		want func(l Latency) Latency
	}{
		{"small TTFT clamps its jitter", func(l *Latency) { l.SetTTFT(4 * time.Millisecond) },
			func(l Latency) Latency { l.TTFT, l.TTFTJitter = 4*time.Millisecond, time.Millisecond; return l }},
		{"large TTFT keeps its jitter", func(l *Latency) { l.SetTTFT(time.Hour) },
			func(l Latency) Latency { l.TTFT = time.Hour; return l }},
		{"jitter set after wins", func(l *Latency) { l.SetTTFT(4 * time.Millisecond); l.TTFTJitter = 3 * time.Millisecond },
			func(l Latency) Latency { l.TTFT, l.TTFTJitter = 4*time.Millisecond, 3*time.Millisecond; return l }},
		{"ITL", func(l *Latency) { l.SetITL(0) }, func(l Latency) Latency { l.ITL, l.ITLJitter = 0, 0; return l }},
		{"tokens", func(l *Latency) { l.SetTokens(5) }, func(l Latency) Latency { l.Tokens, l.TokensJitter = 5, min(l.TokensJitter, 1); return l }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := d
			c.set(&got)
			assert.Equal(t, c.want(d), got)
			cfg := DefaultConfig()
			cfg.Latency = got
			assert.NoError(t, cfg.Validate())
		})
	}
}
