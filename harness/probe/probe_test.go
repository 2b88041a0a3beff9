package probe

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestRegistry(t *testing.T) {
	ps, err := All(Config{})
	require.NoError(t, err)
	require.Len(t, ps, 5)
	assert.Equal(t, []string{"startup", "memory", "parsing", "consensus", "database"}, Families())
	seen := map[string]bool{}
	for i, p := range ps {
		assert.Equal(t, Families()[i], p.Family())
		require.NotEmpty(t, p.Metrics(), p.Family())
		for _, m := range p.Metrics() {
			assert.False(t, seen[m.Name], "metric %s is declared twice", m.Name)
			seen[m.Name] = true
			fam, err := results.CheckName(m.Name)
			require.NoError(t, err, "results files must accept the name")
			assert.Equal(t, p.Family(), string(fam))
			assert.Equal(t, p.Family(), m.Family)
			_, err = results.ParseUnit(m.Unit)
			assert.NoError(t, err, "%s: unit %q", m.Name, m.Unit)
			assert.NotEmpty(t, m.Description, m.Name)
			assert.NotEmpty(t, m.Sample, m.Name)
		}
		byName, err := ByFamily(p.Family(), Config{})
		require.NoError(t, err)
		assert.Equal(t, p.Metrics(), byName.Metrics())
	}
	for _, name := range []string{"startup.serve", "startup.version", "memory.idle_rss", "memory.analyze_peak_rss", "memory.serve_peak_rss",
		"parsing.per_file", "parsing.files_per_sec", "parsing.mb_per_sec", "parsing.wall",
		"consensus.e2e", "consensus.overhead", "consensus.cache_hit", "consensus.overhead_c100", "database.insert_message"} {
		assert.True(t, seen[name], "metric %s is missing", name)
	}
}

func TestByFamilyUnknown(t *testing.T) {
	_, err := ByFamily("latency", Config{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), `"latency"`)
	assert.Contains(t, err.Error(), "startup, memory, parsing, consensus, database")
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.resolve()
	require.NoError(t, err)
	assert.Equal(t, 10, c.Samples)
	assert.Equal(t, 1, c.WarmupExecs)
	assert.Equal(t, 100, c.Concurrent)
	assert.Equal(t, DefaultE2ELatency, c.E2ELatency)
	assert.Equal(t, mockllm.Latency{}, c.OverheadLatency, "overhead is measured against a zero-latency upstream")
	assert.Equal(t, DefaultDBOps, c.DBOpNames)

	none, err := Config{WarmupExecs: -1}.resolve()
	require.NoError(t, err)
	assert.Equal(t, 0, none.WarmupExecs)
}

func TestConfigRejectsBadFields(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"negative samples", Config{Samples: -1}, "Samples"},
		{"too many concurrent", Config{Concurrent: 5000}, "Concurrent"},
		{"negative jobs", Config{Jobs: -2}, "Jobs"},
		{"warm-up execs below -1", Config{WarmupExecs: -2}, "WarmupExecs"},
		{"negative warm-up rounds", Config{WarmupRounds: -1}, "WarmupRounds"},
		{"db ops over the bench limit", Config{DBOps: 2000000}, "DBOps"},
		{"op name with a dot", Config{DBOpNames: []string{"insert.message"}}, "DBOpNames[0]"},
		{"negative timeout", Config{ReadyTimeout: -time.Second}, "ReadyTimeout"},
		{"jitter above the mean", Config{E2ELatency: mockllm.Latency{TTFT: time.Millisecond, TTFTJitter: time.Second}}, "E2ELatency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := All(c.cfg)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.field)
		})
	}
}

func TestWorkloadMustBeADirectory(t *testing.T) {
	dir := t.TempDir()
	for _, w := range []string{dir + "/missing", "probe.go"} {
		_, err := Config{Workload: w}.workload(t.Context())
		require.Error(t, err, w)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		assert.Contains(t, err.Error(), "Workload")
	}
	got, err := Config{Workload: dir}.workload(t.Context())
	require.NoError(t, err)
	assert.Equal(t, dir, got)
	quick, err := Config{Quick: true}.workload(t.Context())
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(quick, "/src/net"), quick)
}

