package store

import (
	"path/filepath"
	"testing"
)

// BenchmarkOpenExisting is what `hive serve` pays at every start: Open and
// Close of a database that exists and is migrated.
func BenchmarkOpenExisting(b *testing.B) {
	path := filepath.Join(b.TempDir(), "hive.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
