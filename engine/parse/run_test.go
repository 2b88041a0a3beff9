package parse

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/exitcode"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// collect runs a walk and returns the summary and every result by path.
func collect(t *testing.T, root string, opts Options) (*Summary, map[string]FileResult) {
	t.Helper()
	got := map[string]FileResult{}
	opts.OnFile = func(r *FileResult) error {
		got[r.Path] = *r
		return nil
	}
	sum, err := Run(context.Background(), root, opts)
	require.NoError(t, err)
	require.True(t, sum.Complete)
	return sum, got
}

func TestRunTree(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "main.go"), "package main\n\n// main runs.\nfunc main() {}\n")
	write(t, filepath.Join(root, "lib", "util.py"), "def helper():\n    return 1\n")
	write(t, filepath.Join(root, "lib", "native.c"), "int add(int a, int b) { return a + b; }\n")
	write(t, filepath.Join(root, "tool"), "#!/usr/bin/env python3\ndef run():\n    pass\n")
	write(t, filepath.Join(root, "README"), "not source\n")
	write(t, filepath.Join(root, "notes.txt"), "def not_python(): pass\n")
	write(t, filepath.Join(root, ".git", "hooks", "pre-commit.py"), "def hook(): pass\n")
	write(t, filepath.Join(root, ".hg", "x.go"), "package x\n")

	sum, files := collect(t, root, Options{Jobs: 2})
	abs := func(p string) string { return filepath.Join(root, p) }
	assert.ElementsMatch(t, []string{abs("main.go"), abs("lib/util.py"), abs("lib/native.c"), abs("tool")}, keys(files),
		"VCS directories, unknown extensions and extension-less files without a shebang are not source")
	assert.Equal(t, 4, sum.Files)
	assert.Equal(t, 4, sum.Functions)
	assert.Equal(t, 0, sum.Skipped+sum.Errors+sum.Cached)
	assert.Equal(t, 2, sum.Languages["python"].Files, "the shebang script counts as Python")
	assert.Equal(t, sum.Lines, sum.Code+sum.Comments+sum.Blanks)
	assert.Equal(t, 1, sum.Languages["go"].Comments)
	assert.Equal(t, 1, sum.Languages["go"].Blanks)
	main := files[abs("main.go")]
	assert.Equal(t, []Symbol{{Name: "main", Kind: "function", StartLine: 4, EndLine: 4, Complexity: 1}}, main.Symbols)
	assert.NotEmpty(t, main.Hash)
	assert.Positive(t, main.LatencyMicros)
	assert.Equal(t, 2, sum.Jobs)
	assert.Positive(t, sum.PeakRSSBytes)
}

// A parse-only baseline walks, reads and parses the same files as an
// analysis and extracts nothing, so that the two times compare.
func TestRunParseOnly(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "main.go"), "package main\n\nfunc main() {}\n")
	write(t, filepath.Join(root, "lib", "native.c"), "int add(int a, int b) { return a + b; }\n")
	write(t, filepath.Join(root, "tool"), "#!/usr/bin/env python3\ndef run():\n    pass\n")
	write(t, filepath.Join(root, "blob.c"), "\x00binary")

	full, _ := collect(t, root, Options{})
	base, files := collect(t, root, Options{ParseOnly: true})
	assert.True(t, base.ParseOnly)
	assert.False(t, full.ParseOnly)
	assert.Equal(t, full.Files, base.Files)
	assert.Equal(t, full.Bytes, base.Bytes)
	assert.Equal(t, full.Skipped, base.Skipped)
	assert.Equal(t, 3, base.Files)
	assert.Equal(t, 3, base.Languages["go"].Files+base.Languages["c"].Files+base.Languages["python"].Files)
	assert.Zero(t, base.Symbols+base.Lines+base.Functions, "nothing is extracted")
	for p, r := range files {
		assert.Empty(t, r.Hash, p)
		assert.Empty(t, r.Symbols, p)
	}

	_, err := Run(context.Background(), root, Options{ParseOnly: true, Store: openStore(t)})
	assert.Equal(t, exitcode.Usage, exitcode.Code(err), "a baseline with a store is a usage error: %v", err)
}

