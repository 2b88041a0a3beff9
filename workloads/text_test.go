package workloads

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hiveperf/hive/harness/results"
)

func TestVerificationWriteText(t *testing.T) {
	fp := results.Fingerprint{Files: 3, Bytes: 120, Hash: "sha256:aa"}
	other := results.Fingerprint{Files: 4, Bytes: 130, Hash: "sha256:bb"}
	cases := []struct {
		name string
		v    *Verification
		want string
	}{
		{"nothing pinned", &Verification{Manifest: &Manifest{Name: "w", File: "w.yaml"}, Root: "/t", Measured: fp, MeasuredContent: "sha256:cc"},
			"w: /t\n  measured: 3 files, 120 bytes, sha256:aa, content sha256:cc\n" +
				"  pinned:   nothing; to pin this tree, add to w.yaml:\n" +
				"    fingerprint:\n      files: 3\n      bytes: 120\n      hash: sha256:aa\n      content: sha256:cc\n"},
		{"pinned without content, fetched", &Verification{Manifest: &Manifest{Name: "w", File: "w.yaml", Fingerprint: fp}, Root: "/t",
			Measured: fp, MeasuredContent: "sha256:cc", Recorded: &fp, RecordedContent: "sha256:cc"},
			"w: /t\n  measured: 3 files, 120 bytes, sha256:aa, content sha256:cc\n" +
				"  at fetch: 3 files, 120 bytes, sha256:aa, content sha256:cc\n" +
				"  pinned:   3 files, 120 bytes, sha256:aa, content not pinned\n" +
				"  ok: the tree is the pinned one\n" +
				"  (names and sizes only: add `content: sha256:cc` under fingerprint: in w.yaml to pin the bytes too)\n"},
		{"differs", &Verification{Manifest: &Manifest{Name: "w", File: "w.yaml", Fingerprint: fp, Content: "sha256:cc"}, Root: "/t",
			Measured: other, MeasuredContent: "sha256:dd"},
			"w: /t\n  measured: 4 files, 130 bytes, sha256:bb, content sha256:dd\n" +
				"  pinned:   3 files, 120 bytes, sha256:aa, content sha256:cc\n  DIFFERS\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.v.WriteText(&b)
			assert.Equal(t, c.want, b.String())
		})
	}
}

func TestFetchReportWriteText(t *testing.T) {
	tree := &Tree{Root: "/cache/w", Fingerprint: results.Fingerprint{Files: 3, Bytes: 2_000_000, Hash: "sha256:aa"}, Content: "sha256:cc"}
	art := Artefact{File: "w.tar.gz", Size: 900, SHA256: "ff"}
	cases := []struct {
		name string
		m    *Manifest
		rep  *FetchReport
		want string
	}{
		{"local", &Manifest{Name: "w", File: "w.yaml", Source: Source{Type: Dir}, Content: "sha256:cc"}, &FetchReport{Tree: tree},
			"w: local, nothing to fetch: /cache/w\n  3 files, 2000000 bytes (2.0 MB), sha256:aa\n  content sha256:cc\n"},
		{"cached, pinned", &Manifest{Name: "w", File: "w.yaml", Source: Source{Type: Archive}, Content: "sha256:cc"}, &FetchReport{Tree: tree, AlreadyCached: true, Artefacts: []Artefact{art}},
			"w: already cached: /cache/w\n  3 files, 2000000 bytes (2.0 MB), sha256:aa\n  content sha256:cc\n  artefact w.tar.gz: 900 bytes, sha256 ff\n"},
		{"fetched, nothing pinned", &Manifest{Name: "w", File: "w.yaml", Source: Source{Type: Archive}}, &FetchReport{Tree: tree, Artefacts: []Artefact{art}, Unpinned: []Artefact{art}},
			"w: fetched: /cache/w\n  3 files, 2000000 bytes (2.0 MB), sha256:aa\n  content sha256:cc\n  artefact w.tar.gz: 900 bytes, sha256 ff\n" +
				"  not pinned in w.yaml; to pin the downloads add:\n    artefacts:\n      - file: w.tar.gz\n        size: 900\n        sha256: ff\n" +
				"  fingerprint not pinned in w.yaml; to pin this tree add:\n    fingerprint:\n      files: 3\n      bytes: 2000000\n      hash: sha256:aa\n      content: sha256:cc\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.rep.WriteText(&b, c.m)
			assert.Equal(t, c.want, b.String())
		})
	}
}

func TestSizeOf(t *testing.T) {
	fp := results.Fingerprint{Files: 3, Bytes: 2_000_000, Hash: "sha256:aa"}
	cases := []struct {
		name string
		m    *Manifest
		st   State
		want string
	}{
		{"pinned", &Manifest{Fingerprint: fp}, State{}, "2.0 MB, 3 files"},
		{"measured at fetch", &Manifest{}, State{Marker: &Marker{Fingerprint: fp}}, "2.0 MB, 3 files"},
		{"estimated", &Manifest{Estimate: Estimate{Bytes: 5_000_000, Files: 40}}, State{}, "~5.0 MB, ~40 files"},
		{"estimated files only", &Manifest{Estimate: Estimate{Files: 40}}, State{}, "~40 files"},
		{"local", &Manifest{Source: Source{Type: Dir}}, State{}, "as found"},
		{"unknown", &Manifest{Source: Source{Type: Archive}}, State{}, "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, SizeOf(c.m, c.st))
		})
	}
}
