package parse

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// hangLimit is how long a step that must not block may take before the test
// calls it hung. It bounds a liveness check on a busy machine, it measures
// nothing: the fixed code returns at once, the broken one never.
const hangLimit = 30 * time.Second

// mkfifo makes a named pipe, the file that blocks an open(2) for reading
// until a writer appears.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, syscall.Mkfifo(path, 0o644))
}

// unblock opens fifo for writing and closes it, which releases a reader
// stuck in open(2) with end of file: a failed test must not leave a
// goroutine blocked for ever.
func unblock(fifo string) {
	if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

// finishes runs fn and fails the test if it does not return within
// hangLimit; fifos are unblocked on the way out either way.
func finishes(t *testing.T, what string, fn func(), fifos ...string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangLimit):
		for range 100 { // a writer per blocked reader; bounded
			for _, f := range fifos {
				unblock(f)
			}
			select {
			case <-done:
				t.Fatalf("%s blocked on a named pipe (released by the test after %s)", what, hangLimit)
			case <-time.After(50 * time.Millisecond):
			}
		}
		t.Fatalf("%s blocked and could not be released", what)
	}
}

// A .gitignore that is a named pipe made `hive analyze --gitignore` wait
// for ever for a writer, beyond SIGTERM's reach (a goroutine in open(2)
// does not see a canceled context). Now it is opened without blocking,
// refused as not a regular file, and the walk finishes with a usage error
// naming it.
func TestGitignoreFIFO(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a.go"), "package a\n")
	write(t, filepath.Join(root, "sub", "b.go"), "package sub\n")
	fifo := filepath.Join(root, ".gitignore")
	mkfifo(t, fifo)

	var sum *Summary
	var err error
	got := map[string]FileResult{}
	finishes(t, "analyze --gitignore", func() {
		sum, err = Run(context.Background(), root, Options{GitIgnore: true, OnFile: func(r *FileResult) error {
			got[r.Path] = *r
			return nil
		}})
	}, fifo)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err), "a tree whose .gitignore cannot be honoured is bad input: %v", err)
	assert.Contains(t, err.Error(), fifo)
	assert.Contains(t, err.Error(), "not a regular file")
	assert.Contains(t, err.Error(), "named pipe")
	require.NotNil(t, sum, "the partial results are still returned")
	assert.Equal(t, 2, sum.Files, "the rest of the tree is analysed")
	assert.Contains(t, got[fifo].Error, "not a regular file", "the .gitignore is in the per-file records too")
}

// The checks happen after open, on the open file: a file that passed the
// walk's stat as a regular file and was then replaced by a named pipe must
// not block the worker.
func TestFileReplacedByFIFO(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "x.go")
	write(t, path, "package x\n")
	jobs := make(chan job, 1)
	w := &walker{root: root, jobs: jobs}
	require.True(t, w.run(context.Background()))
	close(jobs)
	j := <-jobs
	c := checker{noCache: true}
	_, p := c.check(j)
	require.NotNil(t, p, "x.go is a regular file when checked")

	require.NoError(t, os.Remove(path))
	mkfifo(t, path)
	wk := &worker{an: NewAnalyzer(), maxSize: DefaultMaxFileSize}
	defer wk.an.Close()
	var r FileResult
	finishes(t, "analysing a file replaced by a named pipe", func() { r, _ = wk.analyze(p) }, path)
	assert.Contains(t, r.Skipped+r.Error, "not a regular file")
}

// A directory replaced by a named pipe between its listing and its read.
func TestDirReplacedByFIFO(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "d")
	mkfifo(t, fifo)
	jobs := make(chan job, 4)
	w := &walker{root: root, jobs: jobs}
	finishes(t, "reading a named pipe as a directory", func() { w.dir(context.Background(), fifo, "d", nil) }, fifo)
	close(jobs)
	var errs []error
	for j := range jobs {
		errs = append(errs, j.err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], syscall.ENOTDIR)
}

// A symlinked directory is not followed, even when it appears after the
// listing said it was a directory.
func TestDirReplacedBySymlink(t *testing.T) {
	root := t.TempDir()
	elsewhere := t.TempDir()
	write(t, filepath.Join(elsewhere, "outside.go"), "package outside\n")
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(root, "d")))
	jobs := make(chan job, 4)
	w := &walker{root: root, jobs: jobs}
	w.dir(context.Background(), filepath.Join(root, "d"), "d", nil)
	close(jobs)
	for j := range jobs {
		assert.NotEqual(t, "outside.go", filepath.Base(j.path), "a symlinked directory was followed")
		assert.Error(t, j.err)
	}
}

func TestRunMaxFileSizeRange(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a.go"), "package a\n\nfunc A() {}\n")
	for _, tt := range []struct {
		name string
		size int64
	}{
		{"int64 max (size+1 overflowed: every file read as empty)", math.MaxInt64},
		{"just over the limit", MaxFileSizeLimit + 1},
		{"negative (fell back to the default)", -1},
		{"most negative", math.MinInt64},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := Run(context.Background(), root, Options{MaxFileSize: tt.size})
			require.Error(t, err, "summary: %+v", sum)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), "max file size")
			assert.Contains(t, err.Error(), "4294967295")
		})
	}
	sum, _ := collect(t, root, Options{MaxFileSize: MaxFileSizeLimit})
	assert.Equal(t, 1, sum.Files)
	assert.Equal(t, int64(len("package a\n\nfunc A() {}\n")), sum.Bytes, "the file is read whole")
}