func keys(m map[string]FileResult) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRunSingleFile(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "one.rs")
	write(t, path, "fn main() {}\n")
	sum, files := collect(t, path, Options{})
	assert.Equal(t, 1, sum.Files)
	assert.Contains(t, files, path)
}

func TestRunMissingRoot(t *testing.T) {
	_, err := Run(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "does not exist")
}

func TestRunIncremental(t *testing.T) {
	root := t.TempDir()
	st := openStore(t)
	ctx := context.Background()
	a, b, c := filepath.Join(root, "a.go"), filepath.Join(root, "b.py"), filepath.Join(root, "c.rs")
	write(t, a, "package a\n\nfunc Alpha() {}\n")
	write(t, b, "def beta():\n    pass\n")
	write(t, c, "fn gamma() {}\n")

	first, _ := collect(t, root, Options{Store: st})
	assert.Equal(t, 3, first.Files)
	assert.Zero(t, first.Cached)
	hits, err := st.SearchSymbols(ctx, "Alpha", 10)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, a, hits[0].Path)

	// Unchanged: everything from the store, and the totals are the same.
	second, files := collect(t, root, Options{Store: st})
	assert.Equal(t, 3, second.Cached)
	assert.Equal(t, first.Counts.Lines, second.Counts.Lines)
	assert.Equal(t, first.Counts.Functions, second.Counts.Functions)
	assert.Equal(t, first.Counts.Symbols, second.Counts.Symbols)
	assert.True(t, files[a].Cached)

	// Changed content: parsed again, symbols replaced.
	write(t, a, "package a\n\nfunc Delta() {}\n\nfunc Epsilon() {}\n")
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(a, later, later))
	// Touched, same content: hashed, found equal, not parsed.
	require.NoError(t, os.Chtimes(b, later, later))
	third, files := collect(t, root, Options{Store: st})
	assert.False(t, files[a].Cached)
	assert.True(t, files[b].Cached, "same content with a new mtime stays cached")
	assert.Equal(t, 2, third.Cached)
	assert.Equal(t, first.Functions+1, third.Functions)
	hits, err = st.SearchSymbols(ctx, "Alpha", 10)
	require.NoError(t, err)
	assert.Empty(t, hits)
	hits, err = st.SearchSymbols(ctx, "Epsilon", 10)
	require.NoError(t, err)
	assert.Len(t, hits, 1)

	// Deleted: removed from the store.
	require.NoError(t, os.Remove(c))
	fourth, _ := collect(t, root, Options{Store: st})
	assert.Equal(t, 1, fourth.Deleted)
	states, err := st.FileStates(ctx, root)
	require.NoError(t, err)
	assert.NotContains(t, states, c)
	assert.Len(t, states, 2)

	// --no-cache parses everything again.
	fifth, _ := collect(t, root, Options{Store: st, NoCache: true})
	assert.Zero(t, fifth.Cached)
	assert.Equal(t, 2, fifth.Files)
}

// A walk that is interrupted must not delete the files it did not reach.
func TestRunCanceledKeepsStore(t *testing.T) {
	root := t.TempDir()
	st := openStore(t)
	for i := range 20 {
		write(t, filepath.Join(root, "f"+string(rune('a'+i))+".go"), "package a\n")
	}
	collect(t, root, Options{Store: st})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	sum, err := Run(ctx, root, Options{Store: st, Jobs: 1, OnFile: func(*FileResult) error {
		if n++; n == 2 {
			cancel()
		}
		return nil
	}})
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, sum.Complete)
	assert.Zero(t, sum.Deleted)
	states, err := st.FileStates(context.Background(), root)
	require.NoError(t, err)
	assert.Len(t, states, 20)
}

