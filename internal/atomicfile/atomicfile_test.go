package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leftovers lists the temporary files a write left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWrite(t *testing.T) {
	cases := []struct {
		name string
		old  string // "" for no file before
		perm fs.FileMode
	}{
		{"new file", "", 0o644},
		{"replaces a file", "old content that is longer than the new one\n", 0o644},
		{"private file", "", 0o600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.json")
			if c.old != "" {
				require.NoError(t, os.WriteFile(path, []byte(c.old), 0o600))
			}
			require.NoError(t, Write(path, []byte("{}\n"), c.perm))
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "{}\n", string(got))
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, c.perm, fi.Mode().Perm(), "perm is set, not left to CreateTemp's 0600 or the umask")
			assert.Empty(t, leftovers(t, dir))
		})
	}
}

// The order is what makes a write durable: the data is on disk before the
// rename can expose it, and the rename is on disk before Write returns.
func TestWriteSyncsFileThenRenamesThenSyncsDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	var steps []string
	defer func(f func(*os.File) error, r func(string, string) error, d func(string) error) {
		syncFile, rename, syncDir = f, r, d
	}(syncFile, rename, syncDir)
	syncFile = func(f *os.File) error {
		data, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		steps = append(steps, "sync temp holding "+string(data))
		assert.Equal(t, dir, filepath.Dir(f.Name()), "the temporary file is in the destination's directory, so rename is atomic")
		return f.Sync()
	}
	rename = func(from, to string) error {
		steps = append(steps, "rename to "+filepath.Base(to))
		return os.Rename(from, to)
	}
	syncDir = func(d string) error {
		steps = append(steps, "sync dir "+d)
		return syncDirectory(d)
	}
	require.NoError(t, WriteWith(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, "<html>")
		return err
	}))
	assert.Equal(t, []string{"sync temp holding <html>", "rename to report.html", "sync dir " + dir}, steps)
}

func TestWriteFailures(t *testing.T) {
	renderErr := errors.New("renderer broke")
	cases := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns the path to write
		render  func(w io.Writer) error
		syncDir func(string) error
		is      error  // errors.Is target, when set
		want    string // message part
		kept    string // content path must still have ("" when it must not exist)
	}{
		{
			name:  "missing directory",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "no", "out.json") },
			is:    fs.ErrNotExist, want: "write ",
		},
		{
			name: "render fails: old file kept",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.json")
				require.NoError(t, os.WriteFile(p, []byte("old"), 0o644))
				return p
			},
			render: func(w io.Writer) error { io.WriteString(w, "half"); return renderErr },
			is:     renderErr, kept: "old",
		},
		{
			name: "destination is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.json")
				require.NoError(t, os.MkdirAll(filepath.Join(p, "inside"), 0o755))
				return p
			},
			want: "write ",
		},
		{
			name:    "directory sync fails after the rename",
			setup:   func(t *testing.T, dir string) string { return filepath.Join(dir, "out.json") },
			syncDir: func(string) error { return errors.New("EIO") },
			want:    "syncing its directory failed", kept: "new",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := c.setup(t, dir)
			if c.syncDir != nil {
				defer func(d func(string) error) { syncDir = d }(syncDir)
				syncDir = c.syncDir
			}
			render := c.render
			if render == nil {
				render = func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
			}
			err := WriteWith(path, 0o644, render)
			require.Error(t, err)
			if c.is != nil {
				assert.ErrorIs(t, err, c.is)
			}
			assert.Contains(t, err.Error(), c.want)
			if c.kept != "" {
				got, rerr := os.ReadFile(path)
				require.NoError(t, rerr)
				assert.Equal(t, c.kept, string(got))
			}
			assert.Empty(t, leftovers(t, dir), "no temporary file is left behind")
		})
	}
}
