package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "hive.db")
	s, err := Open(path)
	require.NoError(t, err)
	v, err := s.SchemaVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, LatestSchema(), v)
	assert.Greater(t, v, 0)
	require.NoError(t, s.Close())

	s, err = Open(path) // second open: migrations are a no-op
	require.NoError(t, err)
	defer s.Close()
	var n int
	require.NoError(t, s.r.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n))
	assert.Equal(t, LatestSchema(), n)
	before, after, err := s.Migrate(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// Every pooled connection, not only the first, must carry the pragmas.
func TestPragmasOnEveryConnection(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "hive.db"), WithReaders(3))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	check := func(c *sql.Conn, wantQueryOnly int) {
		var fk, sync, busy, qo int
		var mode string
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		assert.Equal(t, 1, fk, "foreign_keys")
		assert.Equal(t, 1, sync, "synchronous=NORMAL")
		assert.Equal(t, 10000, busy, "busy_timeout")
		assert.Equal(t, wantQueryOnly, qo, "query_only")
		assert.Equal(t, "wal", mode)
		require.NoError(t, c.Raw(func(dc any) error {
			sc, ok := dc.(*sqlite3.SQLiteConn)
			require.True(t, ok, "driver connection is %T", dc)
			assert.True(t, qpsgEnabled(sc), "SQLITE_DBCONFIG_ENABLE_QPSG")
			return nil
		}))
	}
	var conns []*sql.Conn
	for i := 0; i < 3; i++ { // hold them so the pool must open three
		c, err := s.r.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
		check(c, 1)
	}
	for _, c := range conns {
		c.Close()
	}
	wc, err := s.w.Conn(ctx)
	require.NoError(t, err)
	check(wc, 0)
	wc.Close()
	assert.True(t, memstatusOff, "SQLITE_CONFIG_MEMSTATUS off before the first open")
}

func fileHash(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestOpenRefusesBadFilesWithoutTouchingThem(t *testing.T) {
	dir := t.TempDir()

	notDB := filepath.Join(dir, "hostname")
	require.NoError(t, os.WriteFile(notDB, []byte("buildhost\n"), 0o644))

	shortHeader := filepath.Join(dir, "short.db")
	require.NoError(t, os.WriteFile(shortHeader, []byte("SQLite format 3\x00 and then it stops"), 0o644))

	// A real database cut to its first page.
	full := filepath.Join(dir, "full.db")
	s, err := Open(full)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	data, err := os.ReadFile(full)
	require.NoError(t, err)
	require.Greater(t, len(data), 4096)
	truncated := filepath.Join(dir, "truncated.db")
	require.NoError(t, os.WriteFile(truncated, data[:4096], 0o644))

	cases := []struct {
		name, path, want string
	}{
		{"directory", dir, "is a directory"},
		{"not sqlite", notDB, "is not a SQLite database"},
		{"short header", shortHeader, "truncated"},
		{"truncated pages", truncated, "truncated"},
		{"uncreatable place", "/proc/hive-cannot-exist/x.db", "cannot create"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before [32]byte
			fi, statErr := os.Stat(c.path)
			isFile := statErr == nil && fi.Mode().IsRegular()
			if isFile {
				before = fileHash(t, c.path)
			}
			_, err := Open(c.path)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.path)
			assert.Contains(t, err.Error(), c.want)
			if isFile {
				assert.Equal(t, before, fileHash(t, c.path), "file must be untouched")
				_, walErr := os.Stat(c.path + "-wal")
				assert.True(t, os.IsNotExist(walErr), "no WAL file created beside it")
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	s, err := Open(path)
	require.NoError(t, err)
	_, err = s.w.Exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'future', 0)")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(path)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "schema version 999")
	assert.Contains(t, err.Error(), "newer than this hive")
}

func TestConversationRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := &Conversation{Question: "why?", Profile: "balanced", CacheKey: "k1"}
	id, err := s.CreateConversation(ctx, c)
	require.NoError(t, err)
	for i, stage := range []string{"generator", "refiner", "validator", "curator"} {
		_, err := s.InsertMessage(ctx, &Message{ConversationID: id, Seq: i, Role: "assistant", Stage: stage, Model: "m/" + stage,
			Content: "text " + stage, PromptTokens: 10 + i, CompletionTokens: 20 + i, Cost: 0.001, TTFT: time.Millisecond,
			Latency: 5 * time.Millisecond, Status: "ok"})
		require.NoError(t, err)
	}
	require.NoError(t, s.FinishConversation(ctx, id, "ok", "final answer", 0.004, 20*time.Millisecond))

	got, msgs, err := s.Conversation(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "why?", got.Question)
	assert.Equal(t, "ok", got.Status)
	assert.Equal(t, "final answer", got.Final)
	assert.Equal(t, 20*time.Millisecond, got.Latency)
	require.Len(t, msgs, 4)
	assert.Equal(t, "curator", msgs[3].Stage)
	assert.Equal(t, 23, msgs[3].CompletionTokens)
	assert.Equal(t, time.Millisecond, msgs[0].TTFT)

	_, _, err = s.Conversation(ctx, id+100)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, s.FinishConversation(ctx, id+100, "ok", "", 0, 0), ErrNotFound)
}

