package launch

import (
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseListenLine(t *testing.T) {
	cases := []struct {
		line, base string
		match      bool
		err        string
	}{
		{"hive: listening on http://127.0.0.1:41643", "http://127.0.0.1:41643", true, ""},
		{"hive: listening on http://[::1]:8765", "http://[::1]:8765", true, ""},
		{"hive: listening on http://127.0.0.1:41643 ", "http://127.0.0.1:41643", true, ""},
		{"time=... level=INFO msg=started", "", false, ""},
		{"hive: listening on http://10.0.0.7:8765", "", true, "not a loopback"},
		{"hive: listening on http://10.1.2.3:80", "", true, "not a loopback address"},
		{"hive: listening on http://localhost:8765", "", true, "not a loopback"},
		{"hive: listening on https://127.0.0.1:1", "", true, "want hive: listening on http://"},
		{"hive: listening on http://127.0.0.1", "", true, "not a loopback IP with a port"},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			base, match, err := parseListenLine(c.line)
			assert.Equal(t, c.match, match)
			assert.Equal(t, c.base, base)
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.err)
			}
		})
	}
}

// The launcher parses what the binary under test prints; a broken binary
// must get an error, never a panic or a non-loopback address.
func FuzzParseListenLine(f *testing.F) {
	f.Add("hive: listening on http://127.0.0.1:41643")
	f.Add("hive: listening on http://[::1]:80")
	f.Add("hive: listening on http://10.0.0.1:80")
	f.Add("hive: listening on ")
	f.Fuzz(func(t *testing.T, line string) {
		base, ok, err := parseListenLine(line)
		if !ok || err != nil {
			assert.Empty(t, base)
			return
		}
		u, perr := url.Parse(base)
		require.NoError(t, perr)
		assert.Equal(t, "http", u.Scheme)
		ip := net.ParseIP(u.Hostname())
		require.NotNil(t, ip, base)
		assert.True(t, ip.IsLoopback(), base)
	})
}
