package proc

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatus(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    Status
		wantErr string
	}{
		{"typical", "Name:\thive\nVmPeak:\t 1000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t7\n", Status{RSS: 1 << 20, HWM: 2 << 20}, ""},
		{"zombie has no memory lines", "Name:\thive\nState:\tZ (zombie)\n", Status{}, "no VmRSS/VmHWM"},
		{"only one of the two", "VmRSS:\t 10 kB\n", Status{}, "no VmRSS/VmHWM"},
		{"wrong unit", "VmRSS:\t 10 MB\nVmHWM:\t 10 kB\n", Status{}, "field VmRSS"},
		{"not a number", "VmRSS:\t ten kB\nVmHWM:\t 10 kB\n", Status{}, "field VmRSS"},
		{"negative", "VmRSS:\t 10 kB\nVmHWM:\t -1 kB\n", Status{}, "field VmHWM"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseStatus(strings.NewReader(c.in))
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestReadStatusSelf(t *testing.T) {
	st, err := ReadStatus(os.Getpid())
	require.NoError(t, err)
	assert.Positive(t, st.RSS)
	assert.GreaterOrEqual(t, st.HWM, st.RSS, "the high-water mark is at least the current RSS")
}

func TestReadStatusNoSuchProcess(t *testing.T) {
	_, err := ReadStatus(1 << 30) // above pid_max on every Linux
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/proc/1073741824/status")
}

func FuzzParseStatus(f *testing.F) {
	f.Add("VmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n")
	f.Add("VmRSS:\t 10 kB\nVmHWM:\t -1 kB\n")
	f.Add("VmRSS:")
	f.Fuzz(func(t *testing.T, in string) {
		st, err := ParseStatus(strings.NewReader(in))
		if err == nil {
			assert.GreaterOrEqual(t, st.RSS, int64(0))
			assert.GreaterOrEqual(t, st.HWM, int64(0))
		}
	})
}
