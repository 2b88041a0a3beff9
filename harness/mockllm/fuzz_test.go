package mockllm

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/internal/exitcode"
)

// wireConfig is Config as a user writes it: durations as strings such as
// "200ms", which is what LoadConfig's strict decoding accepts.
type wireConfig struct {
	Seed    uint64   `yaml:"seed"`
	Models  []string `yaml:"models"`
	Latency struct {
		TTFT         string `yaml:"ttft"`
		TTFTJitter   string `yaml:"ttft_jitter"`
		ITL          string `yaml:"itl"`
		ITLJitter    string `yaml:"itl_jitter"`
		Tokens       int    `yaml:"tokens"`
		TokensJitter int    `yaml:"tokens_jitter"`
	} `yaml:"latency"`
	Prices Prices `yaml:"prices"`
	Faults struct {
		RateLimit   float64 `yaml:"status_429"`
		RetryAfter  string  `yaml:"retry_after"`
		ServerError float64 `yaml:"status_500"`
		Cut         float64 `yaml:"cut"`
		Malformed   float64 `yaml:"malformed"`
		KeepAlive   float64 `yaml:"keepalive"`
		StreamError float64 `yaml:"error"`
	} `yaml:"faults"`
}

func render(c Config) ([]byte, error) {
	var w wireConfig
	w.Seed, w.Models, w.Prices = c.Seed, c.Models, c.Prices
	l := &w.Latency
	l.TTFT, l.TTFTJitter, l.ITL, l.ITLJitter = c.Latency.TTFT.String(), c.Latency.TTFTJitter.String(), c.Latency.ITL.String(), c.Latency.ITLJitter.String()
	l.Tokens, l.TokensJitter = c.Latency.Tokens, c.Latency.TokensJitter
	f := &w.Faults
	f.RateLimit, f.RetryAfter, f.ServerError = c.Faults.RateLimit, c.Faults.RetryAfter.String(), c.Faults.ServerError
	f.Cut, f.Malformed, f.KeepAlive, f.StreamError = c.Faults.Cut, c.Faults.Malformed, c.Faults.KeepAlive, c.Faults.StreamError
	return yaml.Marshal(w)
}

// FuzzLoadConfig: a mock config file is outside input. LoadConfig must never
// panic; every refusal is a usage error naming the file; what it accepts is
// valid, and written back out in full it loads to the same Config whatever
// the defaults.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzLoadConfig -fuzztime 60s -parallel 1 ./harness/mockllm
func FuzzLoadConfig(f *testing.F) {
	for _, seed := range []string{
		"seed: 9\nmodels: [a/b, c/d]\nlatency:\n  ttft: 150ms\n  ttft_jitter: 10ms\n  tokens: 50\nprices: {prompt: 0.000001}\nfaults:\n  status_429: 0.25\n  retry_after: 3s\n  keepalive: 1\n",
		"# nothing\n", "", "seed: 1\nlatencyy: {}\n", "latency:\n  ttft: 1s\n  tfft_jitter: 1ms\n", "faults: {status_418: 0.1}\n",
		"latency: {ttft: 200}\n", "latency: {itl: fast}\n", "seed: 1\n---\nseed: 2\n", "seed: [1\n",
		"latency: {ttft: 50ms, ttft_jitter: 60ms}\n", "faults: {cut: 1.5}\n", "faults: {retry_after: 1500ms}\n", "models: [a, '']\n",
		"prices: {prompt: .nan}\n", "prices: {completion: .inf}\n", "latency: {tokens: -1}\n", "latency: {tokens: 3, tokens_jitter: 3}\n",
		"seed: 18446744073709551615\nlatency: {ttft: 2562047h, itl: 1ns}\n", "models: ~\n", "models: []\n", "- a\n", "seed: -1\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		// One worker with -parallel 1, so one file is enough.
		path := filepath.Join(dir, "mock.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path, DefaultConfig())
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("refusal is not a usage error: %v", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("refusal does not name the file: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("refusal is not one line: %q", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted an invalid config: %v", err)
		}
		out, err := render(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, defaults := range []Config{{}, DefaultConfig()} {
			back, err := LoadConfig(path, defaults)
			if err != nil {
				t.Fatalf("the accepted config written back does not load: %v\n%s", err, out)
			}
			if len(back.Models) == 0 && len(cfg.Models) == 0 {
				back.Models = cfg.Models // nil and empty are the same list
			}
			if !reflect.DeepEqual(back, cfg) {
				t.Fatalf("round trip over %+v:\n got %+v\nwant %+v\nfile:\n%s", defaults, back, cfg, out)
			}
		}
	})
}
