package regularfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangLimit is how long a call that must not block may take before the test
// calls it hung. It bounds a liveness check on a busy machine and measures
// nothing: the code under test returns at once, a blocking open never.
const hangLimit = 30 * time.Second

// returns runs fn and fails the test if it has not returned within
// hangLimit. A blocked open of a named pipe is released by opening the pipe
// for writing, so that a failed test does not leave a goroutine stuck.
func returns(t *testing.T, fifo string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangLimit):
		for range 100 { // bounded: one writer per try
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			select {
			case <-done:
				t.Fatalf("blocked on the named pipe %s (released after %s)", fifo, hangLimit)
			case <-time.After(50 * time.Millisecond):
			}
		}
		t.Fatalf("blocked on the named pipe %s and could not be released", fifo)
	}
}

// tree holds one of each kind of entry Open and ReadDir meet.
func tree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "file"), []byte("hello"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(root, "dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "dir", "b"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "dir", "a"), nil, 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	require.NoError(t, os.Symlink("file", filepath.Join(root, "link-to-file")))
	require.NoError(t, os.Symlink("dir", filepath.Join(root, "link-to-dir")))
	require.NoError(t, os.Symlink("fifo", filepath.Join(root, "link-to-fifo")))
	return root
}

func TestOpen(t *testing.T) {
	root := tree(t)
	cases := []struct {
		name    string
		follow  bool
		want    string // the file's content; "" when it is refused
		refused string // the TypeError's message
		errIs   error
	}{
		{"file", false, "hello", "", nil},
		{"file", true, "hello", "", nil},
		{"link-to-file", true, "hello", "", nil},
		{"link-to-file", false, "", "not a regular file: symbolic link", nil},
		{"fifo", false, "", "not a regular file: named pipe", nil},
		{"fifo", true, "", "not a regular file: named pipe", nil},
		{"link-to-fifo", true, "", "not a regular file: named pipe", nil},
		{"dir", false, "", "not a regular file: directory", nil},
		{"link-to-dir", false, "", "not a regular file: symbolic link", nil},
		{"missing", true, "", "", fs.ErrNotExist},
	}
	for _, c := range cases {
		path := filepath.Join(root, c.name)
		t.Run(c.name, func(t *testing.T) {
			var f *os.File
			var fi fs.FileInfo
			var err error
			returns(t, filepath.Join(root, "fifo"), func() { f, fi, err = Open(path, c.follow) })
			if c.want != "" {
				require.NoError(t, err)
				defer f.Close()
				assert.True(t, fi.Mode().IsRegular())
				data, err := io.ReadAll(f)
				require.NoError(t, err)
				assert.Equal(t, c.want, string(data))
				return
			}
			require.Error(t, err)
			assert.Nil(t, f)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, path, pe.Path, "the error names the path")
			if c.errIs != nil {
				assert.ErrorIs(t, err, c.errIs)
				return
			}
			var te *TypeError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.refused, te.Error())
		})
	}
}

// A character device (/dev/null, where the system has one) is refused too.
func TestOpenDevice(t *testing.T) {
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no /dev/null character device here")
	}
	_, _, err := Open("/dev/null", true)
	var te *TypeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "not a regular file: character device", te.Error())
}

func TestReadDir(t *testing.T) {
	root := tree(t)
	cases := []struct {
		name    string
		follow  bool
		want    []string
		refused string
		errIs   error
	}{
		{"dir", false, []string{"a", "b"}, "", nil},
		{"link-to-dir", true, []string{"a", "b"}, "", nil},
		// Linux checks O_DIRECTORY on the link itself: ENOTDIR, not ELOOP.
		{"link-to-dir", false, nil, "", syscall.ENOTDIR},
		{"fifo", false, nil, "", syscall.ENOTDIR},
		{"file", false, nil, "", syscall.ENOTDIR},
		{"missing", false, nil, "", fs.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []fs.DirEntry
			var err error
			returns(t, filepath.Join(root, "fifo"), func() { got, err = ReadDir(filepath.Join(root, c.name), c.follow) })
			if c.want != nil {
				require.NoError(t, err)
				var names []string
				for _, e := range got {
					names = append(names, e.Name())
				}
				assert.Equal(t, c.want, names, "in name order")
				return
			}
			require.Error(t, err)
			if c.errIs != nil {
				assert.ErrorIs(t, err, c.errIs)
				return
			}
			var te *TypeError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.refused, te.Error())
		})
	}
	entries, err := ReadDir(root, false)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"dir", "fifo", "file", "link-to-dir", "link-to-fifo", "link-to-file"}, names)
}

func TestKind(t *testing.T) {
	for m, want := range map[fs.FileMode]string{
		0o644:                             "regular file",
		fs.ModeDir | 0o755:                "directory",
		fs.ModeSymlink:                    "symbolic link",
		fs.ModeNamedPipe:                  "named pipe",
		fs.ModeDevice:                     "block device",
		fs.ModeDevice | fs.ModeCharDevice: "character device",
		fs.ModeSocket:                     "socket",
		fs.ModeIrregular:                  "file of type ?---------",
	} {
		assert.Equal(t, want, Kind(m), "%v", m)
	}
}
