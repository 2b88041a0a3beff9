package results

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	f := validFile()
	require.NoError(t, f.Write(path))
	assert.Equal(t, path, f.Source)

	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, f, got)

	// Nothing but the file itself is left in the directory: the temp file
	// was renamed, not copied.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "run.json", entries[0].Name())
	info, err := entries[0].Info()
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
}

// A subject run keeps its subject through a write and a read; a hive run
// has none and is called hive.
func TestSubjectRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ts.json")
	f := validFile()
	assert.Equal(t, "hive", f.SubjectName())
	f.Subject = &Subject{Name: "typescript", Description: "the reference", File: "baselines/typescript/subject.yaml", SHA256: strings.Repeat("cd", 32)}
	require.NoError(t, f.Write(path))
	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, f.Subject, got.Subject)
	assert.Equal(t, "typescript", got.SubjectName())
}

func TestWriteReplacesExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	require.NoError(t, os.WriteFile(path, []byte("old, not JSON"), 0o644))
	f := validFile()
	f.Suite = "full"
	require.NoError(t, f.Write(path))
	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, "full", got.Suite)
}

func TestWriteRefuses(t *testing.T) {
	dir := t.TempDir()
	invalid := validFile()
	invalid.Benchmarks[0].Unit = "parsecs"
	cases := []struct {
		name    string
		file    *File
		path    string
		code    int
		message string
	}{
		{"invalid file", invalid, filepath.Join(dir, "bad.json"), exitcode.Usage, `unknown unit "parsecs"`},
		{"missing directory", validFile(), filepath.Join(dir, "nope", "run.json"), exitcode.Usage, "directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"path is a directory", validFile(), dir, exitcode.Usage, "it is a directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.file.Write(c.path)
			require.Error(t, err)
			assert.Equal(t, c.code, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.message)
		})
	}
	_, err := os.Stat(filepath.Join(dir, "bad.json"))
	assert.True(t, os.IsNotExist(err), "an invalid file is never written")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no temp files are left behind")
}

func TestIncompleteFileRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "partial.json")
	f := validFile()
	f.Benchmarks = f.Benchmarks[:1]
	f.MarkIncomplete("interrupted by SIGINT after 1 of 2 benchmarks")
	require.NoError(t, f.Write(path))
	got, err := Read(path)
	require.NoError(t, err)
	assert.False(t, got.Complete)
	assert.Equal(t, "interrupted by SIGINT after 1 of 2 benchmarks", got.IncompleteReason)

	// An interrupted run before the first benchmark is still a valid file.
	empty := validFile()
	empty.Benchmarks = nil
	empty.MarkIncomplete("interrupted by SIGINT before the first benchmark")
	require.NoError(t, empty.Write(path))
}

func TestNewFile(t *testing.T) {
	fp := Fingerprint{Name: "tiny", Files: 1, Bytes: 3, Hash: "sha256:" + strings.Repeat("0", 64)}
	f := NewFile("quick", fp)
	assert.Equal(t, Schema, f.Schema)
	assert.Equal(t, "hivebench", f.Tool.Name)
	assert.False(t, f.Complete, "a new file is incomplete until the runner says otherwise")
	assert.NotEmpty(t, f.IncompleteReason)
	assert.Equal(t, fp, f.Workload)
	f.Add(validFile().Benchmarks[0])
	f.MarkComplete()
	assert.True(t, f.Complete)
	assert.Empty(t, f.IncompleteReason)
	assert.NoError(t, f.Validate(), "NewFile + Add + MarkComplete gives a valid file")
	b, ok := f.Benchmark("startup.serve")
	require.True(t, ok)
	assert.Equal(t, "ns", b.Unit)
	_, ok = f.Benchmark("startup.nope")
	assert.False(t, ok)
}

// mutate returns the JSON of validFile after applying fn to its generic form,
// so each bad-input case states only what it breaks.
func mutate(t *testing.T, fn func(m map[string]any)) []byte {
	t.Helper()
	data, err := Encode(validFile())
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	fn(m)
	out, err := json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	return out
}

func bench0(m map[string]any) map[string]any {
	return m["benchmarks"].([]any)[0].(map[string]any)
}

