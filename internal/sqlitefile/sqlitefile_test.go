package sqlitefile

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURI(t *testing.T) {
	cases := []struct{ path, query, want string }{
		{"/tmp/hive.db", "", "file:/tmp/hive.db"},
		{"/tmp/hive.db", "_txlock=immediate", "file:/tmp/hive.db?_txlock=immediate"},
		{"/tmp/a#b/hive.db", "x=1", "file:/tmp/a%23b/hive.db?x=1"},
		{"/tmp/a?b/hive.db", "", "file:/tmp/a%3Fb/hive.db"},
		{"/tmp/100%/h.db", "", "file:/tmp/100%25/h.db"},
		{"/tmp/%41/h.db", "", "file:/tmp/%2541/h.db"},
		{"/tmp/ü b/h.db", "", "file:/tmp/ü b/h.db"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, URI(c.path, c.query), c.path)
	}
}

// SQLite decodes %XX in a URI's path and stops at '?' or '#': whatever the
// path, what it reads back is the path.
func FuzzURIPathRoundTrip(f *testing.F) {
	for _, s := range []string{"/tmp/hive.db", "/a#b/c", "/a?b", "/100%", "/%41", "/ü/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if strings.ContainsRune(path, 0) {
			return // not a path
		}
		u := URI(path, "q=1")
		rest := strings.TrimPrefix(u, "file:")
		end := strings.IndexAny(rest, "?#")
		require.GreaterOrEqual(t, end, 0, "the query separator is missing from %q", u)
		got, err := url.PathUnescape(rest[:end])
		require.NoError(t, err, "%q", u)
		assert.Equal(t, path, got)
		assert.Equal(t, "?q=1", rest[end:])
	})
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	header := func(pages int) []byte { // a 4096-byte-page header saying pages pages
		h := make([]byte, 100)
		copy(h, Header)
		h[16], h[17] = 0x10, 0x00
		h[28], h[29], h[30], h[31] = 0, 0, 0, byte(pages)
		copy(h[92:96], h[24:28])
		return h
	}
	cases := []struct {
		name, path, want string
	}{
		{"new file in a new directory", filepath.Join(dir, "new", "sub", "hive.db"), ""},
		{"empty file", write("empty.db", nil), ""},
		{"directory", dir, "is a directory"},
		{"not sqlite", write("text", []byte("hello, not a database\n")), "is not a SQLite database"},
		{"short header", write("short.db", []byte(Header+"abc")), "shorter than the 100-byte SQLite header"},
		{"truncated", write("trunc.db", append(header(3), make([]byte, 4096-100)...)), "header says 3 pages"},
		{"whole", write("whole.db", append(header(1), make([]byte, 4096-100)...)), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.path)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), c.path, "the error names the path")
		})
	}
}
