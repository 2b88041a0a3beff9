package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// wlRun runs hivebench in-process with the given environment.
func wlRun(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := app.Run(context.Background(), &cli.Env{Stdout: &out, Stderr: &errb, Getenv: getenv}, args)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), exitcode.Code(err)
}

// wlEnv is an environment with the real PATH and a private HOME, so no
// test touches the user's cache.
func wlEnv(t *testing.T) map[string]string {
	return map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}
}

func wlWrite(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func wlSourceTree(t *testing.T) string {
	dir := t.TempDir()
	wlWrite(t, dir, "main.go", "package main\n\nfunc main() {}\n")
	wlWrite(t, dir, "lib/add.go", "package lib\n\nfunc Add(a, b int) int { return a + b }\n")
	wlWrite(t, dir, "web/app.js", "export const x = 1\n")
	wlWrite(t, dir, "README.md", "# not source\n")
	return dir
}

func TestWorkloadList(t *testing.T) {
	env := wlEnv(t)
	mine := wlWrite(t, t.TempDir(), "mine.yaml", "name: mine\ndescription: my repo\nsource:\n  type: dir\n  path: .\ntargets:\n  cold_wall_max: 10s\n")
	out, errOut, code := wlRun(t, env, "workload", "list", "--cache-dir", t.TempDir(), "--manifest", mine)
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{"go-stdlib", "linux-6.12", "chromium-150", "react", "typescript", "mine",
		"goroot/src", "debian-binary linux-source-6.12=6.12.117-1~deb12u1", "npm react@19.1.0 react-dom@19.1.0",
		"not fetched", "cold_wall_max 10s", "5.61 GB, 448433 files",
		"Load scenarios", "seed-100-users", "hive-1000-users"} {
		assert.Contains(t, out, want)
	}
	assert.Regexp(t, regexp.MustCompile(`(?m)^go-stdlib .* local \(`), out, "the default workload needs no fetch")
}

func TestWorkloadUsageErrors(t *testing.T) {
	bad := wlWrite(t, t.TempDir(), "bad.yaml", "name: bad\nsource:\n  type: dir\n  path: .\ntargets:\n  cold_wall_max: soon\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"workload"}, "missing subcommand; want list, fetch, verify or replay"},
		{"unknown subcommand", []string{"workload", "frob"}, `unknown subcommand "frob"`},
		{"fetch without name", []string{"workload", "fetch"}, "want at least one NAME"},
		{"verify without name", []string{"workload", "verify"}, "want at least one NAME"},
		{"replay two names", []string{"workload", "replay", "react", "typescript"}, "want exactly one NAME"},
		{"replay runs 0", []string{"workload", "replay", "go-stdlib", "--runs", "0"}, "--runs 0"},
		{"unknown workload", []string{"workload", "verify", "linux-6.2"}, "did you mean linux-6.12"},
		{"bad manifest", []string{"workload", "list", "--manifest", bad}, bad + ": line 6: field targets.cold_wall_max"},
		{"list takes no names", []string{"workload", "list", "react"}, "takes no arguments"},
		{"bad flag", []string{"workload", "fetch", "--frobnicate", "react"}, "frobnicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := wlRun(t, wlEnv(t), c.args...)
			assert.Equal(t, exitcode.Usage, code)
			assert.Contains(t, errOut, c.want)
		})
	}
}

func TestWorkloadVerify(t *testing.T) {
	env := wlEnv(t)
	tree := wlSourceTree(t)
	out, errOut, code := wlRun(t, env, "workload", "verify", "dir:"+tree)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "pinned:   nothing")
	m := regexp.MustCompile(`files: (\d+)\n\s+bytes: (\d+)\n\s+hash: (sha256:[0-9a-f]{64})`).FindStringSubmatch(out)
	require.NotNil(t, m, "verify prints the fingerprint block to pin:\n%s", out)
	assert.Equal(t, "4", m[1])

	dir := t.TempDir()
	good := wlWrite(t, dir, "good.yaml", "name: mine\nsource:\n  type: dir\n  path: "+tree+"\nfingerprint:\n  files: "+m[1]+"\n  bytes: "+m[2]+"\n  hash: "+m[3]+"\n")
	out, errOut, code = wlRun(t, env, "workload", "verify", "--manifest", good, "mine")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok: the tree is the pinned one")

	wlWrite(t, tree, "lib/new.go", "package lib\n")
	out, errOut, code = wlRun(t, env, "workload", "verify", "--manifest", good, "mine")
	assert.Equal(t, exitcode.Infra, code, "a pinned tree that differs is exit 3")
	assert.Contains(t, out, "DIFFERS")
	assert.Contains(t, errOut, "workload mine differs")

	// replay refuses a tree that is not the pinned one: it would measure
	// something else under the same name.
	_, errOut, code = wlRun(t, env, "workload", "replay", "--manifest", good, "mine", "--hive-bin", "/nonexistent")
	assert.Equal(t, exitcode.Infra, code)
	assert.Contains(t, errOut, "differs")
}

