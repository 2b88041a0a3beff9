package proc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ballast raises this test process's RSS well above what the measured
// commands use, so a measurement that leaked the parent's memory would show.
func ballast(mb int) []byte {
	b := make([]byte, mb<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	return b
}

// growScript makes /bin/sh hold a string of n bytes: a real, known
// allocation.
func growScript(n string) string { return `x=$(head -c ` + n + ` /dev/zero | tr '\0' a); echo ${#x}` }

func TestPeakRSSIsTheChildsNotTheParents(t *testing.T) {
	const parentMB = 200
	b := ballast(parentMB)
	defer runtime.KeepAlive(b)

	// Why the trampoline exists: a direct child inherits our high-water mark.
	direct := exec.Command("/bin/true")
	require.NoError(t, direct.Run())
	inherited := direct.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
	assert.GreaterOrEqual(t, inherited, int64(parentMB<<20), "the kernel carries the parent's hiwater into ru_maxrss")

	var out bytes.Buffer
	p, err := StartPeakRSS(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", growScript("40000000")}, Stdout: &out})
	require.NoError(t, err)
	peak, err := p.Peak(context.Background())
	require.NoError(t, err, "stderr: %s", p.Tail())
	assert.Equal(t, 0, peak.ExitCode)
	assert.Equal(t, "40000000\n", out.String(), "the command's stdout reaches the caller")
	assert.GreaterOrEqual(t, peak.Bytes, int64(40e6), "the shell held a 40 MB string")
	assert.Less(t, peak.Bytes, int64(parentMB<<20), "our %d MB must not leak into the child's figure", parentMB)
	assert.Positive(t, peak.FloorBytes)
	assert.Less(t, peak.FloorBytes, peak.Bytes)
	t.Logf("direct child of a %d MB parent: ru_maxrss %d KiB; through the trampoline: %d KiB (trampoline floor %d KiB)",
		parentMB, inherited>>10, peak.Bytes>>10, peak.FloorBytes>>10)
}

func TestPeakRSSFailures(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		want string
	}{
		{"command smaller than the trampoline", Spec{Path: "/bin/true"}, "not above the measuring trampoline's own"},
		{"command missing", Spec{Path: "/nonexistent/hive"}, "starting /nonexistent/hive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := StartPeakRSS(context.Background(), c.spec)
			require.NoError(t, err, "the trampoline itself starts")
			_, err = p.Peak(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestPeakRSSReportsExitCodeAndStderr(t *testing.T) {
	p, err := StartPeakRSS(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", growScript("16000000") + "; echo bad input >&2; exit 2"}})
	require.NoError(t, err)
	peak, err := p.Peak(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, peak.ExitCode)
	assert.Equal(t, "exit status 2", peak.Exit)
	assert.Equal(t, 2, p.State().ExitCode(), "the trampoline mirrors the exit code")
	assert.True(t, strings.HasSuffix(p.Tail(), "bad input"), "stderr is the command's: %q", p.Tail())
}

func TestPeakRSSRefusesExtraFiles(t *testing.T) {
	_, err := StartPeakRSS(context.Background(), Spec{Path: "/bin/true", ExtraFiles: []*os.File{os.Stdin}})
	require.Error(t, err)
}

func TestPeakRSSReportsTheChildsCPUTime(t *testing.T) {
	// A loop of shell arithmetic burns CPU in the child and nowhere else
	// (the trampoline only waits); the string lifts its peak RSS above the
	// trampoline's, so that Peak has a figure to return.
	p, err := StartPeakRSS(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", growScript("40000000") + `; i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo $i`}, Stdout: &bytes.Buffer{}})
	require.NoError(t, err)
	peak, err := p.Peak(context.Background())
	require.NoError(t, err, "stderr: %s", p.Tail())
	assert.Positive(t, peak.CPU, "a busy child used CPU time")
	wall := p.ExitedAt().Sub(p.Started)
	assert.LessOrEqual(t, peak.CPU, 2*wall*time.Duration(runtime.NumCPU()), "CPU time of a one-thread shell cannot exceed its wall time by much")
}