func TestRunBadInput(t *testing.T) {
	root := t.TempDir()
	abs := func(p string) string { return filepath.Join(root, p) }

	noise := make([]byte, 64<<10)
	_, err := rand.Read(noise)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(abs("random.c"), noise, 0o644))
	// Random printable bytes: no NUL, so it is parsed, and fails to parse.
	printable := bytes.Map(func(r rune) rune { return ' ' + r%95 }, noise[:16<<10])
	require.NoError(t, os.WriteFile(abs("garbage.js"), printable, 0o644))
	write(t, abs("unbalanced.c"), "int main(void) {\n  if (x) {\n    return 1;\n")
	require.NoError(t, os.WriteFile(abs("latin1.py"), []byte("# caf\xe9\nx = 1\n"), 0o644))
	require.NoError(t, os.WriteFile(abs("binary.go"), []byte("package a\x00\x01\x02"), 0o644))

	// A 50 MB minified file, generated (never checked in): over the cap.
	big, err := os.Create(abs("bundle.min.js"))
	require.NoError(t, err)
	chunk := []byte(strings.Repeat("var a=function(b){return b?b+1:0};", 1000))
	for written := 0; written < 50<<20; written += len(chunk) {
		_, err := big.Write(chunk)
		require.NoError(t, err)
	}
	require.NoError(t, big.Close())

	require.NoError(t, os.Symlink(abs("nowhere.go"), abs("broken.go")))
	require.NoError(t, os.Symlink(abs("loop.go"), abs("loop.go")))
	require.NoError(t, os.MkdirAll(abs("realdir"), 0o755))
	require.NoError(t, os.Symlink(abs("realdir"), abs("linkdir")))
	write(t, abs("real.go"), "package a\nfunc Real() {}\n")
	require.NoError(t, os.Symlink(abs("real.go"), abs("alias.go")))
	require.NoError(t, syscall.Mkfifo(abs("pipe.go"), 0o644))

	sum, files := collect(t, root, Options{})
	reason := func(p string) string {
		r, ok := files[abs(p)]
		require.True(t, ok, "%s: no result", p)
		return r.Skipped + r.Error
	}
	assert.Contains(t, reason("random.c"), "binary")
	assert.Contains(t, reason("bundle.min.js"), "size cap")
	assert.Contains(t, reason("binary.go"), "binary")
	assert.Contains(t, reason("broken.go"), "broken symlink")
	assert.Contains(t, reason("loop.go"), "symlink loop")
	assert.Contains(t, reason("linkdir"), "symlink to a directory")
	assert.Contains(t, reason("pipe.go"), "not a regular file")
	assert.Empty(t, reason("alias.go"), "a symlink to a file is analysed")
	assert.Empty(t, reason("real.go"))

	assert.Empty(t, reason("garbage.js"))
	assert.Positive(t, files[abs("garbage.js")].SyntaxErrors)
	assert.Empty(t, reason("unbalanced.c"))
	assert.Positive(t, files[abs("unbalanced.c")].SyntaxErrors)
	assert.Equal(t, "invalid UTF-8 (analysed as is)", files[abs("latin1.py")].Warning)
	assert.Equal(t, 2, files[abs("latin1.py")].Lines)

	assert.Equal(t, 5, sum.Files, "garbage.js, unbalanced.c, latin1.py, real.go, alias.go")
	assert.Equal(t, 5, sum.Skipped, "random.c, bundle.min.js, binary.go, linkdir, pipe.go")
	assert.Equal(t, 2, sum.Errors, "broken.go, loop.go")
	assert.Equal(t, 1, sum.Warnings)
	assert.Positive(t, sum.SyntaxErrors)
	assert.Equal(t, 1, sum.Languages["javascript"].Skipped)
}

// The walker lists a directory, then a worker opens each file: a file
// deleted in between is reported, not fatal. The two stages are run by
// hand here so the deletion lands exactly in that window.
func TestFileDeletedMidWalk(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "gone.go"), "package a\n")
	write(t, filepath.Join(root, "stays.go"), "package a\n")
	jobs := make(chan job, 10)
	w := &walker{root: root, jobs: jobs}
	require.True(t, w.run(context.Background()))
	close(jobs)
	require.NoError(t, os.Remove(filepath.Join(root, "gone.go")))

	wk := &worker{an: NewAnalyzer(), maxSize: DefaultMaxFileSize}
	defer wk.an.Close()
	got := map[string]FileResult{}
	for j := range jobs {
		r, ok := wk.process(j)
		require.True(t, ok)
		got[filepath.Base(j.path)] = r
	}
	assert.Contains(t, got["gone.go"].Error, "vanished")
	assert.Empty(t, got["stays.go"].Error)
	assert.Equal(t, 1, got["stays.go"].Lines)
}