func TestWorkloadFetchErrors(t *testing.T) {
	cache := t.TempDir()
	_, errOut, code := wlRun(t, map[string]string{"PATH": "", "HOME": t.TempDir()}, "workload", "fetch", "--cache-dir", cache, "react")
	assert.Equal(t, exitcode.Infra, code, "a missing tool is exit 3")
	assert.Contains(t, errOut, `"npm"`)
	assert.Contains(t, errOut, "apt-get install npm")

	_, errOut, code = wlRun(t, wlEnv(t), "workload", "replay", "--cache-dir", cache, "react")
	assert.Equal(t, exitcode.Infra, code, "replaying a workload that is not fetched is exit 3")
	assert.Contains(t, errOut, "hivebench workload fetch react")
}

func TestWorkloadFetchAndReplay(t *testing.T) {
	hive := hiveBin // built by this package's TestMain (main_test.go)
	env := wlEnv(t)
	cache := t.TempDir()
	dir := t.TempDir()

	// A local archive goes through the same path as a download: staging,
	// checksum, unpack, marker.
	tgz := filepath.Join(dir, "snap.tar.gz")
	wlTarGz(t, tgz, map[string]string{"snap/a.go": "package a\n\nfunc A() {}\n", "snap/b.py": "def b():\n    pass\n", "snap/notes.txt": "x\n"})
	man := wlWrite(t, dir, "snap.yaml", "name: snap\ndescription: a snapshot\nsource:\n  type: archive\n  path: snap.tar.gz\n"+
		"targets:\n  cold_wall_max: 1h\n  peak_rss_max: 64GB\n")
	args := []string{"--cache-dir", cache, "--manifest", man}

	out, errOut, code := wlRun(t, env, append([]string{"workload", "fetch", "snap"}, args...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "snap: fetched: "+filepath.Join(cache, "snap"))
	assert.Contains(t, out, "artefact snap.tar.gz")
	assert.Contains(t, out, "to pin the downloads add")
	assert.Contains(t, errOut, "fetch snap: unpacking: done", "progress is reported on stderr")
	fetched := regexp.MustCompile(`(?m)^  content (sha256:[0-9a-f]{64})$`).FindStringSubmatch(out)
	require.NotNil(t, fetched, "fetch prints the content fingerprint:\n%s", out)

	out, _, code = wlRun(t, env, append([]string{"workload", "list"}, args...)...)
	require.Equal(t, 0, code)
	assert.Regexp(t, regexp.MustCompile(`(?m)^snap .* cached \(3 files`), out)

	resultsPath := filepath.Join(t.TempDir(), "snap.json")
	out, errOut, code = wlRun(t, env, append([]string{"workload", "replay", "snap", "--hive-bin", hive, "--out", resultsPath}, args...)...)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, regexp.MustCompile(`(?m)^\s+1\s+cold\s`), out)
	assert.Regexp(t, regexp.MustCompile(`(?m)^\s+1\s+warm\s`), out)
	assert.Contains(t, out, "ok  cold_wall_max ≤ 1h0m0s")
	f, err := results.Read(resultsPath)
	require.NoError(t, err, "the results file is in the harness format")
	assert.Equal(t, "snap", f.Workload.Name)
	assert.Equal(t, 3, f.Workload.Files)
	assert.Equal(t, fetched[1], f.Workload.Content, "the results carry the content fingerprint, the one replay verified")
	b, ok := f.Benchmark("parsing.per_file")
	require.True(t, ok)
	assert.Len(t, b.Samples, 2, "a.go and b.py")

	// An impossible target: exit 1, and the results are written anyway.
	strict := wlWrite(t, dir, "strict.yaml", "name: snap\nsource:\n  type: archive\n  path: snap.tar.gz\ntargets:\n  warm_wall_max: 1ns\n")
	resultsPath2 := filepath.Join(t.TempDir(), "strict.json")
	out, errOut, code = wlRun(t, env, "workload", "replay", "snap", "--hive-bin", hive, "--out", resultsPath2, "--cache-dir", cache, "--manifest", strict)
	assert.Equal(t, exitcode.Regression, code, "a missed target is exit 1")
	assert.Contains(t, out, "MISSED  warm_wall_max ≤ 1ns")
	assert.Contains(t, errOut, "workload snap missed 1 target(s)")
	assert.FileExists(t, resultsPath2)
	assert.True(t, strings.HasPrefix(f.Suite, "workload-replay:"))
}