func TestRecordRunIsOneUnit(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	msgs := []Message{{Seq: 0, Role: "assistant", Stage: "generator", Status: "ok"}, {Seq: 1, Role: "assistant", Stage: "curator", Status: "failed", Error: "cut", Content: "partial"}}
	id, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "speed", Status: "failed"}, msgs)
	require.NoError(t, err)
	_, got, err := s.Conversation(ctx, id)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "partial", got[1].Content)
	assert.Equal(t, "cut", got[1].Error)
}

func TestCache(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	_, ok, err := s.CacheGet(ctx, "missing")
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, s.CachePut(ctx, "k", []byte("v1"), 0))
	require.NoError(t, s.CachePut(ctx, "k", []byte("v2"), time.Hour)) // overwrite
	v, ok, err := s.CacheGet(ctx, "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v2", string(v))

	require.NoError(t, s.CachePut(ctx, "short", []byte("x"), time.Nanosecond))
	time.Sleep(time.Millisecond)
	_, ok, err = s.CacheGet(ctx, "short")
	require.NoError(t, err)
	assert.False(t, ok, "expired entry is a miss")
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), st.Rows["response_cache"], "expired entry removed on read")
}

func sampleFile(path string, names ...string) FileRecord {
	f := FileRecord{Path: path, Hash: "h-" + path, Size: 100, ModTime: 1, Language: "go", Lines: 10, Code: 8, Blanks: 2,
		SymbolCount: len(names), FunctionCount: len(names), Imports: []string{"fmt", "os"}}
	for i, n := range names {
		f.Symbols = append(f.Symbols, Symbol{Name: n, Kind: "function", StartLine: i + 1, EndLine: i + 2, Complexity: 1})
	}
	return f
}

