package proc

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
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

// ReadCPU agrees with the kernel's other count of the same thing, getrusage
// of this process (all threads, microseconds), over CPU burnt on several
// threads: summing only one thread's schedstat, or misreading its unit,
// would be off by far more than the tolerance.
func TestReadCPUAgreesWithRusage(t *testing.T) {
	rusage := func() time.Duration {
		var ru syscall.Rusage
		require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before, err := ReadCPU(os.Getpid())
	require.NoError(t, err)
	ruBefore := rusage()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			runtime.LockOSThread() // a thread of its own for each burner
			defer runtime.UnlockOSThread()
			x := 0
			for i := 0; i < 50_000_000; i++ {
				x += i ^ (x >> 3)
			}
			sink.Add(int64(x))
		})
	}
	wg.Wait()
	got, err := ReadCPU(os.Getpid())
	require.NoError(t, err)
	spent, want := got-before, rusage()-ruBefore
	require.Greater(t, want, 10*time.Millisecond, "the burners used no CPU by rusage")
	assert.InDelta(t, float64(want), float64(spent), float64(want)/5+float64(10*time.Millisecond),
		"schedstat sum %v, rusage %v", spent, want)

	_, err = ReadCPU(1 << 30)
	assert.ErrorContains(t, err, "has the process exited?")
}

var sink atomic.Int64
