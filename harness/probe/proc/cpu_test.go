package proc

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSchedstat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"6449963 650098 1\n", 6449963, false},
		{"0 0 0", 0, false},
		{"", 0, true},
		{"12 34", 0, true},
		{"x 1 2", 0, true},
		{"-5 1 2", 0, true},
	} {
		got, err := ParseSchedstat([]byte(c.in))
		if c.err {
			assert.Error(t, err, "%q", c.in)
			continue
		}
		require.NoError(t, err, "%q", c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
	}
}

// The harness's own CPU time grows by at least what a busy loop on this
// goroutine spends on a CPU (the loop is bounded by its own CPU count, not
// by a wall-clock expectation).
func TestReadCPUCountsWork(t *testing.T) {
	before, err := ReadCPU(os.Getpid())
	require.NoError(t, err)
	spin := time.Duration(0)
	for i := 0; spin < 20*time.Millisecond; i++ {
		require.Less(t, i, 10_000_000, "CPU time stuck at %v after %d reads: schedstat does not count", spin, i)
		now, err := ReadCPU(os.Getpid())
		require.NoError(t, err)
		spin = now - before
	}
	assert.GreaterOrEqual(t, spin, 20*time.Millisecond)

	_, err = ReadCPU(1 << 30)
	assert.ErrorContains(t, err, "has the process exited?")
}
