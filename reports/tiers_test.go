package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/targets"
)

func TestNewRunAndCheckTier(t *testing.T) {
	f := fixtureHead()
	tiers, err := targets.LoadTiers("", targets.DefaultTier)
	require.NoError(t, err)
	noTier, err := targets.LoadTiers("", "")
	require.NoError(t, err)
	set := targets.FileMetrics(f)
	cases := []struct {
		name string
		ts   targets.Tiers
		tier string
	}{
		{"a tier", tiers, targets.DefaultTier},
		{"no tier", noTier, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewRun(f, c.ts, set)
			assert.Same(t, f, r.File)
			assert.Equal(t, c.tier, r.Tier)
			assert.Equal(t, c.ts.Check(f, set), r.Outcomes)
			assert.Equal(t, c.ts.CheckReference(f, set), r.Reference)
			assert.NotEmpty(t, r.Reference, "the reference column is there with or without a tier")
			if c.tier != "" {
				assert.NotEmpty(t, r.Outcomes)
			}

			cmp := Comparison{Base: fixtureBase(), Head: f}
			cmp.CheckTier(c.ts, set)
			assert.Equal(t, c.tier, cmp.Tier)
			assert.Equal(t, c.ts.Check(f, set), cmp.Outcomes, "the head is what a tier holds")
		})
	}
}

// A subject's run is not divided by the stated TypeScript figures: its vs
// column is hive's, filled only by a measured hive run (--vs), and says so.
func TestNewRunOfASubjectLeavesTheStatedFiguresOut(t *testing.T) {
	ts, err := targets.LoadTiers("", targets.DefaultTier)
	require.NoError(t, err)
	hive, sub := versusFiles(t)
	set := targets.FileMetrics(sub)
	require.NotEmpty(t, ts.CheckReference(sub, set), "the stock tiers state TypeScript figures for these metrics")

	r := NewRun(sub, ts, set)
	assert.Empty(t, r.Reference)
	assert.Equal(t, "hive", r.refName())
	var buf bytes.Buffer
	require.NoError(t, WriteRun(&buf, Table, r))
	assert.Contains(t, buf.String(), "vs hive")
	assert.Contains(t, buf.String(), "--vs HIVE.json")
	assert.NotContains(t, buf.String(), "TypeScript")

	r.Versus = hive
	buf.Reset()
	require.NoError(t, WriteRun(&buf, Table, r))
	assert.Contains(t, buf.String(), "vs hive (measured)")
	assert.Contains(t, buf.String(), "6.0×", "the measured hive run fills the column")

	assert.NotEmpty(t, NewRun(hive, ts, targets.FileMetrics(hive)).Reference, "a hive run keeps the stated figures")
}
