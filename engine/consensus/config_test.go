package consensus

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestDefaultProfiles(t *testing.T) {
	cfg, err := DefaultConfig()
	require.NoError(t, err)
	assert.Equal(t, []string{"balanced", "cost", "direct", "elite", "speed"}, cfg.ProfileNames())
	assert.Equal(t, "balanced", cfg.DefaultProfile)
	for _, name := range []string{"speed", "balanced", "elite", "cost"} {
		p, err := cfg.Profile(name)
		require.NoError(t, err)
		assert.Equal(t, []string{StageGenerator, StageRefiner, StageValidator, StageCurator}, p.Stages(), name)
		for _, s := range p.Stages() {
			sc := p.StageConfig(s)
			require.NotNil(t, sc)
			assert.NotEmpty(t, sc.Model)
			assert.NotEmpty(t, sc.Fallbacks, "%s.%s has no fallback", name, s)
			assert.Positive(t, sc.MaxTokens)
			require.NotNil(t, sc.Temperature)
			// Every built-in model has a price, so budgets work on any
			// endpoint that does not report cost.
			_, priced := cfg.Prices[sc.Model]
			assert.True(t, priced, "no price for %s", sc.Model)
		}
	}
	d, err := cfg.Profile("direct")
	require.NoError(t, err)
	assert.Equal(t, []string{StageDirect}, d.Stages())
	p, err := cfg.Profile("")
	require.NoError(t, err)
	assert.Equal(t, "balanced", p.Name)
}

func TestLoadConfigOverlay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
default_profile: mine
profiles:
  speed:
    direct: {model: local/llama}
  mine:
    generator: {model: a}
    refiner:   {model: b}
    validator: {model: c}
    curator:   {model: d, fallbacks: [e]}
prices:
  a: {prompt: 1, completion: 2}
`), 0o644))
	env := map[string]string{"HIVE_CONFIG": path}
	cfg, err := LoadConfig(func(k string) string { return env[k] }, "")
	require.NoError(t, err)
	assert.Equal(t, "mine", cfg.DefaultProfile)
	speed, err := cfg.Profile("speed")
	require.NoError(t, err)
	assert.Equal(t, []string{StageDirect}, speed.Stages(), "a user profile replaces the built-in one whole")
	_, err = cfg.Profile("elite")
	assert.NoError(t, err, "built-in profiles the file does not name stay")
	assert.Equal(t, Price{Prompt: 1, Completion: 2}, cfg.Prices["a"])
	assert.Contains(t, cfg.Prices, "openai/gpt-4o-mini", "built-in prices stay")

	// The XDG location is read when present and skipped when absent.
	xdg := t.TempDir()
	cfg, err = LoadConfig(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": xdg}[k] }, "")
	require.NoError(t, err)
	assert.Equal(t, "balanced", cfg.DefaultProfile)
	require.NoError(t, os.MkdirAll(filepath.Join(xdg, "hive"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(xdg, "hive", "config.yaml"), []byte("default_profile: speed\n"), 0o644))
	cfg, err = LoadConfig(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": xdg}[k] }, "")
	require.NoError(t, err)
	assert.Equal(t, "speed", cfg.DefaultProfile)
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown field", "profiles:\n  x:\n    direct: {model: a, max_token: 3}\n", []string{"field max_token not found", "known top-level fields"}},
		{"unknown top-level field", "profile: speed\n", []string{"field profile not found"}},
		{"missing stages", "profiles:\n  x:\n    generator: {model: a}\n", []string{"profiles.x", "missing refiner, validator, curator"}},
		{"direct and stages", "profiles:\n  x:\n    direct: {model: a}\n    curator: {model: b}\n", []string{"profiles.x", "both direct and curator"}},
		{"no stages", "profiles:\n  x:\n    description: nothing\n", []string{"profiles.x", "names no stages"}},
		{"empty profile", "profiles:\n  x:\n", []string{"profiles.x is empty"}},
		{"empty model", "profiles:\n  x:\n    direct: {model: ' '}\n", []string{"direct.model is empty"}},
		{"bad temperature", "profiles:\n  x:\n    direct: {model: a, temperature: 3}\n", []string{"direct.temperature is 3"}},
		{"negative max tokens", "profiles:\n  x:\n    direct: {model: a, max_tokens: -1}\n", []string{"direct.max_tokens is -1"}},
		{"empty fallback", "profiles:\n  x:\n    direct: {model: a, fallbacks: ['']}\n", []string{"direct.fallbacks has an empty model id"}},
		{"unknown default", "default_profile: nope\n", []string{`default_profile "nope" is not a profile`, "balanced"}},
		{"negative price", "prices:\n  a: {prompt: -1}\n", []string{"prices.a"}},
		{"not yaml", "profiles: [\n", []string{"config"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.yaml), 0o644))
			_, err := LoadConfig(func(string) string { return "" }, path)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), path, "the error names the file")
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	missing := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := LoadConfig(func(string) string { return "" }, missing)
	require.Error(t, err, "an explicit --config must exist")
	assert.Contains(t, err.Error(), missing)
	_, err = LoadConfig(func(k string) string { return map[string]string{"HIVE_CONFIG": missing}[k] }, "")
	assert.Error(t, err, "HIVE_CONFIG must exist")
}

func TestCacheKey(t *testing.T) {
	cfg := loadConfig(t, `
  plain2:
    generator: {model: test/gen, temperature: 0.7, max_tokens: 64}
    refiner:   {model: test/ref, max_tokens: 64}
    validator: {model: test/val}
    curator:   {model: test/cur}
  warmer:
    generator: {model: test/gen, temperature: 0.8, max_tokens: 64}
    refiner:   {model: test/ref, max_tokens: 64}
    validator: {model: test/val}
    curator:   {model: test/cur}
  fallback:
    generator: {model: test/gen, temperature: 0.7, max_tokens: 64, fallbacks: [x]}
    refiner:   {model: test/ref, max_tokens: 64}
    validator: {model: test/val}
    curator:   {model: test/cur}
