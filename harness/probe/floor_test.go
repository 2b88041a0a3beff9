package probe

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInitTraceSumsThePackagesClockTimes(t *testing.T) {
	cases := []struct {
		name     string
		lines    []string
		packages int
		total    float64
	}{
		{"the runtime's own format", []string{
			"init internal/bytealg @0.001 ms, 0 ms clock, 0 bytes, 0 allocs",
			"init runtime @0.23 ms, 3.7 ms clock, 0 bytes, 0 allocs",
			"init github.com/prometheus/client_golang/prometheus @70 ms, 4.1 ms clock, 64256 bytes, 247 allocs",
		}, 3, 7.8},
		{"other stderr lines are not inits", []string{
			"hive: version v1.2.3",
			"initialising the store",
			"init runtime @0.23 ms, 0.5 ms clock, 0 bytes, 0 allocs",
		}, 1, 0.5},
		{"nothing traced", []string{"hive v1.2.3"}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tr InitTrace
			for _, l := range c.lines {
				tr.Line(l)
			}
			assert.Len(t, tr.Packages, c.packages)
			assert.InDelta(t, c.total, tr.Total(), 1e-9)
		})
	}
}

// The floor is a Go program built with hive's toolchain: it runs and says
// hello.
func TestBuildFloorBuildsAHelloWorld(t *testing.T) {
	bin, err := FloorBinary(t.Context(), hiveBin)
	require.NoError(t, err)
	out, err := exec.Command(bin).Output()
	require.NoError(t, err)
	assert.Equal(t, "hello\n", string(out))
}
