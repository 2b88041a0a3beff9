package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/hiveperf/hive/engine/exitcode"
)

// Store is an open hive database. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // one connection: all writes go through it
	r    *sql.DB // query-only pool

	stmts statements
	wal   walFrames // the writer's WAL length, from its WAL hook
	ckpt  *checkpointer
	owner string // what marks this process's running rows (owner.go)

	closeOnce sync.Once
	closeErr  error
}

type options struct {
	readers     int
	busyTimeout time.Duration
}

// Option configures Open.
type Option func(*options)

// WithReaders sets the size of the reader pool (default 4).
func WithReaders(n int) Option { return func(o *options) { o.readers = max(1, n) } }

// WithBusyTimeout sets how long a connection waits for another process's
// write lock before failing (default 10 s).
func WithBusyTimeout(d time.Duration) Option { return func(o *options) { o.busyTimeout = d } }

// pragmas run on every new connection. mmap and cache are modest on purpose:
// the idle server's RSS is a headline metric.
func connectHook(readOnly bool) func(*sqlite3.SQLiteConn) error {
	return func(c *sqlite3.SQLiteConn) error {
		if err := enableQPSG(c); err != nil {
			return err
		}
		ps := []string{
			"PRAGMA busy_timeout = 10000",
			"PRAGMA foreign_keys = ON",
			"PRAGMA synchronous = NORMAL",
			"PRAGMA cache_size = -8000", // KiB
			"PRAGMA mmap_size = 67108864",
			"PRAGMA temp_store = MEMORY",
		}
		if readOnly {
			ps = append(ps, "PRAGMA query_only = ON")
		} else {
			ps = append([]string{"PRAGMA journal_mode = WAL"}, ps...)
		}
		for _, p := range ps {
			if _, err := c.Exec(p, nil); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		return nil
	}
}

// connector opens connections of one kind for one Store: each Store has
// its own, so that the writer's connect hook can hand SQLite that Store's
// WAL counter (a driver registered by name is shared by the process).
type connector struct {
	driver *sqlite3.SQLiteDriver
	dsn    string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

func openPool(dsn string, hook func(*sqlite3.SQLiteConn) error) *sql.DB {
	return sql.OpenDB(connector{driver: &sqlite3.SQLiteDriver{ConnectHook: hook}, dsn: dsn})
}

func openReaders(dsn string) *sql.DB { return openPool(dsn, connectHook(true)) }

// fileURI is the SQLite URI of the file at path, with query. SQLite decodes
// %XX escapes in a URI's path and ends the path at '?' or '#', so those
// three characters are escaped: the file opened is exactly path (a --db of
// /tmp/a#b/hive.db once opened /tmp/a).
func fileURI(path, query string) string {
	var b strings.Builder
	b.Grow(len("file:") + len(path) + 1 + len(query))
	b.WriteString("file:")
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '%', '?', '#':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}

// Open opens (creating if needed) the database at path and applies pending
// migrations. Errors caused by the path or file are exit-code-2 errors that
// name the path.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{readers: 4, busyTimeout: 10 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, exitcode.UsageError("store: no database path given (use --db PATH or HIVE_DB)")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, exitcode.UsageError("store: %s: %v", path, err)
	}
	// The header check opens the file with a descriptor of its own, which
	// must not happen while SQLite holds locks on it in this process
	// (closing any descriptor of a file drops all of them): openFiles says
	// whether another Store here has it open, and holds other Opens off
	// meanwhile.
	openFiles.Lock()
	defer openFiles.Unlock()
	if !openFiles.has(abs) {
		if err := checkFile(abs); err != nil {
			return nil, err
		}
	}

	// _mutex=no opens each connection without its own SQLite mutex
	// (SQLITE_OPEN_NOMUTEX): database/sql already hands a connection to one
	// goroutine at a time, and the serialized mode's lock and unlock around
	// every SQLite call (each bind, step and column read, and each step of
	// FTS5's internal statements) were a tenth of a symbol search.
	query := fmt.Sprintf("_busy_timeout=%d&_mutex=no", o.busyTimeout.Milliseconds())
	s := &Store{path: abs, wal: newWALFrames()}
	writerHook := connectHook(false)
	s.w = openPool(fileURI(abs, "_txlock=immediate&"+query), func(c *sqlite3.SQLiteConn) error {
		if err := writerHook(c); err != nil {
			return err
		}
		return installWALHook(c, s.wal)
	})
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	fail := func(err error) (*Store, error) {
		s.close()
		return nil, err
	}
	if err := s.ensureFTS5(); err != nil {
		return fail(err)
	}
	if err := migrate(context.Background(), s.w, abs); err != nil {
		return fail(err)
	}
	s.r = openReaders(fileURI(abs, query))
	s.r.SetMaxOpenConns(o.readers)
	s.r.SetMaxIdleConns(o.readers)
	if err := s.prepare(); err != nil {
		return fail(fmt.Errorf("store: %s: preparing statements: %w", abs, err))
	}
	if s.owner, err = processOwner(); err != nil {
		return fail(fmt.Errorf("store: %s: %w", abs, err))
	}
	if err := s.markAbandoned(context.Background()); err != nil {
		return fail(err)
	}
	s.ckpt = newCheckpointer(s.wal, fileURI(abs, query), openReaders)
	openFiles.add(abs)
	return s, nil
}

