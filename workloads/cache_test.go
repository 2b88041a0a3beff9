package workloads

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

var testMarker = Marker{
	Workload:    "demo",
	Source:      "type=archive path=/x/proj.tar.gz",
	Artefacts:   []Artefact{{File: "proj.tar.gz", Size: 213, SHA256: strings.Repeat("ab", 32)}},
	Fingerprint: results.Fingerprint{Name: "demo", Files: 8, Bytes: 213, Hash: "sha256:" + strings.Repeat("0", 64)},
	Content:     "sha256:" + strings.Repeat("1", 64),
	Unpacked:    &UnpackReport{Members: 9, Files: 8, Dirs: 1, Bytes: 213, Skipped: Skipped{FIFOs: 1}},
	FetchedAt:   time.Date(2025, 11, 26, 7, 0, 0, 0, time.UTC),
}

func TestParseMarker(t *testing.T) {
	good, err := json.MarshalIndent(testMarker, "", "  ")
	require.NoError(t, err)
	mk, err := parseMarker("demo", good)
	require.NoError(t, err)
	want := testMarker
	want.Fingerprint.Content = want.Content
	assert.Equal(t, want, *mk, "the content fingerprint is filled into the fingerprint")

	// A marker that gives the content twice must give it once.
	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	m["fingerprint"].(map[string]any)["content"] = testMarker.Content
	twice, err := json.Marshal(m)
	require.NoError(t, err)
	mk, err = parseMarker("demo", twice)
	require.NoError(t, err)
	assert.Equal(t, want, *mk)

	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		f(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"not json", []byte("{not json"), "is corrupt"},
		{"two values", append(append([]byte{}, good...), []byte(` {}`)...), "more than one JSON value"},
		{"another workload", good, "does not describe workload other"},
		{"no fingerprint", edit(func(m map[string]any) { delete(m, "fingerprint") }), "fingerprint"},
		{"bad fingerprint hash", edit(func(m map[string]any) { m["fingerprint"].(map[string]any)["hash"] = "md5:x" }), "fingerprint"},
		{"negative files", edit(func(m map[string]any) { m["fingerprint"].(map[string]any)["files"] = -1 }), "fingerprint"},
		{"bad content", edit(func(m map[string]any) { m["content"] = "sha256:xyz" }), "content fingerprint"},
		{"two contents", edit(func(m map[string]any) {
			m["fingerprint"].(map[string]any)["content"] = "sha256:" + strings.Repeat("2", 64)
		}), "is not its content fingerprint"},
		{"artefact path", edit(func(m map[string]any) { m["artefacts"].([]any)[0].(map[string]any)["file"] = "../x" }), "artefact"},
		{"artefact sha", edit(func(m map[string]any) { m["artefacts"].([]any)[0].(map[string]any)["sha256"] = "abc" }), "artefact"},
		{"huge", []byte(`{"workload":"` + strings.Repeat("x", maxMarker) + `"}`), "larger than"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			name := "demo"
			if bad.name == "another workload" {
				name = "other"
			}
			_, err := parseMarker(name, bad.data)
			require.Error(t, err)
			assert.Contains(t, err.Error(), bad.want)
		})
	}
}

// FuzzParseMarker: a marker is trusted only when it describes the workload
// asked for with well-formed fingerprints and artefacts, and whatever is
// accepted survives being written back (writeMarker) and read again.
func FuzzParseMarker(f *testing.F) {
	good, _ := json.Marshal(testMarker)
	f.Add(good, "demo")
	f.Add([]byte(`{"workload":"demo","fingerprint":{"hash":"sha256:`+strings.Repeat("0", 64)+`"}}`), "demo")
	f.Add([]byte(`{"workload":"x","artefacts":[{"file":".."}]}`), "x")
	f.Add([]byte(`null`), "")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		mk, err := parseMarker(name, data)
		if err != nil {
			assert.NotEmpty(t, err.Error())
			return
		}
		assert.Equal(t, name, mk.Workload)
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, mk.Fingerprint.Hash)
		assert.GreaterOrEqual(t, mk.Fingerprint.Files, 0)
		assert.GreaterOrEqual(t, mk.Fingerprint.Bytes, int64(0))
		if mk.Content != "" {
			assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, mk.Content)
		}
		assert.Equal(t, mk.Content, mk.Fingerprint.Content, "one content fingerprint")
		for _, a := range mk.Artefacts {
			assert.Empty(t, reservedName(a.File))
		}
		again, err := json.MarshalIndent(mk, "", "  ")
		require.NoError(t, err)
		back, err := parseMarker(name, again)
		require.NoError(t, err, "%s", again)
		assert.Equal(t, mk, back)
	})
}
