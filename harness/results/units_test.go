package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUnit(t *testing.T) {
	cases := []struct {
		unit    string
		dim     string
		scale   float64
		wantErr string
	}{
		{unit: "ns", dim: "time", scale: 1},
		{unit: "µs", dim: "time", scale: 1e3},
		{unit: "us", dim: "time", scale: 1e3},
		{unit: "ms", dim: "time", scale: 1e6},
		{unit: "s", dim: "time", scale: 1e9},
		{unit: "bytes", dim: "bytes", scale: 1},
		{unit: "MB", dim: "bytes", scale: 1e6},
		{unit: "MiB", dim: "bytes", scale: 1 << 20},
		{unit: "ms/file", dim: "time", scale: 1e6},
		{unit: "ns/op", dim: "time", scale: 1},
		{unit: "files/s", dim: "files/time", scale: 1},
		{unit: "files/ms", dim: "files/time", scale: 1e3},
		{unit: "MB/s", dim: "bytes/time", scale: 1e6},
		{unit: "files", dim: "files", scale: 1},
		{unit: "x", dim: "ratio", scale: 1},
		{unit: "×", dim: "ratio", scale: 1},
		{unit: "", wantErr: "empty unit"},
		{unit: "msec", wantErr: `unknown unit "msec"`},
		{unit: "ms/parsec", wantErr: `denominator "parsec"`},
		{unit: "files/file", wantErr: "is not a rate"},
		{unit: "s/MB", wantErr: "is not a rate"},
	}
	for _, c := range cases {
		t.Run(c.unit, func(t *testing.T) {
			u, err := ParseUnit(c.unit)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Contains(t, err.Error(), "ns, us", "the error lists what would be right")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.dim, u.Dim)
			assert.InDelta(t, c.scale, u.Scale, c.scale*1e-12)
		})
	}
}

func TestConvert(t *testing.T) {
	cases := []struct {
		v        float64
		from, to string
		want     float64
		wantErr  string
	}{
		{2.1, "s", "ns", 2.1e9, ""},
		{5, "ms/file", "ns", 5e6, ""},
		{1500, "ns", "µs", 1.5, ""},
		{180, "MB", "bytes", 180e6, ""},
		{20, "MiB", "MB", 20.97152, ""},
		{4000, "files/s", "files/ms", 4, ""},
		{1, "MB", "ms", 0, "cannot convert MB (bytes) to ms (time)"},
		{1, "files/s", "s", 0, "cannot convert"},
		{1, "sec", "s", 0, `unknown unit "sec"`},
	}
	for _, c := range cases {
		t.Run(c.from+"->"+c.to, func(t *testing.T) {
			got, err := Convert(c.v, c.from, c.to)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.InDelta(t, c.want, got, c.want*1e-12)
		})
	}
	assert.True(t, Compatible("ms/file", "ns"))
	assert.False(t, Compatible("MB", "ns"))
	assert.False(t, Compatible("bogus", "ns"))
}