// fetch says what it did with every member of an archive that is not
// plain source: counts on one line, the first few names below it.
func TestWorkloadFetchHostileArchive(t *testing.T) {
	env := wlEnv(t)
	cache := t.TempDir()
	dir := t.TempDir()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, h := range []*tar.Header{
		{Name: "h/ok.c", Mode: 0o644, Size: 8, Typeflag: tar.TypeReg},
		{Name: "h/mem.c", Mode: 0o644, Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 1},
		{Name: "h/.gitignore", Mode: 0o644, Typeflag: tar.TypeFifo},
		{Name: "h/suid.sh", Mode: 0o4755, Size: 8, Typeflag: tar.TypeReg},
		{Name: "h/escape", Linkname: "../../../etc/passwd", Typeflag: tar.TypeSymlink},
	} {
		require.NoError(t, tw.WriteHeader(h))
		if h.Size > 0 {
			_, err := tw.Write([]byte("int x;\n\n"[:h.Size]))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.tar.gz"), b.Bytes(), 0o644))
	man := wlWrite(t, dir, "h.yaml", "name: hostile\nsource:\n  type: archive\n  path: h.tar.gz\n")

	out, errOut, code := wlRun(t, env, "workload", "fetch", "hostile", "--cache-dir", cache, "--manifest", man)
	require.Equal(t, 0, code, errOut)
	for _, w := range []string{
		"unpacked 5 archive members: 2 files, 1 directory, 0 symlinks",
		"normalised 1 mode to 0644/0755 (1 with setuid/setgid/sticky bits dropped)",
		"skipped 1 device, 1 named pipe, 1 symlink leaving the tree or leading nowhere",
		"h/mem.c: skipped, a device node (1, 1)",
		"h/.gitignore: skipped, a named pipe",
		"h/suid.sh: mode 4755 made 0755",
		"  content sha256:",
		"      content: sha256:",
	} {
		assert.Contains(t, out, w)
	}

	// Fetched again: already cached, and it still says what the unpack did.
	out, errOut, code = wlRun(t, env, "workload", "fetch", "hostile", "--cache-dir", cache, "--manifest", man)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "already cached")
	assert.Contains(t, out, "skipped 1 device")

	// verify shows both fingerprints, and a pin of the old three fields
	// alone says the content is not pinned yet.
	out, _, code = wlRun(t, env, "workload", "verify", "hostile", "--cache-dir", cache, "--manifest", man)
	require.Equal(t, 0, code)
	m := regexp.MustCompile(`files: (\d+)\n\s+bytes: (\d+)\n\s+hash: (sha256:[0-9a-f]{64})\n\s+content: (sha256:[0-9a-f]{64})`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	old := wlWrite(t, dir, "old.yaml", "name: hostile\nsource:\n  type: archive\n  path: h.tar.gz\nfingerprint:\n  files: "+m[1]+"\n  bytes: "+m[2]+"\n  hash: "+m[3]+"\n")
	out, _, code = wlRun(t, env, "workload", "verify", "hostile", "--cache-dir", cache, "--manifest", old)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "content not pinned")
	assert.Contains(t, out, "add `content: "+m[4]+"`")
}

func wlTarGz(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, f.Close())
}
