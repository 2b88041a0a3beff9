// Package sqlitefile is what both of hive's SQLite users (engine/store and
// the harness's history) need before SQLite touches a file: its URI, built
// so that SQLite opens exactly the path given, and a check that the path is
// a place for a database, with an error that names what is wrong.
//
// Check opens the file with a descriptor of its own and closes it. Closing
// any descriptor of a file drops every POSIX lock the process holds on it,
// SQLite's included (sqlite.org/howtocorrupt.html §2.2): call it only while
// no SQLite connection of this process has the file open.
package sqlitefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// URI is the SQLite URI of the file at path, with query (no '?'). SQLite
// decodes %XX escapes in a URI's path and ends the path at '?' or '#', so
// those three characters are escaped: the file opened is exactly path (a
// --db of /tmp/a#b/hive.db once opened /tmp/a).
func URI(path, query string) string {
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

// Header is the first 16 bytes of every SQLite 3 database file.
const Header = "SQLite format 3\x00"

// Check refuses, before SQLite touches the file, a path that is a
// directory, a file that is not a SQLite database or one that is truncated,
// and a location where the database cannot be created (creating missing
// directories). The error says what is wrong with path and what would be
// right; callers add their prefix and exit code.
func Check(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%s: cannot create the directory for the database: %v", path, unwrapPathErr(err))
		}
		return checkWritableDir(path, dir)
	case err != nil:
		return fmt.Errorf("%s: %v", path, unwrapPathErr(err))
	case fi.IsDir():
		return fmt.Errorf("%s is a directory; --db wants a database file path, e.g. %s", path, filepath.Join(path, "hive.db"))
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Size() == 0:
		// SQLite treats an empty file as a new database.
		return checkWritableFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: cannot read: %v", path, unwrapPathErr(err))
	}
	defer f.Close()
	var hdr [100]byte
	n, _ := f.ReadAt(hdr[:], 0)
	if n < len(Header) || string(hdr[:len(Header)]) != Header {
		return fmt.Errorf("%s is not a SQLite database (its header is not %q); point --db at a hive database or at a new path", path, strings.TrimRight(Header, "\x00"))
	}
	if n < 100 {
		return fmt.Errorf("%s is truncated: %d bytes, shorter than the 100-byte SQLite header", path, fi.Size())
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
		return fmt.Errorf("%s is truncated: %d bytes, but its header says %d pages of %d bytes (%d bytes)", path, fi.Size(), pages, pageSize, pages*pageSize)
	}
	return checkWritableFile(path)
}

func checkWritableDir(path, dir string) error {
	f, err := os.CreateTemp(dir, ".hive-write-check-*")
	if err != nil {
		return fmt.Errorf("%s: cannot create a database there: %v", path, unwrapPathErr(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func checkWritableFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("%s: cannot open for writing: %v", path, unwrapPathErr(err))
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
