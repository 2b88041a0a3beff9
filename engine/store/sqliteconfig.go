package store

/*
// Two SQLite settings that mattn/go-sqlite3 compiles with their defaults and
// has no option for, set through SQLite's own C API on the library it links
// in. The declarations are weak so that cgo's per-package link of this
// package, which does not include the SQLite objects, succeeds; in a binary
// they resolve to mattn/go-sqlite3's copy of SQLite.
extern int sqlite3_config(int, ...) __attribute__((weak));
extern int sqlite3_db_config(void *, int, ...) __attribute__((weak));

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

// qpsgEnabled reads the setting back, for tests.
func qpsgEnabled(c *sqlite3.SQLiteConn) bool {
	db, err := connHandle(c)
	return err == nil && C.hive_qpsg(db, -1) == 1
}
