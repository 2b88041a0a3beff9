package results

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCaptureEnv(t *testing.T) {
	e := CaptureEnv()
	assert.NotEmpty(t, e.CPUModel)
	assert.Equal(t, runtime.NumCPU(), e.Cores)
	assert.Equal(t, runtime.GOOS, e.OS)
	assert.Equal(t, runtime.Version(), e.GoVersion)
	assert.NotEmpty(t, e.Commit)
	assert.False(t, e.Date.IsZero())
	assert.Equal(t, "UTC", e.Date.Location().String())
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{12}$`), e.HostHash)
	host, err := os.Hostname()
	require.NoError(t, err)
	assert.NotContains(t, e.HostHash, host, "the raw hostname is never recorded")
	assert.Equal(t, HashHostname(host), e.HostHash)

	// A file built from CaptureEnv validates: no required field is left empty.
	f := validFile()
	f.Env = e
	assert.NoError(t, f.Validate())
}

func TestHashHostname(t *testing.T) {
	// Known answer: printf 'build-01' | sha256sum | cut -c1-12
	assert.Equal(t, "unknown", HashHostname(""))
	assert.Equal(t, "843e1bef0379", HashHostname("build-01"))
	assert.NotEqual(t, HashHostname("build-01"), HashHostname("build-02"))
	assert.Len(t, HashHostname("build-01"), 12)
}

func TestShortCommit(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0123456789abcdef0123456789abcdef01234567", "0123456789ab"},
		{"0123456789abc", "0123456789ab"},
		{"0123456789ab", "0123456789ab"},
		{"abc", "abc"},
		{"unknown", "unknown"},
		{"", "unknown"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ShortCommit(tt.in), "ShortCommit(%q)", tt.in)
	}
}

func TestCPUModel(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		cpuinfo string
		want    string
	}{
		{"x86", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t\t: fpu\n", "Intel(R) Xeon(R) CPU @ 2.20GHz"},
		{"arm64 without model name", "processor\t: 0\nBogoMIPS\t: 50.00\nCPU part\t: 0xd0c\n", "CPU part 0xd0c"},
		{"nothing useful", "processor\t: 0\n", "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			require.NoError(t, os.WriteFile(p, []byte(c.cpuinfo), 0o644))
			assert.Equal(t, c.want, cpuModel(p))
		})
	}
	assert.Equal(t, "unknown", cpuModel(filepath.Join(dir, "missing")))
}

func TestOSRelease(t *testing.T) {
	p := filepath.Join(t.TempDir(), "os-release")
	require.NoError(t, os.WriteFile(p, []byte("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"), 0o644))
	assert.Equal(t, "Debian GNU/Linux 12 (bookworm)", osRelease(p))
	assert.Equal(t, "", osRelease(p+".missing"))
}