func TestDecodeRejects(t *testing.T) {
	good, err := Encode(validFile())
	require.NoError(t, err)
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", []byte("  \n"), []string{"results file x.json: is empty"}},
		{"truncated", good[:len(good)/2], []string{"corrupt or truncated JSON at byte offset", "line "}},
		{"garbage", []byte(`{"schema": 1,, }`), []string{"corrupt or truncated JSON at byte offset 13 (line 1, column 14)"}},
		{"array", []byte(`[1, 2]`), []string{"top level is a JSON array; expected an object"}},
		{"null", []byte(`null`), []string{"top level is null"}},
		{"schema 7", mutate(t, func(m map[string]any) { m["schema"] = 7 }),
			[]string{"results file x.json has schema 7; this hivebench reads schema 1"}},
		{"schema missing", mutate(t, func(m map[string]any) { delete(m, "schema") }), []string{"missing required field schema"}},
		{"schema string", mutate(t, func(m map[string]any) { m["schema"] = "1" }), []string{`schema is "1"; expected the integer 1`}},
		{"unknown top-level field", mutate(t, func(m map[string]any) { m["sweet"] = "quick" }), []string{"unknown field(s) sweet"}},
		{"unknown nested field", mutate(t, func(m map[string]any) {
			b := bench0(m)
			b["sampels"] = b["samples"]
		}), []string{"benchmarks[0].sampels"}},
		{"field in wrong case", mutate(t, func(m map[string]any) { m["Suite"] = m["suite"]; delete(m, "suite") }), []string{"unknown field(s) Suite"}},
		{"wrong type", mutate(t, func(m map[string]any) { bench0(m)["samples"] = "fast" }),
			[]string{"field benchmarks.samples is a JSON string at byte offset", "expected an array"}},
		{"bad date", mutate(t, func(m map[string]any) { m["env"].(map[string]any)["date"] = "yesterday" }), []string{`env.date "yesterday" is not an RFC 3339 time`}},
		{"missing env fields", mutate(t, func(m map[string]any) {
			env := m["env"].(map[string]any)
			delete(env, "go_version")
			delete(env, "date")
		}), []string{"missing required field env.go_version", "missing required field env.date"}},
		{"missing suite and tool", mutate(t, func(m map[string]any) { delete(m, "suite"); delete(m, "tool") }),
			[]string{"missing required field tool.name", "missing required field suite"}},
		{"incomplete without reason", mutate(t, func(m map[string]any) { m["complete"] = false }),
			[]string{"incomplete_reason is empty; a partial run must say why"}},
		{"summary out of step", mutate(t, func(m map[string]any) { bench0(m)["samples"] = []any{1.0} }),
			[]string{"benchmarks[0] (startup.serve).summary.n is 3 but there are 1 samples"}},
		{"unknown unit", mutate(t, func(m map[string]any) { bench0(m)["unit"] = "msec" }), []string{`benchmarks[0] (startup.serve).unit: unknown unit "msec"`}},
		{"unknown family", mutate(t, func(m map[string]any) { bench0(m)["name"] = "disk.read" }), []string{`unknown family "disk"`, "startup, memory, parsing, consensus, database"}},
		{"family mismatch", mutate(t, func(m map[string]any) { bench0(m)["metric"] = "memory" }), []string{`metric is "memory" but the name says family "startup"`}},
		{"bad direction", mutate(t, func(m map[string]any) { bench0(m)["direction"] = "down" }), []string{`direction is "down"; it must be "lower" or "higher"`}},
		{"duplicate benchmark", mutate(t, func(m map[string]any) {
			bs := m["benchmarks"].([]any)
			m["benchmarks"] = append(bs, bs[0])
		}), []string{"benchmarks[2] (startup.serve) duplicates benchmarks[0]"}},
		{"bad workload hash", mutate(t, func(m map[string]any) { m["workload"].(map[string]any)["hash"] = "md5:abc" }), []string{`workload.hash is "md5:abc"`}},
		{"subject without name", mutate(t, func(m map[string]any) { m["subject"] = map[string]any{"file": "s.yaml", "sha256": "ab"} }),
			[]string{"missing required field subject.name"}},
		{"subject called hive", mutate(t, func(m map[string]any) {
			m["subject"] = map[string]any{"name": "hive", "file": "s.yaml", "sha256": "ab"}
		}), []string{`subject.name is "hive"`}},
		{"unknown subject field", mutate(t, func(m map[string]any) {
			m["subject"] = map[string]any{"name": "ts", "sha256": "ab", "lang": "ts"}
		}), []string{"unknown field(s) subject.lang"}},
		{"bad workload content", mutate(t, func(m map[string]any) { m["workload"].(map[string]any)["content"] = "sha256:xyz" }), []string{`workload.content is "sha256:xyz"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode("x.json", c.data)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err), "bad input is exit code 2")
			assert.Contains(t, err.Error(), "x.json", "the error names the file")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestReadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := Read(path)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), path+" does not exist")
}

func TestReadTestdata(t *testing.T) {
	cases := []struct {
		file string
		want string // empty: valid
	}{
		{"valid.json", ""},
		{"truncated.json", "corrupt or truncated JSON"},
		{"schema2.json", "has schema 2; this hivebench reads schema 1"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := Read(filepath.Join("testdata", c.file))
			if c.want == "" {
				require.NoError(t, err)
				assert.True(t, f.Complete)
				assert.NotEmpty(t, f.Benchmarks)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), c.file)
		})
	}
}

func TestCheckComparable(t *testing.T) {
	content := "sha256:" + strings.Repeat("cd", 32)
	withContent := func(f *File, c string) *File {
		f.Workload.Content = c
		return f
	}
	base := withContent(validFile(), content)
	base.Source = "base.json"
	sameTreeOtherName := withContent(validFile(), content)
	sameTreeOtherName.Workload.Name = "renamed"
	otherTree := withContent(validFile(), content)
	otherTree.Source = "head.json"
	otherTree.Workload.Files = 3
	otherContent := withContent(validFile(), "sha256:"+strings.Repeat("ef", 32))
	otherContent.Source = "head.json"
	otherSchema := withContent(validFile(), content)
	otherSchema.Schema = 2
	noWorkload := validFile()
	noWorkload.Workload = Fingerprint{}
	noContent := validFile() // a file written before workload.content existed
	noContent.Source = "old.json"

	cases := []struct {
		name string
		base *File
		head *File
		want string // empty: comparable
		warn string // empty: no warning
	}{
		{"identical", base, withContent(validFile(), content), "", ""},
		{"renamed workload, same tree", base, sameTreeOtherName, "", ""},
		{"other tree", base, otherTree, "cannot compare base.json with head.json: they measured different workloads", ""},
		{"same names and sizes, other bytes", base, otherContent, "cannot compare base.json with head.json: they measured workloads with the same file names and sizes but different contents", ""},
		{"other schema", base, otherSchema, "schema 1) with results (schema 2)", ""},
		{"workload vs none", base, noWorkload, "no workload", ""},
		{"nil", base, nil, "missing", ""},
		{"head without content", base, noContent, "", "workload contents not compared: old.json has no content fingerprint"},
		{"base without content", noContent, base, "", "workload contents not compared: old.json has no content fingerprint"},
		{"neither has content", noContent, noContent, "", "old.json and old.json have no content fingerprint"},
		{"no workload on either side", noWorkload, noWorkload, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			warns, err := CheckComparable(c.base, c.head)
			if c.want == "" {
				require.NoError(t, err)
				if c.warn == "" {
					assert.Empty(t, warns)
					return
				}
				require.Len(t, warns, 1)
				assert.Contains(t, warns[0], c.warn)
				assert.Contains(t, warns[0], "matched on file names and sizes only")
				return
			}
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestEnvDiff(t *testing.T) {
	a, b := validFile(), validFile()
	assert.Empty(t, EnvDiff(a, b))
	b.Env.CPUModel = "Other CPU"
	b.Env.Dirty = true
	b.MarkIncomplete("interrupted")
	d := EnvDiff(a, b)
	assert.Contains(t, d, "CPU model differs: Test CPU @ 3.00GHz (base) vs Other CPU (head)")
	assert.Contains(t, d, "head was built from a dirty tree: its commit does not say exactly what was measured")
	assert.Contains(t, d, "head is incomplete: interrupted")
	assert.Len(t, d, 3)
}

// FuzzRead feeds arbitrary bytes to Decode: it must never panic, and
// whatever it accepts must survive Encode → Decode unchanged.
func FuzzRead(f *testing.F) {
	good, err := Encode(validFile())
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte(`{"schema": 7}`))
	f.Add([]byte(`{"schema": 1, "benchmarks": [{"name": "x"}]}`))
	f.Add([]byte(`[]`))
	for _, name := range []string{"valid.json", "truncated.json", "schema2.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode("fuzz.json", data)
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("bad input must be a usage error, got code %d: %v", exitcode.Code(err), err)
			}
			return
		}
		again, err := Encode(got)
		if err != nil {
			t.Fatalf("accepted file does not encode: %v", err)
		}
		back, err := Decode("fuzz.json", again)
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		second, err := Encode(back)
		if err != nil || string(second) != string(again) {
			t.Fatalf("encode/decode is not stable: %v", err)
		}
	})
}

func TestNewBenchmark(t *testing.T) {
	b, err := NewBenchmark("startup.serve", "ns", LowerIsBetter, []float64{3e6, 1e6, 2e6},
		Figure{Name: "throughput", Value: 1, Unit: "files/s"})
	require.NoError(t, err)
	assert.Equal(t, Startup, b.Metric)
	assert.Equal(t, 3, b.Summary.N)
	assert.Equal(t, 2e6, b.Summary.P50)
	assert.Equal(t, []float64{3e6, 1e6, 2e6}, b.Samples, "sample order is kept")
	f := validFile()
	f.Benchmarks = []Benchmark{b}
	assert.NoError(t, f.Validate())

	cases := []struct {
		name, unit string
		dir        Direction
		samples    []float64
		want       string
	}{
		{"startup", "ns", LowerIsBetter, []float64{1}, "not FAMILY.WHAT"},
		{"disk.read", "ns", LowerIsBetter, []float64{1}, `unknown family "disk"`},
		{"startup.serve", "sec", LowerIsBetter, []float64{1}, `unknown unit "sec"`},
		{"startup.serve", "ns", "down", []float64{1}, `direction "down"`},
		{"startup.serve", "ns", LowerIsBetter, nil, "no samples"},
		{"startup.serve", "ns", LowerIsBetter, []float64{1, math.NaN()}, "sample 1 is NaN"},
	}
	for _, c := range cases {
		_, err := NewBenchmark(c.name, c.unit, c.dir, c.samples)
		require.Error(t, err, c.want)
		assert.Contains(t, err.Error(), c.want)
	}
}
