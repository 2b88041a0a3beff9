package profile

import (
	"testing"

	pprof "github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cpu: a calls itself once, inl is inlined into outer, one location has no
// line information.
func cpuFixture() *pprof.Profile {
	return synthetic("cpu", "nanoseconds",
		stack{10, []string{"a", "b", "main"}},
		stack{5, []string{"b", "main"}},
		stack{3, []string{"a", "a", "main"}},
		stack{2, []string{"inl+outer", "main"}},
		stack{1, []string{""}},
	)
}

func TestSummarize(t *testing.T) {
	cases := []struct {
		name          string
		n             int
		byFlat, byCum []FuncStat
	}{
		{"top 3", 3,
			[]FuncStat{{"a", 13, 13}, {"b", 5, 15}, {"inl", 2, 2}},
			[]FuncStat{{"main", 0, 20}, {"b", 5, 15}, {"a", 13, 13}}},
		{"every function; ties by name", 10,
			[]FuncStat{{"a", 13, 13}, {"b", 5, 15}, {"inl", 2, 2}, {"0x100a", 1, 1}, {"main", 0, 20}, {"outer", 0, 2}},
			[]FuncStat{{"main", 0, 20}, {"b", 5, 15}, {"a", 13, 13}, {"inl", 2, 2}, {"outer", 0, 2}, {"0x100a", 1, 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := Summarize("cpu.pprof", cpuFixture(), c.n)
			assert.Equal(t, Top{Path: "cpu.pprof", Type: "cpu", Unit: "nanoseconds", Total: 21, Stacks: 5, N: c.n, ByFlat: c.byFlat, ByCum: c.byCum}, top)
		})
	}
}

func TestSummarizeSampleType(t *testing.T) {
	two := func(def string) *pprof.Profile {
		p := synthetic("samples", "count", stack{1, []string{"f"}})
		p.SampleType = append(p.SampleType, &pprof.ValueType{Type: "cpu", Unit: "nanoseconds"})
		p.Sample[0].Value = []int64{1, 1000}
		p.DefaultSampleType = def
		return p
	}
	cases := []struct {
		name, def, typ string
		total          int64
	}{
		{"no default: the last type, as pprof reads it", "", "cpu", 1000},
		{"the default type", "samples", "samples", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := Summarize("p", two(c.def), 1)
			assert.Equal(t, c.typ, top.Type)
			assert.Equal(t, c.total, top.Total)
		})
	}
	empty := Summarize("empty", &pprof.Profile{}, 5)
	assert.Zero(t, empty.Total, "a profile without sample types has nothing to count")
	assert.Empty(t, empty.ByFlat)
}

func TestCompare(t *testing.T) {
	base := synthetic("cpu", "nanoseconds", stack{40, []string{"a"}}, stack{40, []string{"b"}}, stack{20, []string{"same"}})
	// Twice the total: shares, not values, are compared.
	head := synthetic("cpu", "nanoseconds", stack{40, []string{"a"}}, stack{100, []string{"b"}}, stack{20, []string{"c"}}, stack{40, []string{"same"}})
	d := Compare("base.pprof", base, "head.pprof", head, 10)
	require.Equal(t, NotSkipped, d.Skipped)
	assert.Equal(t, []Delta{
		{Name: "a", Base: 40, Head: 20, BaseFlat: 40, HeadFlat: 40},
		{Name: "b", Base: 40, Head: 50, BaseFlat: 40, HeadFlat: 100},
		{Name: "c", Base: 0, Head: 10, BaseFlat: 0, HeadFlat: 20},
	}, d.Deltas, "largest change first, ties by name, an unchanged share left out")
	assert.Equal(t, int64(100), d.BaseTotal)
	assert.Equal(t, int64(200), d.HeadTotal)
	assert.Len(t, Compare("base.pprof", base, "head.pprof", head, 1).Deltas, 1)
	assert.Empty(t, Compare("base.pprof", base, "base.pprof", base, 10).Deltas, "a profile against itself changes nothing")

	heap := synthetic("inuse_space", "bytes", stack{1, []string{"a"}})
	empty := synthetic("cpu", "nanoseconds")
	assert.Equal(t, SkipTypes, Compare("base", base, "heap", heap, 10).Skipped)
	assert.Equal(t, SkipEmpty, Compare("base", base, "empty", empty, 10).Skipped)
	assert.Equal(t, SkipEmpty, Compare("empty", empty, "head", head, 10).Skipped)
}