// wrote is called after each committed write (see checkpointer).
func (s *Store) wrote() { s.ckpt.noteWrite() }

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes statements and both pools, checkpointing the WAL. A second
// call returns the first's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		openFiles.Lock()
		defer openFiles.Unlock()
		s.closeErr = s.close()
		openFiles.remove(s.path)
	})
	return s.closeErr
}

func (s *Store) close() error {
	s.stmts.close()
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.ckpt.close())
	if s.w != nil {
		// Fold the WAL back into the main file so a closed database is one file.
		_, _ = s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, s.w.Close())
	}
	s.wal.free() // after the writer: its hook writes there
	return errors.Join(errs...)
}

// openFiles counts the Stores of this process open on each file.
var openFiles = fileSet{n: map[string]int{}}

type fileSet struct {
	sync.Mutex
	n map[string]int
}

func (f *fileSet) has(path string) bool { return f.n[path] > 0 }
func (f *fileSet) add(path string)      { f.n[path]++ }
func (f *fileSet) remove(path string) {
	if f.n[path]--; f.n[path] <= 0 {
		delete(f.n, path)
	}
}

// ensureFTS5 turns the obscure "no such module: fts5" of a binary built
// without the tag into one line that says what to do.
func (s *Store) ensureFTS5() error {
	var used int
	err := s.w.QueryRow("SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&used)
	if err != nil {
		return fileError(s.path, err)
	}
	if used != 1 {
		return exitcode.InfraError("store: this binary was built without SQLite FTS5; rebuild with the build tag sqlite_fts5 (go build -tags sqlite_fts5, as the Makefile does)")
	}
	return nil
}

// sqliteHeader is the first 16 bytes of every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// checkFile refuses, before SQLite touches the file, a path that is a
// directory, a file that is not a SQLite database or one that is truncated,
// and a location where the database cannot be created.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return exitcode.UsageError("store: %s: cannot create the directory for the database: %v", path, unwrapPathErr(err))
		}
		return checkWritableDir(path, dir)
	case err != nil:
		return exitcode.UsageError("store: %s: %v", path, unwrapPathErr(err))
	case fi.IsDir():
		return exitcode.UsageError("store: %s is a directory; --db wants a database file path, e.g. %s", path, filepath.Join(path, "hive.db"))
	case !fi.Mode().IsRegular():
		return exitcode.UsageError("store: %s is not a regular file", path)
	case fi.Size() == 0:
		// SQLite treats an empty file as a new database.
		return checkWritableFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return exitcode.UsageError("store: %s: cannot read: %v", path, unwrapPathErr(err))
	}
	defer f.Close()
	var hdr [100]byte
	n, _ := f.ReadAt(hdr[:], 0)
	if n < len(sqliteHeader) || string(hdr[:len(sqliteHeader)]) != sqliteHeader {
		return exitcode.UsageError("store: %s is not a SQLite database (its header is not %q); point --db at a hive database or at a new path", path, strings.TrimRight(sqliteHeader, "\x00"))
	}
	if n < 100 {
		return exitcode.UsageError("store: %s is truncated: %d bytes, shorter than the 100-byte SQLite header", path, fi.Size())
	}
	pageSize := int64(hdr[16])<<8 | int64(hdr[17])
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(hdr[28])<<24 | int64(hdr[29])<<16 | int64(hdr[30])<<8 | int64(hdr[31])
	changeCounter := string(hdr[24:28])
	validFor := string(hdr[92:96])
	// The in-header page count is trustworthy only when "version-valid-for"
	// matches the change counter (SQLite file format §1.3.7).
	if pages > 0 && changeCounter == validFor && fi.Size() < pages*pageSize {
		return exitcode.UsageError("store: %s is truncated: %d bytes, but its header says %d pages of %d bytes (%d bytes)", path, fi.Size(), pages, pageSize, pages*pageSize)
	}
	return checkWritableFile(path)
}

func checkWritableDir(path, dir string) error {
	f, err := os.CreateTemp(dir, ".hive-write-check-*")
	if err != nil {
		return exitcode.UsageError("store: %s: cannot create a database there: %v", path, unwrapPathErr(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func checkWritableFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return exitcode.UsageError("store: %s: cannot open for writing: %v", path, unwrapPathErr(err))
	}
	f.Close()
	return checkWritableDir(path, filepath.Dir(path)) // WAL and SHM files live beside it
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileError names the path on errors SQLite raises about the file itself,
// and marks them as bad input.
func fileError(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB:
			return exitcode.UsageError("store: %s is not a SQLite database: %v", path, err)
		case sqlite3.ErrCorrupt:
			return exitcode.UsageError("store: %s is corrupt (%v); run `hive db check --db %s` or move it aside", path, err, path)
		case sqlite3.ErrCantOpen, sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrAuth:
			return exitcode.UsageError("store: %s cannot be opened for writing: %v", path, err)
		}
	}
	return fmt.Errorf("store: %s: %w", path, err)
}