`)
	p := func(n string) *Profile {
		pr, err := cfg.Profile(n)
		require.NoError(t, err)
		return pr
	}
	base := cacheKey(p("plain"), normalizeText("What is Go?"), "ctx", Sampling{})
	assert.Len(t, base, 64)
	assert.Equal(t, base, cacheKey(p("plain"), normalizeText(" What  is\tGo?\n"), "ctx", Sampling{}), "whitespace is normalised")
	for name, other := range map[string]string{
		"question":          cacheKey(p("plain"), "What is Rust?", "ctx", Sampling{}),
		"context":           cacheKey(p("plain"), "What is Go?", "ctx2", Sampling{}),
		"split":             cacheKey(p("plain"), "What is Go?c", "tx", Sampling{}),
		"profile":           cacheKey(p("plain2"), "What is Go?", "ctx", Sampling{}),
		"temperature":       cacheKey(p("warmer"), "What is Go?", "ctx", Sampling{}),
		"fallbacks":         cacheKey(p("fallback"), "What is Go?", "ctx", Sampling{}),
		"final temperature": cacheKey(p("plain"), "What is Go?", "ctx", Sampling{Temperature: new(float64)}),
		"final max tokens":  cacheKey(p("plain"), "What is Go?", "ctx", Sampling{MaxTokens: 1}),
		"final stop":        cacheKey(p("plain"), "What is Go?", "ctx", Sampling{Stop: []string{"x"}}),
	} {
		assert.NotEqual(t, base, other, name)
	}
	zero, negZero := 0.0, math.Copysign(0, -1)
	assert.Equal(t, cacheKey(p("plain"), "q", "", Sampling{Temperature: &zero}),
		cacheKey(p("plain"), "q", "", Sampling{Temperature: &negZero}), "-0 samples as 0")
	assert.NotEqual(t, cacheKey(p("plain"), "q", "", Sampling{Stop: []string{"ab"}}),
		cacheKey(p("plain"), "q", "", Sampling{Stop: []string{"a", "b"}}), "stop sequences are length-prefixed")
}

func TestLRU(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newLRU(2, time.Minute)
	a, b, d := &Result{Final: "a"}, &Result{Final: "b"}, &Result{Final: "d"}
	c.put("a", a, now, time.Time{})
	c.put("b", b, now, time.Time{})
	_, ok := c.get("a", now) // a is now most recent
	require.True(t, ok)
	c.put("d", d, now, time.Time{})
	assert.Equal(t, 2, c.len())
	_, ok = c.get("b", now)
	assert.False(t, ok, "least recently used entry evicted")
	got, ok := c.get("a", now)
	assert.True(t, ok)
	assert.Equal(t, "a", got.Final)
	_, ok = c.get("d", now.Add(time.Minute))
	assert.False(t, ok, "expired at TTL")
	assert.Equal(t, 1, c.len(), "expired entry removed")

	off := newLRU(0, time.Minute)
	off.put("a", a, now, time.Time{})
	_, ok = off.get("a", now)
	assert.False(t, ok, "size 0 disables the memory layer")
}
