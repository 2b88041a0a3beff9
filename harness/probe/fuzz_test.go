package probe

import (
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes parse what the binary under test prints; a broken binary must
// get an error, never a panic or a bogus number.

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

func FuzzParseFileLines(f *testing.F) {
	f.Add(`{"path":"a.go","bytes":100,"latency_us":1500}` + "\n" + `{"path":"b","skipped":"binary"}`)
	f.Add(`{"latency_us":-1}`)
	f.Add(`{"cached":true,"latency_us":1}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := parseFileLines(strings.NewReader(in), false)
		if err != nil {
			return
		}
		for _, v := range got {
			assert.GreaterOrEqual(t, v, 0.0)
		}
	})
}

func FuzzParseBench(f *testing.F) {
	f.Add(`{"ops":{"cache_get":[1,2]},"unit":"ns"}`)
	f.Add(`{"ops":{"cache_get":[1e308,1e308]},"unit":"s"}`)
	f.Add(`{"ops":{"cache_get":[1]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseBench(&capped{max: 1 << 20, buf: []byte(in)}, []string{"cache_get"}, 2)
		if err != nil {
			return
		}
		assert.Len(t, got["database.cache_get"], 2)
		for _, v := range got["database.cache_get"] {
			assert.GreaterOrEqual(t, v, 0.0)
		}
	})
}