func TestFilesSymbolsAndSearch(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{
		sampleFile("/src/a.go", "parse_file", "ReadConfig"),
		sampleFile("/src/sub/b.go", "parseHeader"),
		sampleFile("/src-old/c.go", "parse_old"),
	}))

	hits, err := s.SearchSymbols(ctx, "parse", 10)
	require.NoError(t, err)
	var names []string
	for _, h := range hits {
		names = append(names, h.Name)
	}
	assert.ElementsMatch(t, []string{"parse_file", "parseHeader", "parse_old"}, names)

	hits, err = s.SearchSymbols(ctx, "file", 10)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, "/src/a.go", hits[0].Path)
	assert.Equal(t, "go", hits[0].Language)

	states, err := s.FileStates(ctx, "/src")
	require.NoError(t, err)
	assert.Len(t, states, 2, "/src-old is a sibling, not below /src")
	assert.Equal(t, 2, states["/src/a.go"].SymbolCount)
	n, err := s.CountFiles(ctx, "/src")
	require.NoError(t, err)
	assert.Equal(t, 3, n, "an upper bound: the sibling /src-old counts")

	// Re-upsert replaces symbols, and the FTS index follows.
	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{sampleFile("/src/a.go", "renamed")}))
	hits, err = s.SearchSymbols(ctx, "file", 10)
	require.NoError(t, err)
	assert.Empty(t, hits)
	hits, err = s.SearchSymbols(ctx, "renamed", 10)
	require.NoError(t, err)
	assert.Len(t, hits, 1)

	require.NoError(t, s.DeleteFiles(ctx, []string{"/src/a.go"}))
	hits, err = s.SearchSymbols(ctx, "renamed", 10)
	require.NoError(t, err)
	assert.Empty(t, hits)
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), st.Rows["files"])
	assert.Equal(t, int64(2), st.Rows["symbols"])

	_, err = s.SearchSymbols(ctx, `"*:(`, 10)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))

	check, err := s.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, check)
}

func TestFTSQuery(t *testing.T) {
	cases := map[string]string{
		"parse":         `"parse"*`,
		"parse file":    `"parse"* "file"*`,
		`a"b OR c*`:     `"a"* "b"* "OR"* "c"*`,
		"  ":            "",
		"Größe_bestimm": `"Größe"* "bestimm"*`,
	}
	for in, want := range cases {
		assert.Equal(t, want, ftsQuery(in), in)
	}
}

// Results come shortest name first, then by name, path and line, and the
// limit (bound as a parameter, CAST in the statement) is honoured exactly.
func TestSearchSymbolsOrderAndLimit(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{
		sampleFile("/o/b.go", "parse_file", "Parse", "parse_header", "Parse"),
		sampleFile("/o/a.go", "parse_file", "parseX", "unrelated"),
	}))
	hits, err := s.SearchSymbols(ctx, "parse", 1000)
	require.NoError(t, err)
	var got []string
	for _, h := range hits {
		got = append(got, fmt.Sprintf("%s %s:%d", h.Name, h.Path, h.StartLine))
	}
	assert.Equal(t, []string{"Parse /o/b.go:2", "Parse /o/b.go:4", "parseX /o/a.go:2", "parse_file /o/a.go:1",
		"parse_file /o/b.go:1", "parse_header /o/b.go:3"}, got)
	for _, limit := range []int{1, 2, 5} {
		hits, err := s.SearchSymbols(ctx, "parse", limit)
		require.NoError(t, err)
		require.Len(t, hits, limit)
		assert.Equal(t, got[limit-1], fmt.Sprintf("%s %s:%d", hits[limit-1].Name, hits[limit-1].Path, hits[limit-1].StartLine))
	}
	hits, err = s.SearchSymbols(ctx, "parse", 0)
	require.NoError(t, err)
	assert.Len(t, hits, 6, "limit 0 means the default")
}

