package profiling

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartWritesRequestedProfiles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		EnvCPU:    filepath.Join(dir, "cpu.pprof"),
		EnvFgprof: filepath.Join(dir, "fg.pprof"),
		EnvHeap:   filepath.Join(dir, "heap.pprof"),
		EnvAllocs: filepath.Join(dir, "allocs.pprof"),
	}
	var stderr bytes.Buffer
	stop := Start(func(k string) string { return env[k] }, &stderr)
	sink := 0
	for i := 0; i < 200000; i++ {
		sink += len(make([]byte, i%64))
	}
	stop()
	assert.Empty(t, stderr.String())
	for k, path := range env {
		f, err := os.Open(path)
		require.NoError(t, err, k)
		p, err := profile.Parse(f)
		f.Close()
		require.NoError(t, err, "%s must be a valid pprof profile", k)
		assert.NotEmpty(t, p.SampleType, k)
	}
	_ = sink
}

func TestNothingRequestedWritesNothing(t *testing.T) {
	var stderr bytes.Buffer
	stop := Start(func(string) string { return "" }, &stderr)
	stop()
	assert.Empty(t, stderr.String())
}

func TestUnwritablePathWarnsAndContinues(t *testing.T) {
	var stderr bytes.Buffer
	stop := Start(func(k string) string {
		if k == EnvCPU {
			return "/proc/no-such-dir/cpu.pprof"
		}
		return ""
	}, &stderr)
	stop()
	assert.Contains(t, stderr.String(), "HIVE_CPUPROFILE=/proc/no-such-dir/cpu.pprof")
}