func TestRoundValue(t *testing.T) {
	m := Metric{Name: "x.y"}
	assert.Equal(t, 3.0, m.RoundValue([]float64{5, 1, 3}))
	assert.Equal(t, 2.5, m.RoundValue([]float64{4, 1, 2, 3}), "type 7: mean of the middle two")
	assert.Equal(t, 7.0, m.RoundValue([]float64{7}))
	assert.True(t, math.IsNaN(m.RoundValue(nil)))
	in := []float64{3, 2, 1}
	m.RoundValue(in)
	assert.Equal(t, []float64{3, 2, 1}, in, "the caller's samples are not reordered")
}

func TestCheckRound(t *testing.T) {
	ms := []Metric{{Name: "a.b"}, {Name: "a.c"}}
	assert.NoError(t, checkRound("a", ms, map[string][]float64{"a.b": {1}, "a.c": {2, 3}}))
	assert.ErrorContains(t, checkRound("a", ms, map[string][]float64{"a.b": {1}}), "no samples for a.c")
	assert.ErrorContains(t, checkRound("a", ms, map[string][]float64{"a.b": {1}, "a.c": {math.NaN()}}), "a.c sample 0 is NaN")
}

func TestParseFileLines(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		want  []float64
		bytes int64
		err   string
	}{
		{"analysed, skipped and failed", `{"path":"a.go","bytes":100,"latency_us":1500}
{"path":"b.bin","bytes":5,"skipped":"binary","latency_us":3}
{"path":"c.go","error":"permission denied","latency_us":2}

{"path":"d.go","bytes":20,"latency_us":250}
`, []float64{1.5, 0.25}, 120, ""},
		{"cached despite --no-cache", `{"path":"a.go","cached":true,"latency_us":1}`, nil, 0, "cached despite --no-cache"},
		{"no latency field", `{"path":"a.go","bytes":1}`, nil, 0, "no latency_us"},
		{"negative latency", `{"path":"a.go","latency_us":-1}`, nil, 0, "negative latency_us"},
		{"not JSON", "{\"path\":\"a.go\",\"latency_us\":1}\n{oops", nil, 0, "line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, b, err := parseFileLines(strings.NewReader(c.in), false)
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.bytes, b)
		})
	}
}

func TestParseBench(t *testing.T) {
	ops := []string{"cache_get", "cache_put"}
	cases := []struct {
		name string
		out  string
		want map[string][]float64
		err  string
	}{
		{"ns", `{"ops":{"cache_get":[1,2],"cache_put":[3,4],"extra":[9,9]},"unit":"ns"}`,
			map[string][]float64{"database.cache_get": {1, 2}, "database.cache_put": {3, 4}}, ""},
		{"no unit means ns", `{"ops":{"cache_get":[1,2],"cache_put":[3,4]}}`,
			map[string][]float64{"database.cache_get": {1, 2}, "database.cache_put": {3, 4}}, ""},
		{"us converted", `{"ops":{"cache_get":[1,2],"cache_put":[3,4]},"unit":"us"}`,
			map[string][]float64{"database.cache_get": {1000, 2000}, "database.cache_put": {3000, 4000}}, ""},
		{"missing op", `{"ops":{"cache_get":[1,2]}}`, nil, `no samples for operation "cache_put" (Config.DBOpNames); the binary reports cache_get`},
		{"wrong count", `{"ops":{"cache_get":[1],"cache_put":[3,4]}}`, nil, "has 1 samples; asked for --ops 2"},
		{"unknown unit", `{"ops":{},"unit":"fortnights"}`, nil, `unit "fortnights"`},
		{"negative", `{"ops":{"cache_get":[1,-2],"cache_put":[3,4]}}`, nil, "negative"},
		{"not JSON", `ok`, nil, "is not"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseBench(&capped{max: 1 << 20, buf: []byte(c.out)}, ops, 2)
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
	_, err := parseBench(&capped{max: 1, over: true}, ops, 2)
	assert.ErrorContains(t, err, "printed over")
}

func TestCapped(t *testing.T) {
	c := &capped{max: 5}
	n, err := c.Write([]byte("abc"))
	assert.Equal(t, 3, n)
	assert.NoError(t, err)
	n, err = c.Write([]byte("defg"))
	assert.Equal(t, 4, n, "the writer is never short-written")
	assert.NoError(t, err)
	assert.Equal(t, "abcde", string(c.buf))
	assert.True(t, c.over)
}
