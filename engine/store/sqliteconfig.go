package store

/*
// Two SQLite settings that mattn/go-sqlite3 compiles with their defaults and
// has no option for, set through SQLite's own C API on the library it links
// in. The declarations are weak so that cgo's per-package link of this
// package, which does not include the SQLite objects, succeeds; in a binary
// they resolve to mattn/go-sqlite3's copy of SQLite.
extern int sqlite3_config(int, ...) __attribute__((weak));
extern int sqlite3_db_config(void *, int, ...) __attribute__((weak));
extern void *sqlite3_wal_hook(void *, int (*)(void *, void *, const char *, int), void *) __attribute__((weak));
extern int sqlite3_wal_checkpoint(void *, const char *) __attribute__((weak));

// SQLITE_CONFIG_MEMSTATUS (9) = 0: no global memory statistics, so no global
// mutex taken around every malloc and free.
static int hive_memstatus_off(void) {
	if (!sqlite3_config) return -2;
	return sqlite3_config(9, 0);
}

// SQLITE_DBCONFIG_ENABLE_QPSG (1007): op 1 turns it on, op -1 only reads it.
// Returns the setting after the call, or -1 if it could not be read.
static int hive_qpsg(void *db, int op) {
	int on = -1;
	if (!sqlite3_db_config || !db) return -1;
	if (sqlite3_db_config(db, 1007, op, &on) != 0) return -1;
	return on;
}

#include <stdlib.h>

// hive_wal is what the writer's WAL hook shares with Go: the frame count
// the last commit left in the WAL, and the count at which the writer
// checkpoints itself (0: never).
struct hive_wal {
	int frames;
	int autockpt;
};

// SQLite calls this after every commit on the writer connection, on the
// committing thread. sqlite3_wal_hook replaces SQLite's own automatic
// checkpoint (which is itself a WAL hook), so this does what that one did:
// past the threshold, checkpoint in the commit.
static int hive_wal_frames(void *arg, void *db, const char *zDb, int nFrame) {
	struct hive_wal *w = arg;
	__atomic_store_n(&w->frames, nFrame, __ATOMIC_RELEASE);
	if (w->autockpt > 0 && nFrame >= w->autockpt) sqlite3_wal_checkpoint(db, zDb);
	return 0;
}

static int hive_set_wal_hook(void *db, struct hive_wal *w) {
	if (!sqlite3_wal_hook || !sqlite3_wal_checkpoint || !db) return -1;
	sqlite3_wal_hook(db, hive_wal_frames, w);
	return 0;
}

static int hive_wal_load(struct hive_wal *w) { return __atomic_load_n(&w->frames, __ATOMIC_ACQUIRE); }
*/
import "C"

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// memstatusOff records whether SQLite's memory statistics were turned off:
// sqlite3_config works only before the library initialises, which it does
// at the first open, so it is called from init.
var memstatusOff = C.hive_memstatus_off() == 0

// errNoHandle means mattn/go-sqlite3's connection no longer keeps its
// sqlite3 handle where this package looks for it (an unexported field named
// db); a test fails on it, so a dependency update cannot drop the setting
// silently.
var errNoHandle = errors.New("store: cannot reach the SQLite handle of a mattn/go-sqlite3 connection")

// connHandle returns the sqlite3* a mattn/go-sqlite3 connection wraps.
func connHandle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errNoHandle
	}
	return f.UnsafePointer(), nil
}

// enableQPSG turns on SQLite's query planner stability guarantee for one
// connection: plans no longer depend on the values bound to parameters.
// Without it, a statement whose plan looked at a bound value (FTS5's MATCH
// argument does, through the virtual table's best-index call) is marked to
// be prepared again each time a different value is bound: every symbol
// search re-prepared its join, a sixth of its cost. No statement here has a
// plan that gains from seeing its values (no LIKE or GLOB on a parameter).
func enableQPSG(c *sqlite3.SQLiteConn) error {
	db, err := connHandle(c)
	if err != nil {
		return err
	}
	if C.hive_qpsg(db, 1) != 1 {
		return errors.New("store: SQLite refused SQLITE_DBCONFIG_ENABLE_QPSG")
	}
	return nil
}

// walFrames is the writer connection's WAL frame count as its WAL hook
// last saw it, in C memory because SQLite keeps the pointer.
type walFrames struct{ p *C.struct_hive_wal }

// autoCheckpointFrames is SQLite's default wal_autocheckpoint: the writer
// checkpoints inside the commit that takes the WAL this far.
const autoCheckpointFrames = 1000

func newWALFrames() walFrames {
	p := (*C.struct_hive_wal)(C.calloc(1, C.sizeof_struct_hive_wal))
	p.autockpt = autoCheckpointFrames
	return walFrames{p}
}

// frames is how many frames the WAL held after the last commit.
func (w walFrames) frames() uint32 { return uint32(C.hive_wal_load(w.p)) }

// setAutoCheckpoint changes the writer's own threshold (0: never); tests
// use it to watch the background checkpoint alone. Call it only while no
// write is in progress.
func (w walFrames) setAutoCheckpoint(n int) { w.p.autockpt = C.int(n) }

// free releases the C memory; the writer connection must be closed.
func (w walFrames) free() { C.free(unsafe.Pointer(w.p)) }

// installWALHook makes c report its WAL size to w after every commit.
func installWALHook(c *sqlite3.SQLiteConn, w walFrames) error {
	db, err := connHandle(c)
	if err != nil {
		return err
	}
	if C.hive_set_wal_hook(db, w.p) != 0 {
		return errors.New("store: SQLite's sqlite3_wal_hook is not available")
	}
	return nil
}

// qpsgEnabled reads the setting back, for tests.
func qpsgEnabled(c *sqlite3.SQLiteConn) bool {
	db, err := connHandle(c)
	return err == nil && C.hive_qpsg(db, -1) == 1
}
