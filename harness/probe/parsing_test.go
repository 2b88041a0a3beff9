package probe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestParsingRound(t *testing.T) {
	src := goSrc(t, "strings")
	var goFiles int
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") {
			goFiles++
		}
	}
	p, err := ByFamily(Parsing, Config{Workload: src, Jobs: 2})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()

	for round := 0; round < 2; round++ {
		got, err := s.Round(t.Context())
		require.NoError(t, err)
		assert.Len(t, got["parsing.per_file"], goFiles, "one sample per analysed file, every round (--no-cache, empty database)")
		for _, v := range got["parsing.per_file"] {
			assert.GreaterOrEqual(t, v, 0.0)
			assert.Less(t, v, 60_000.0, "ms per file: a minute per file would be a unit error")
		}
		for _, name := range []string{"parsing.files_per_sec", "parsing.mb_per_sec", "parsing.wall"} {
			require.Len(t, got[name], 1, name)
			assert.Positive(t, got[name][0], name)
		}
		wall := got["parsing.wall"][0]
		assert.InDelta(t, float64(goFiles)/wall, got["parsing.files_per_sec"][0], 1e-9, "files/s is files over the wall time")
	}
	assertNoneRunning(t, hiveBin)
}

func TestParsingEmptyWorkload(t *testing.T) {
	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("not source"), 0o644))
	p, err := ByFamily(Parsing, Config{Workload: empty})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Round(t.Context())
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "no analysable source files")
}
