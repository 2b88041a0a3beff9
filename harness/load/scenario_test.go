package load

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestBuiltinScenarios(t *testing.T) {
	names := BuiltinNames()
	assert.Equal(t, []string{"hive-1000-users", "seed-100-users"}, names)
	for _, n := range names {
		sc, err := Builtin(n)
		require.NoError(t, err, n)
		assert.Equal(t, n, sc.Name, "the file's name field matches its file name")
		assert.NotEmpty(t, sc.Description)
		assert.NotEmpty(t, sc.Thresholds)
	}

	seed, err := Builtin("seed-100-users")
	require.NoError(t, err)
	assert.Equal(t, Open, seed.Model)
	assert.Equal(t, 100, seed.MaxInFlight, "100 users are the in-flight cap")
	assert.InDelta(t, 1000.0/60, seed.Rate.PerSecond(), 1e-12)
	assert.Equal(t, 60*time.Second, seed.Duration)
	stages, err := ProfileStages(seed.Profile)
	require.NoError(t, err)
	assert.Equal(t, 4, stages)
	assert.Equal(t, 2400*time.Millisecond, seed.Mock.Declared(stages), "4 × (200ms + 20 × 20ms)")
	assert.Contains(t, seed.Thresholds, "p(99)<declared+5ms")
	assert.Equal(t, int64(1101), seed.MaxRequestsOrDefault(), "⌈1000/min × 60 s × 1.1⌉ + 1")

	big, err := Builtin("hive-1000-users")
	require.NoError(t, err)
	assert.Equal(t, Closed, big.Model)
	assert.Equal(t, 1000, big.Users)
	assert.Zero(t, big.Think)
	assert.Zero(t, big.Mock.Declared(4), "zero-latency mock")

	_, err = Builtin("seed-1000-users")
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "hive-1000-users, seed-100-users")
}

func TestParseScenarioStrict(t *testing.T) {
	const base = "model: open\nrate: 10/s\nusers: 5\nduration: 1s\nmix: {consensus: 1}\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown field", base + "userz: 3\n", "field userz not found"},
		{"unknown nested field", base + "mock: {ttft: 1ms, tokenz: 3}\n", "field tokenz not found"},
		{"analyze_small", "model: open\nrate: 10/s\nusers: 5\nduration: 1s\nmix: {analyze_small: 1}\n", "no analysis endpoint"},
		{"unknown kind", "model: open\nrate: 10/s\nusers: 5\nduration: 1s\nmix: {consensu: 1}\n", `unknown request kind "consensu"`},
		{"bare number duration", "model: open\nrate: 10/s\nusers: 5\nduration: 60\nmix: {consensus: 1}\n", "cannot unmarshal !!int `60` into time.Duration"},
		{"bare number rate", "model: open\nrate: 10\nusers: 5\nduration: 1s\nmix: {consensus: 1}\n", "has no unit"},
		{"missing model", "rate: 10/s\nduration: 1s\nmix: {consensus: 1}\n", "model is missing"},
		{"bad model", "model: ajar\nduration: 1s\nmix: {consensus: 1}\n", `model is "ajar"`},
		{"open without rate", "model: open\nusers: 5\nduration: 1s\nmix: {consensus: 1}\n", "rate is missing"},
		{"open without users", "model: open\nrate: 10/s\nduration: 1s\nmix: {consensus: 1}\n", "max_inflight is 0"},
		{"open with think", base + "think: 1s\n", "think is 1s but model is open"},
		{"closed with rate", "model: closed\nusers: 2\nrate: 10/s\nduration: 1s\nmix: {consensus: 1}\n", "rate is 600/min but model is closed"},
		{"closed without users", "model: closed\nduration: 1s\nmix: {consensus: 1}\n", "users is 0"},
		{"too many users", "model: closed\nusers: 1000000\nduration: 1s\nmix: {consensus: 1}\n", "users is 1000000"},
		{"missing duration", "model: closed\nusers: 2\nmix: {consensus: 1}\n", "duration is 0s"},
		{"jitter above think", "model: closed\nusers: 2\nthink: 1s\nthink_jitter: 2s\nduration: 1s\nmix: {consensus: 1}\n", "think_jitter is 2s"},
		{"empty mix", "model: closed\nusers: 2\nduration: 1s\n", "mix is empty"},
		{"zero weights", "model: closed\nusers: 2\nduration: 1s\nmix: {consensus: 0}\n", "every weight is 0"},
		{"negative weight", "model: closed\nusers: 2\nduration: 1s\nmix: {consensus: -1}\n", "mix.consensus is -1"},
		{"bad threshold", base + "thresholds: [\"p(99)<300\"]\n", "thresholds[0]"},
		{"negative mock", base + "mock: {ttft: -1ms}\n", "mock.ttft"},
		{"two documents", base + "---\nmodel: closed\n", "more than one YAML document"},
		{"empty", "", "is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(c.yaml), "scenario x.yaml")
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "scenario x.yaml")
		})
	}
}

func TestLoadScenarioFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nightly.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
model: closed
users: 20
think: 1s
duration: 2m
mix: {consensus: 8, cache_hit: 1, conversation_read: 1}
thresholds: ["consensus.p(95)<250ms", "rate(errors)<0.01"]
`), 0o644))
	sc, err := LoadScenarioFile(path)
	require.NoError(t, err)
	assert.Equal(t, "nightly", sc.Name, "named after the file")
	assert.Equal(t, 500*time.Millisecond, sc.ThinkJitter, "think_jitter defaults to think/2")
	assert.Equal(t, DefaultTimeout, sc.Timeout)
	assert.Equal(t, DefaultProfile, sc.Profile)
	// ⌈120 s / 0.5 s × 1.1⌉ + 1 = 265 per user at the fastest think.
	assert.Equal(t, int64(265*20), sc.MaxRequestsOrDefault())

	_, err = LoadScenarioFile(filepath.Join(t.TempDir(), "missing.yaml"))
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "missing.yaml")
}

func TestMaxRequestsOfAClosedModelWithoutThink(t *testing.T) {
	sc := scenario(func(s *Scenario) { s.Model, s.Rate, s.Users, s.Duration = Closed, 0, 10, 2*time.Second })
	require.NoError(t, sc.Validate())
	assert.Equal(t, int64(400010), sc.MaxRequestsOrDefault(), "200,000/s × 2 s + users")
	sc.MaxRequests = 42
	assert.Equal(t, int64(42), sc.MaxRequestsOrDefault())
}

func TestDeclaredLatency(t *testing.T) {
	cases := []struct {
		m      MockLatency
		stages int
		want   time.Duration
	}{
		{MockLatency{TTFT: 200 * time.Millisecond, ITL: 20 * time.Millisecond, Tokens: 120}, 4, 4 * (200*time.Millisecond + 120*20*time.Millisecond)},
		{MockLatency{TTFT: 200 * time.Millisecond, ITL: 20 * time.Millisecond, Tokens: 20}, 1, 600 * time.Millisecond},
		{MockLatency{ITL: time.Millisecond}, 4, 4 * DefaultMockTokens * time.Millisecond},
		{MockLatency{}, 4, 0},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.m.Declared(c.stages), "%+v × %d", c.m, c.stages)
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		got, err := ParseKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseKind("analyze_small")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no analysis endpoint")
}

func TestWriteScenarios(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteScenarios(&b))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, len(BuiltinNames()))
	for i, name := range BuiltinNames() {
		sc, err := Builtin(name)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(lines[i], name+" "), lines[i])
		assert.True(t, strings.HasSuffix(lines[i], sc.Description), lines[i])
	}
}
