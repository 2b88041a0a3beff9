package probe

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The probes parse what the binary under test prints; a broken binary must
// get an error, never a panic or a bogus number.

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