// Two Stores on one file behave like two processes: each has its own writer
// connection, and busy_timeout plus BEGIN IMMEDIATE must keep either from
// failing with "database is locked".
func TestTwoWritersOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	a, err := Open(path)
	require.NoError(t, err)
	defer a.Close()
	b, err := Open(path)
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w, s := range []*Store{a, b} {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "p", Status: "ok"}, []Message{{Role: "assistant", Stage: "direct"}}); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				f := sampleFile(fmt.Sprintf("/w%d/f%d.go", w, i), "x", "y", "z")
				if err := s.UpsertFiles(ctx, []FileRecord{f}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	st, err := a.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(400), st.Rows["conversations"])
	assert.Equal(t, int64(100), st.Rows["files"])
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	assert.Equal(t, "/x/h.db", DefaultPath(env(map[string]string{"HIVE_DB": "/x/h.db", "HOME": "/home/u"})))
	assert.Equal(t, "/xdg/hive/hive.db", DefaultPath(env(map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"})))
	assert.Equal(t, "/home/u/.local/share/hive/hive.db", DefaultPath(env(map[string]string{"HOME": "/home/u"})))
}

// Symbols go in power-of-two multi-row INSERTs; every count must land whole.
func TestUpsertSymbolCounts(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, n := range []int{0, 1, 3, 50, 64, 65, 200} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("sym%d_%d", n, i)
		}
		path := fmt.Sprintf("/counts/f%d.go", n)
		require.NoError(t, s.UpsertFiles(ctx, []FileRecord{sampleFile(path, names...)}))
		var got int
		require.NoError(t, s.r.QueryRow("SELECT count(*) FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.path = ?", path).Scan(&got))
		assert.Equal(t, n, got, "symbols stored for %d", n)
		if n > 0 {
			hits, err := s.SearchSymbols(ctx, fmt.Sprintf("sym%d", n), 1000)
			require.NoError(t, err)
			assert.Len(t, hits, n, "FTS rows for %d", n)
		}
	}
}

func TestMeasureOps(t *testing.T) {
	s := openTemp(t)
	got, err := MeasureOps(context.Background(), s, 5)
	require.NoError(t, err)
	for _, name := range OpNames {
		require.Len(t, got[name], 5, name)
		for _, v := range got[name] {
			assert.Greater(t, v, 0.0, name)
		}
	}
	_, err = MeasureOps(context.Background(), s, 0)
	assert.Error(t, err)
}

// A database made by the first schema keeps its cache rows through 0002.
func TestMigrationKeepsCacheRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db := openPool(fileURI(path, ""), connectHook(false))
	ms, err := migrations()
	require.NoError(t, err)
	_, err = db.Exec(createMigrationsTable)
	require.NoError(t, err)
	require.NoError(t, applyMigration(context.Background(), db, path, ms[0]))
	_, err = db.Exec("INSERT INTO response_cache(key, value, created_at, expires_at) VALUES ('k', x'7631', 1, 0)")
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := Open(path)
	require.NoError(t, err)
	defer s.Close()
	v, ok, err := s.CacheGet(context.Background(), "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v1", string(v))
	ver, err := s.SchemaVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, LatestSchema(), ver)
	assert.Greater(t, ver, 1)
}

// The connections are opened without SQLite's per-connection mutex
// (_mutex=no): database/sql must be what keeps two goroutines off one
// connection. Readers and the writer run at once on one Store, every
// reader result is checked, and the database must stay intact.
func TestConcurrentReadersAndWriter(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "hive.db"), WithReaders(3))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{sampleFile("/c/base.go", "parse_base", "ParseBase")}))
	require.NoError(t, s.CachePut(ctx, "fixed", []byte("v"), 0))
	runID, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "p", Status: "ok"},
		[]Message{{Seq: 0, Role: "assistant", Stage: "generator", Content: "a"}, {Seq: 1, Role: "assistant", Stage: "curator", Content: "b"}})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	fail := func(format string, args ...any) { errs <- fmt.Errorf(format, args...) }
	wg.Add(1)
	go func() { // the writer: files, cache puts and runs
		defer wg.Done()
		for i := 0; i < 60; i++ {
			if err := s.UpsertFiles(ctx, []FileRecord{sampleFile(fmt.Sprintf("/c/f%d.go", i), "parse_x", "other")}); err != nil {
				fail("upsert: %v", err)
				return
			}
			if err := s.CachePut(ctx, fmt.Sprintf("k%d", i), []byte("value"), time.Hour); err != nil {
				fail("cache put: %v", err)
				return
			}
			if _, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "p", Status: "ok"}, nil); err != nil {
				fail("record run: %v", err)
				return
			}
		}
	}()
	for r := 0; r < 6; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				hits, err := s.SearchSymbols(ctx, "parse", 5)
				if err != nil || len(hits) == 0 || hits[0].Name != "parse_x" && hits[0].Name != "ParseBase" {
					fail("search: %v %v", hits, err)
					return
				}
				if v, ok, err := s.CacheGet(ctx, "fixed"); err != nil || !ok || string(v) != "v" {
					fail("cache get: %q %v %v", v, ok, err)
					return
				}
				if _, msgs, err := s.Conversation(ctx, runID); err != nil || len(msgs) != 2 {
					fail("conversation: %d messages, %v", len(msgs), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	check, err := s.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, check)
}