// Permission denied needs a user that permissions apply to. The tests run
// as root (which reads everything), so this re-runs the test binary as
// nobody (uid 65534) on a tree with an unreadable directory and file; as a
// non-root user it walks directly.
func TestPermissionDenied(t *testing.T) {
	// Not t.TempDir: its parent is private (0700) and nobody could not enter it.
	base, err := os.MkdirTemp("", "hive-parse-perm-")
	require.NoError(t, err)
	t.Cleanup(func() {
		os.Chmod(filepath.Join(base, "tree", "locked"), 0o755)
		os.RemoveAll(base)
	})
	root := filepath.Join(base, "tree")
	write(t, filepath.Join(root, "ok.go"), "package a\n")
	write(t, filepath.Join(root, "secret.go"), "package a\n")
	write(t, filepath.Join(root, "locked", "hidden.go"), "package a\n")
	require.NoError(t, os.Chmod(filepath.Join(root, "secret.go"), 0))
	require.NoError(t, os.Chmod(filepath.Join(root, "locked"), 0))

	var out childOutput
	if os.Geteuid() != 0 {
		out.Summary, out.Files = collectPtrs(t, root)
	} else {
		// nobody must be able to reach the tree and run a copy of this binary.
		require.NoError(t, os.Chmod(base, 0o755))
		require.NoError(t, os.Chmod(root, 0o755))
		for d := filepath.Dir(base); d != "/" && d != "."; d = filepath.Dir(d) {
			fi, err := os.Stat(d)
			require.NoError(t, err)
			require.NotZero(t, fi.Mode().Perm()&0o001, "%s must be searchable by others to run this test as nobody", d)
		}
		self, err := os.Executable()
		require.NoError(t, err)
		bin := filepath.Join(base, "parse.test")
		copyFile(t, self, bin)
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), childEnv+"="+root)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		require.NoError(t, err, "helper as nobody failed: %s", stderr.String())
		require.NoError(t, json.Unmarshal(b, &out))
		require.Equal(t, 65534, out.UID)
		require.Empty(t, out.Err)
	}
	byName := map[string]*FileResult{}
	for _, f := range out.Files {
		byName[filepath.Base(f.Path)] = f
	}
	require.Contains(t, byName, "secret.go")
	require.Contains(t, byName, "locked")
	assert.Equal(t, "open: permission denied", byName["secret.go"].Error)
	assert.Equal(t, "open: permission denied", byName["locked"].Error)
	assert.Empty(t, byName["ok.go"].Error)
	assert.NotContains(t, byName, "hidden.go")
	assert.Equal(t, 1, out.Summary.Files)
	assert.Equal(t, 2, out.Summary.Errors)
	assert.True(t, out.Summary.Complete)
}

func collectPtrs(t *testing.T, root string) (*Summary, []*FileResult) {
	var files []*FileResult
	sum, err := Run(context.Background(), root, Options{OnFile: func(r *FileResult) error {
		c := *r
		files = append(files, &c)
		return nil
	}})
	require.NoError(t, err)
	return sum, files
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

func TestRunGitignore(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, ".gitignore"), "gen/\n*.pb.go\n")
	write(t, filepath.Join(root, "a.go"), "package a\n")
	write(t, filepath.Join(root, "a.pb.go"), "package a\n")
	write(t, filepath.Join(root, "gen", "b.go"), "package gen\n")

	with, _ := collect(t, root, Options{GitIgnore: true})
	without, _ := collect(t, root, Options{})
	assert.Equal(t, 1, with.Files)
	assert.Equal(t, 3, without.Files)
}

// OnFile's error stops the walk and comes back from Run.
func TestRunOnFileError(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a.go"), "package a\n")
	boom := fs.ErrClosed
	_, err := Run(context.Background(), root, Options{OnFile: func(*FileResult) error { return boom }})
	assert.ErrorIs(t, err, boom)
}
