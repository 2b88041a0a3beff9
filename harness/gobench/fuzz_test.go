package gobench

import (
	"bytes"
	"os"
	"testing"
)

// FuzzImport feeds arbitrary text to Import: it must never panic, and what
// it accepts must be a valid results file that Export can write.
func FuzzImport(f *testing.F) {
	seed, err := os.ReadFile("testdata/store.txt")
	if err == nil {
		f.Add(seed)
	}
	f.Add([]byte("BenchmarkX-8 10 1.5 ns/op 3 B/op\n"))
	f.Add([]byte("pkg: a\nBenchmarkA/b=1 1 NaN ns/op\n"))
	f.Add([]byte("Unit ns/op assume=exact\nBenchmark 0 1 x\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, _, err := Import(bytes.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		if verr := res.Validate(); verr != nil {
			t.Fatalf("Import accepted input but the file is invalid: %v\ninput: %q", verr, in)
		}
		if err := Export(&bytes.Buffer{}, res); err != nil {
			t.Fatalf("Export of an imported file failed: %v", err)
		}
	})
}
