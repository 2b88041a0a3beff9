package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/profile"
)

// fixtureProfiles covers each unit (times, sizes, counts), an empty
// profile, a diff, and both reasons a diff is skipped.
func fixtureProfiles() []profile.Result {
	cpu := profile.Top{Path: "out/parsing.cpu.pprof", Type: "cpu", Unit: "nanoseconds", Total: 2_340_000_000, Stacks: 812, N: 3,
		ByFlat: []profile.FuncStat{
			{Name: "github.com/hiveperf/hive/engine/parse.(*Analyzer).walk", Flat: 900_000_000, Cum: 1_500_000_000},
			{Name: "runtime.mallocgc", Flat: 400_000_000, Cum: 410_000_000},
			{Name: "syscall.Syscall6", Flat: 120_000_000, Cum: 120_000_000},
		},
		ByCum: []profile.FuncStat{
			{Name: "main.main", Flat: 0, Cum: 2_300_000_000},
			{Name: "github.com/hiveperf/hive/engine/parse.(*Analyzer).walk", Flat: 900_000_000, Cum: 1_500_000_000},
			{Name: "runtime.mallocgc", Flat: 400_000_000, Cum: 410_000_000},
		},
	}
	diff := profile.Diff{BasePath: "base.pprof", HeadPath: cpu.Path, BaseType: "cpu", BaseUnit: "nanoseconds", HeadType: "cpu", HeadUnit: "nanoseconds",
		BaseTotal: 2_000_000_000, HeadTotal: cpu.Total, N: 3,
		Deltas: []profile.Delta{
			{Name: "runtime.mallocgc", Base: 8.5, Head: 17.1, BaseFlat: 170_000_000, HeadFlat: 400_000_000},
			{Name: "github.com/hiveperf/hive/engine/parse.(*Analyzer).walk", Base: 45, Head: 38.5, BaseFlat: 900_000_000, HeadFlat: 900_000_000},
			{Name: "0x4a5f10", Base: 0.4, Head: 0, BaseFlat: 8_000_000, HeadFlat: 0},
		}}
	heap := profile.Top{Path: "out/consensus.heap.pprof", Type: "inuse_space", Unit: "bytes", Total: 18_400_000, Stacks: 95, N: 2,
		ByFlat: []profile.FuncStat{{Name: "bufio.NewReaderSize", Flat: 4_200_000, Cum: 4_200_000}, {Name: "encoding/json.(*decodeState).literalStore", Flat: 900, Cum: 1_500}},
		ByCum:  []profile.FuncStat{{Name: "net/http.(*conn).serve", Flat: 0, Cum: 12_000_000}, {Name: "bufio.NewReaderSize", Flat: 4_200_000, Cum: 4_200_000}}}
	mutex := profile.Top{Path: "out/consensus.mutex.pprof", Type: "contentions", Unit: "count", Total: 42, Stacks: 3, N: 2,
		ByFlat: []profile.FuncStat{{Name: "sync.(*Mutex).Unlock", Flat: 40, Cum: 40}, {Name: "database/sql.(*DB).conn", Flat: 2, Cum: 2}},
		ByCum:  []profile.FuncStat{{Name: "sync.(*Mutex).Unlock", Flat: 40, Cum: 40}, {Name: "database/sql.(*DB).conn", Flat: 2, Cum: 2}}}
	block := profile.Top{Path: "out/consensus.block.pprof", Type: "delay", Unit: "nanoseconds", N: 2}
	return []profile.Result{
		{Top: cpu, Diff: &diff},
		{Top: heap, Diff: &profile.Diff{BasePath: "base.pprof", HeadPath: heap.Path, BaseType: "cpu", BaseUnit: "nanoseconds", HeadType: "inuse_space", HeadUnit: "bytes", Skipped: profile.SkipTypes}},
		{Top: mutex},
		{Top: block, Diff: &profile.Diff{BasePath: "base.pprof", HeadPath: block.Path, BaseType: "delay", BaseUnit: "nanoseconds", HeadType: "delay", HeadUnit: "nanoseconds", Skipped: profile.SkipEmpty}},
	}
}

func TestGoldenProfiles(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteProfiles(&buf, fixtureProfiles()))
	golden(t, "profiles.txt", buf.Bytes())
}

func TestWriteProfilesReportsAWriteError(t *testing.T) {
	assert.ErrorContains(t, WriteProfiles(failingWriter{}, fixtureProfiles()), "disk full")
	assert.NoError(t, WriteProfiles(failingWriter{}, nil), "nothing to write")
}