// The FTS index follows every kind of batch: new files, files replaced in
// the same batch (including the one holding the largest symbol ids, whose
// freed ids SQLite could hand out again), files with no symbols left, and
// deleted files. After each step the index must hold exactly the stored
// names (FTS5's integrity-check compares it with the content table).
func TestFTSIndexFollowsBatches(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	steps := []struct {
		name   string
		batch  []FileRecord
		delete []string
		find   map[string]int // query -> hits
	}{
		{"new files", []FileRecord{sampleFile("/t/a.c", "alpha_one", "alpha_two"), sampleFile("/t/b.c", "beta_one")},
			nil, map[string]int{"alpha": 2, "beta": 1}},
		{"replace the file with the largest ids, and add one", []FileRecord{sampleFile("/t/b.c", "gamma_one", "gamma_two", "gamma_three"), sampleFile("/t/c.c", "delta")},
			nil, map[string]int{"alpha": 2, "beta": 0, "gamma": 3, "delta": 1}},
		{"replace both in one batch", []FileRecord{sampleFile("/t/c.c", "epsilon"), sampleFile("/t/a.c", "alpha_three")},
			nil, map[string]int{"alpha": 1, "delta": 0, "epsilon": 1, "gamma": 3}},
		{"a file loses all its symbols", []FileRecord{sampleFile("/t/b.c")},
			nil, map[string]int{"gamma": 0, "alpha": 1}},
		{"a file is deleted", nil, []string{"/t/a.c"}, map[string]int{"alpha": 0, "epsilon": 1}},
	}
	for _, st := range steps {
		require.NoError(t, s.UpsertFiles(ctx, st.batch), st.name)
		for _, p := range st.delete {
			require.NoError(t, s.DeleteFiles(ctx, []string{p}), st.name)
		}
		for q, want := range st.find {
			hits, err := s.SearchSymbols(ctx, q, 100)
			require.NoError(t, err)
			assert.Len(t, hits, want, "%s: %q", st.name, q)
		}
		_, err := s.w.ExecContext(ctx, "INSERT INTO symbols_fts(symbols_fts) VALUES('integrity-check')")
		assert.NoError(t, err, "%s: FTS index out of step with the symbols table", st.name)
	}
}

// Check must judge the file, not a connection's memory of it. FTS5 keeps
// each connection's copy of its index structure between statements and
// revalidates it when a query opens a cursor, but its integrity method
// (what PRAGMA integrity_check calls, SQLite 3.54.1) reads that copy as it
// is. A reader that searched before the writer's later batches merged the
// segments it remembers then "finds" corruption in a sound file: the
// failure TestConcurrentReadersAndWriter showed in about one run of ten.
// One reader makes it deterministic: the search and the check share it.
func TestCheckAfterAnotherConnectionMergedTheIndex(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "hive.db"), WithReaders(1))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	batch := func(i int) {
		require.NoError(t, s.UpsertFiles(ctx, []FileRecord{sampleFile(fmt.Sprintf("/m/f%d.go", i), fmt.Sprintf("parse_%d", i))}))
	}
	for i := range 12 { // a dozen one-batch segments: FTS5 has merged some
		batch(i)
	}
	hits, err := s.SearchSymbols(ctx, "parse", 100) // the reader now holds the structure
	require.NoError(t, err)
	require.Len(t, hits, 12)
	for i := 12; i < 40; i++ { // merges the segments the reader remembers away
		batch(i)
	}
	check, err := s.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, check)
	hits, err = s.SearchSymbols(ctx, "parse", 100)
	require.NoError(t, err)
	assert.Len(t, hits, 40, "a search revalidates the structure")
}

