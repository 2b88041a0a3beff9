package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\thive\nVmPeak:\t  900 kB\nVmHWM:\t   20480 kB\nVmRSS:\t  10240 kB\n")
	assert.Equal(t, int64(20480), statusKB(status, "VmHWM:"))
	assert.Equal(t, int64(10240), statusKB(status, "VmRSS:"))
	assert.Equal(t, int64(0), statusKB(status, "VmSwap:"))
	assert.Equal(t, int64(0), statusKB([]byte("VmHWM:\n"), "VmHWM:"))
}

func TestPeakRSSIsPlausible(t *testing.T) {
	p := PeakRSS()
	assert.Greater(t, p, int64(1<<20), "a Go test process has more than 1 MiB resident")
	assert.Less(t, p, int64(64<<30))
}
