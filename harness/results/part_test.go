package results

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestParsePart(t *testing.T) {
	cases := []struct {
		in   string
		want Part
		err  string
	}{
		{"0/3", Part{Index: 0, Count: 3}, ""},
		{" 2/3 ", Part{Index: 2, Count: 3}, ""},
		{"0/1", Part{Index: 0, Count: 1}, ""},
		{"3/3", Part{}, "I is 3; want 0 ≤ I < N (3)"},
		{"-1/3", Part{}, "I is -1"},
		{"0/0", Part{}, "N is 0; want 1 to 1000 parts"},
		{"0/1001", Part{}, "N is 1001"},
		{"1", Part{}, "want I/N such as 0/3"},
		{"a/b", Part{}, "want I/N such as 0/3"},
		{"", Part{}, "want I/N"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParsePart("--shard", c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.Contains(t, err.Error(), "--shard")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, strings.TrimSpace(c.in), got.String())
		})
	}
}

func TestPartsRoundTripAndValidate(t *testing.T) {
	dir := t.TempDir()
	shard := validFile()
	shard.Shard = &Part{Index: 1, Count: 3, Files: 1, Bytes: 5}
	path := filepath.Join(dir, "shard.json")
	require.NoError(t, shard.Write(path))
	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, shard, got)

	loadFile := validFile()
	loadFile.Segment = &Part{Index: 0, Count: 2}
	loadFile.Load = &LoadCounts{Model: "open", Thresholds: []string{"p(99)<1s"}, WindowNS: 6e10, Arrivals: 500, Dropped: 1,
		Kinds: []LoadKind{{Kind: "consensus", Requests: 499, OK: 498, Errors: 1, Throughput: 8.3, ErrorsByClass: map[string]int64{"timeout": 1}}}}
	path = filepath.Join(dir, "segment.json")
	require.NoError(t, loadFile.Write(path))
	got, err = Read(path)
	require.NoError(t, err)
	assert.Equal(t, loadFile, got)

	cases := []struct {
		name   string
		change func(f *File)
		want   string
	}{
		{"index out of range", func(f *File) { f.Shard = &Part{Index: 3, Count: 3} }, "shard is 3/3"},
		{"both", func(f *File) { f.Shard, f.Segment = &Part{Count: 2}, &Part{Count: 2} }, "shard and segment are both set"},
		{"merged part", func(f *File) {
			f.Shard = &Part{Count: 1}
			f.Merged = &Merged{Of: "shard", Count: 1, Parts: []MergedPart{{Index: 0}}}
		}, "merged is set with a shard or segment"},
		{"merged count", func(f *File) { f.Merged = &Merged{Of: "shard", Count: 2, Parts: []MergedPart{{Index: 0}}} }, "merged.count is 2 with 1 parts"},
		{"merged of", func(f *File) { f.Merged = &Merged{Of: "slice", Count: 1, Parts: []MergedPart{{Index: 0}}} }, `merged.of is "slice"`},
		{"merged order", func(f *File) {
			f.Merged = &Merged{Of: "shard", Count: 2, Parts: []MergedPart{{Index: 1}, {Index: 0}}}
		}, "merged.parts[0].index is 1"},
		{"load model", func(f *File) { f.Load = &LoadCounts{Model: "ajar"} }, `load.model is "ajar"`},
		{"load sums", func(f *File) {
			f.Load = &LoadCounts{Model: "closed", Kinds: []LoadKind{{Kind: "consensus", Requests: 3, OK: 1, Errors: 1}}}
		}, "want ok + errors = requests"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := validFile()
			c.change(f)
			err := f.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestCheckComparableRefusesAPart(t *testing.T) {
	whole := validFile()
	shard := validFile()
	shard.Source = "shard-1.json"
	shard.Shard = &Part{Index: 1, Count: 3}
	segment := validFile()
	segment.Source = "seg-0.json"
	segment.Segment = &Part{Index: 0, Count: 2}
	for _, c := range []struct {
		a, b *File
		want string
	}{
		{whole, shard, "shard-1.json is shard 1/3 of a sharded replay"},
		{shard, whole, "merge the shards first (hivebench merge)"},
		{shard, shard, "shard 1/3"},
		{whole, segment, "seg-0.json is segment 0/2 of a distributed load run"},
	} {
		_, err := CheckComparable(c.a, c.b)
		require.Error(t, err)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		assert.Contains(t, err.Error(), c.want)
	}
	_, err := CheckComparable(whole, validFile())
	assert.NoError(t, err, "two whole runs still compare")
}