// The file SQLite opens is exactly the path given, whatever characters it
// holds: SQLite reads the path of a file: URI with %XX escapes decoded and
// ends it at '?' or '#', so a --db of /tmp/a#b/hive.db once opened /tmp/a.
func TestOpenUsesExactlyThePathGiven(t *testing.T) {
	for _, name := range []string{"a#b/hive.db", "a?b/hive.db", "a%b/hive.db", "a%41b/hive.db", "a b/hi%23ve.db", "ünï/h?#%.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s, err := Open(path)
			require.NoError(t, err)
			ctx := context.Background()
			require.NoError(t, s.CachePut(ctx, "k", []byte("v"), 0))
			require.NoError(t, s.Close())
			fi, err := os.Stat(path)
			require.NoError(t, err, "the database is not where it was asked to be")
			assert.Greater(t, fi.Size(), int64(0))
			var files []string
			require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					files = append(files, rel)
				}
				return err
			}))
			assert.Equal(t, []string{name}, files, "files created besides the database")
			s, err = Open(path)
			require.NoError(t, err)
			defer s.Close()
			v, ok, err := s.CacheGet(ctx, "k")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "v", string(v))
		})
	}
}

// Open marks "abandoned" the running rows of processes that have died, and
// leaves those of live processes (another hive serve using the same file)
// and of owners it cannot read alone.
func TestOpenMarksRunsOfDeadProcessesAbandoned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	s, err := Open(path)
	require.NoError(t, err)
	ctx := context.Background()

	live := exec.Command("sleep", "30")
	require.NoError(t, live.Start())
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })
	liveOwner, err := ownerOf(live.Process.Pid)
	require.NoError(t, err)
	dead := exec.Command("sleep", "30")
	require.NoError(t, dead.Start())
	deadOwner, err := ownerOf(dead.Process.Pid)
	require.NoError(t, err)
	require.NoError(t, dead.Process.Kill())
	_ = dead.Wait()

	rows := []struct {
		owner, status, want string
	}{
		{deadOwner, "running", StatusAbandoned},
		{liveOwner, "running", "running"},
		{s.owner, "running", "running"}, // this process, which is about to open it again
		{"not an owner", "running", "running"},
		{deadOwner, "ok", "ok"},
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		res, err := s.w.ExecContext(ctx, `INSERT INTO conversations(created_at, question, profile, status, owner) VALUES (1, 'q', 'p', ?, ?)`, r.status, r.owner)
		require.NoError(t, err)
		ids[i], _ = res.LastInsertId()
	}
	require.NoError(t, s.Close())

	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	for i, r := range rows {
		c, _, err := s.Conversation(ctx, ids[i])
		require.NoError(t, err)
		assert.Equal(t, r.want, c.Status, "owner %q, was %s", r.owner, r.status)
	}
}

// WithBusyTimeout is how long a write waits for another process's lock
// before it fails. A pragma in the connect hook once overrode it with 10 s
// on every connection: a 200 ms store waited out a 3 s lock and succeeded.
func TestWithBusyTimeoutBoundsTheWaitForALock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	s, err := Open(path, WithBusyTimeout(200*time.Millisecond))
	require.NoError(t, err)
	defer s.Close()
	other := openPool(fileURI(path, "_busy_timeout=10000"), connectHook(false))
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(3 * time.Second)
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
	}()
	err = s.CachePut(ctx, "k", []byte("v"), 0)
	<-released
	var se sqlite3.Error
	require.ErrorAs(t, err, &se, "the put waited out the whole lock")
	assert.Equal(t, sqlite3.ErrBusy, se.Code)
}
