package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/sqlitefile"
)

// Store is an open hive database. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // one connection: all writes go through it
	r    *sql.DB // query-only pool

	query string // the DSN's query: busy timeout and mutex mode
	stmts statements
	wal   walFrames // the writer's WAL length, from its WAL hook
	ckpt  *checkpointer
	owner string // what marks this process's running rows (owner.go)

	// warm is the background preparation of the readers' statements
	// that Open starts; Close waits for it.
	warm sync.WaitGroup

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
// the idle server's RSS is a headline metric. The busy timeout is not among
// them: the DSN's _busy_timeout sets it (WithBusyTimeout), and a pragma here
// would override it.
func connectHook(readOnly bool) func(*sqlite3.SQLiteConn) error {
	return func(c *sqlite3.SQLiteConn) error {
		if err := enableQPSG(c); err != nil {
			return err
		}
		ps := []string{
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

// fileURI is the URI of the file at path: exactly that file (sqlitefile.URI).
func fileURI(path, query string) string { return sqlitefile.URI(path, query) }

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
	s := &Store{path: abs, query: query, wal: newWALFrames()}
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
	// The readers' connection and statements are readied in the
	// background: Open (and hive serve's first 200) does not wait for
	// them, and the first read usually finds them ready. A failure here is
	// not final: the first read tries again and reports it.
	s.warm.Add(1)
	go func() {
		defer s.warm.Done()
		_ = s.reads()
	}()
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
		s.warm.Wait()
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

// checkFile is sqlitefile.Check with the store's prefix and exit code.
func checkFile(path string) error {
	if err := sqlitefile.Check(path); err != nil {
		return exitcode.UsageError("store: %v", err)
	}
	return nil
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
