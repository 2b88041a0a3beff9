package targets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestFilter(t *testing.T) {
	f := &results.File{Benchmarks: []results.Benchmark{
		bench("startup.serve", "ms", 10, 12, 13, 14),
		bench("database.cache_get", "µs", 10, 12, 13, 14),
	}}
	out := func(metric, benchmark string) Outcome {
		return Outcome{Target: Target{Metric: metric}, Benchmark: benchmark}
	}
	all := []Outcome{
		out("startup.serve", "startup.serve"),
		out("startup.version", ""),
		out("database.*", "database.cache_get"),
		out("database.*", "database.insert_message"),
		out("database.*", ""),
		out("memory.*", ""),
	}
	cases := []struct {
		name string
		set  Metrics
		want []Outcome
	}{
		{"no set keeps all", nil, all},
		{"a file's metrics", FileMetrics(f), []Outcome{all[0], all[2], all[4]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Filter(all, c.set))
		})
	}
	m := FileMetrics(f)
	assert.True(t, m.Has("startup.serve"))
	assert.False(t, m.Has("startup.version"))
	assert.True(t, m.HasFamily("database"))
	assert.False(t, m.HasFamily("memory"))
}

func TestLoadTiersAndCheck(t *testing.T) {
	f := &results.File{Benchmarks: []results.Benchmark{bench("startup.serve", "ns", 1e6, 2e6, 3e6, 4e6)}}
	cases := []struct {
		name, tier string
		wantErr    string
	}{
		{"no tier", "", ""},
		{"the default tier", DefaultTier, ""},
		{"an unknown tier", "nightly", "--tier: unknown tier \"nightly\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, err := LoadTiers("", c.tier)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, ts.Reference, "the built-in targets have the reference tier")
			assert.Equal(t, ReferenceTier, ts.Reference.Name)
			ref := ts.CheckReference(f, FileMetrics(f))
			assert.Equal(t, Filter(Check(*ts.Reference, f), FileMetrics(f)), ref)
			if c.tier == "" {
				assert.Nil(t, ts.Tier)
				assert.Nil(t, ts.Check(f, nil), "no tier, no outcomes")
				return
			}
			require.NotNil(t, ts.Tier)
			assert.Equal(t, c.tier, ts.Tier.Name)
			got := ts.Check(f, FileMetrics(f))
			require.NotEmpty(t, got)
			for _, o := range got {
				assert.Contains(t, o.Target.Metric, "startup.", "only targets of what was measured")
			}
			assert.Len(t, ts.Check(f, nil), len(Check(*ts.Tier, f)), "a nil set keeps every target")
		})
	}
	assert.Nil(t, Tiers{}.CheckReference(f, nil))
}
