package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference is what encoding/json writes for s with HTML escaping off.
func reference(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendIsWhatEncodingJSONWrites(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and backslash \`, "tab\tnewline\nreturn\rbell\bform\f",
		"\x00\x01\x1f\x7f", "<html> & 'apostrophe'", "é ü 日本 🐝", "\u2028 and \u2029",
		"\xff invalid \xc3", "\xed\xa0\x80 surrogate half",
	}
	for _, s := range cases {
		assert.Equal(t, reference(t, s), string(Append(nil, s)), "%q", s)
	}
	assert.Equal(t, `x"a"`, string(Append([]byte("x"), "a")), "appends to what is there")
}

func FuzzAppend(f *testing.F) {
	f.Add("tab\t\"q\" \xff \u2028 <>")
	f.Fuzz(func(t *testing.T, s string) {
		assert.Equal(t, reference(t, s), string(Append(nil, s)))
	})
}
