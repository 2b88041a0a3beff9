package store

import (
	"database/sql"
	"sync"
	"sync/atomic"
)

// checkpointer copies the WAL back into the database file on a goroutine of
// its own, so that a write does not pay for it.
//
// Why: SQLite's automatic checkpoint runs inside the commit that takes the
// WAL past wal_autocheckpoint pages (1000), so one write in a few hundred
// copies a thousand pages and waits for two fsyncs. Averaged over cache puts
// that was more than the put itself: 127 µs per 2 KB put with it, 70 µs with
// no checkpoint at all (wall, same process, alternating; load 4).
//
// The writer keeps its own checkpoint at SQLite's default threshold, so
// durability is what it was: with synchronous=NORMAL a commit is on disk
// once a checkpoint has synced the WAL, and the writer still checkpoints
// itself when 1000 frames have piled up. The background checkpoint starts at
// half of that (backgroundFrames), so the writer's own only runs when the
// background one falls behind, as under a write load that outruns the disk;
// the same synchronous setting applies on both connections.
//
// How many frames wait is known without touching SQLite's files: the
// writer connection's WAL hook (sqliteconfig.go) records the WAL's length
// after every commit, and each checkpoint reports how far it copied. An
// earlier version read the -shm file through a file descriptor of its own,
// and closing it released every POSIX lock this process held on that file,
// SQLite's included: another process could then take the shared memory for
// unused and rebuild it under this one (sqlite.org/howtocorrupt.html §2.2).
// The store opens nothing of the database's files but through SQLite.
//
// The checkpoint is PASSIVE, on a connection of its own: it never waits for
// readers or the writer.
type checkpointer struct {
	wal  walFrames
	dsn  string
	open func(dsn string) *sql.DB
	db   *sql.DB // opened by the goroutine on its first checkpoint

	// copied is how many frames of the current WAL the last checkpoint
	// copied back; a WAL shorter than that has been restarted since.
	copied atomic.Uint32

	wake chan struct{} // capacity 1
	stop chan struct{}
	done chan struct{} // closed when the goroutine has exited

	closeOnce sync.Once
	closeErr  error
}

// backgroundFrames is how many WAL frames not yet copied back start a
// background checkpoint: half of SQLite's default wal_autocheckpoint, so
// that it runs before the writer's own would.
const backgroundFrames = autoCheckpointFrames / 2

// newCheckpointer starts the goroutine; open makes its connection (a
// query-only one like the readers': a checkpoint changes no content, and
// SQLite allows it there).
func newCheckpointer(wal walFrames, dsn string, open func(string) *sql.DB) *checkpointer {
	c := &checkpointer{wal: wal, dsn: dsn, open: open, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// noteWrite is called after a write commits, on the writer's goroutine. It
// costs two atomic loads while the WAL is short.
func (c *checkpointer) noteWrite() {
	if c == nil {
		return
	}
	if frames, copied := c.wal.frames(), c.copied.Load(); frames < copied {
		// The WAL restarted from its first frame since the last
		// checkpoint: none of it has been copied.
		c.copied.CompareAndSwap(copied, 0)
	}
	if c.pending() < backgroundFrames {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// pending is how many frames of the WAL wait to be copied back, as far as
// the last commit and the last checkpoint tell.
func (c *checkpointer) pending() uint32 {
	frames, copied := c.wal.frames(), c.copied.Load()
	if frames <= copied {
		return 0
	}
	return frames - copied
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		if c.db == nil {
			c.db = c.open(c.dsn)
			c.db.SetMaxOpenConns(1)
		}
		// Again while writes made during the last one keep the WAL past
		// the threshold and it still makes progress. An error (SQLITE_BUSY
		// while the writer's own checkpoint runs) leaves the work to the
		// next wake or to the writer.
		for {
			var busy, log, copied int64
			if err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err != nil || log < 0 {
				break
			}
			before := c.pending()
			c.copied.Store(uint32(copied))
			if log-copied < backgroundFrames || c.pending() >= before {
				break
			}
		}
	}
}

// close stops the goroutine and closes its connection; a second call
// returns the first's result. noteWrite after it does nothing useful but is
// harmless.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		if c.db != nil {
			c.closeErr = c.db.Close()
		}
	})
	return c.closeErr
}
