package workloads

import (
	"context"
	"fmt"
	"strings"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Verification is the outcome of Verify: the tree's fingerprint now,
// against the manifest's pin and (for a fetched tree) against the one
// recorded when it was unpacked.
type Verification struct {
	Manifest *Manifest
	Root     string
	Measured results.Fingerprint
	// MeasuredContent is the tree's content fingerprint now.
	MeasuredContent string
	// Recorded and RecordedContent are the fingerprints in NAME.complete;
	// nil and "" for local sources.
	Recorded        *results.Fingerprint
	RecordedContent string
}

// Pinned reports whether the manifest pins a fingerprint to check.
func (v *Verification) Pinned() bool { return v.Manifest.Pinned() }

// Problems lists every way the tree differs; empty means it verifies.
func (v *Verification) Problems() []string {
	var out []string
	if (v.Recorded != nil && !v.Measured.SameTree(*v.Recorded)) || (v.RecordedContent != "" && v.RecordedContent != v.MeasuredContent) {
		rec, now := describeFP(v.Measured), describeFP(v.Measured)
		if v.Recorded != nil {
			rec = describeFP(*v.Recorded)
		}
		out = append(out, fmt.Sprintf("the cached tree changed since it was fetched (recorded %s, content %s; now %s, content %s): something edited %s; `hivebench workload fetch --force %s` restores it",
			rec, v.RecordedContent, now, v.MeasuredContent, v.Root, v.Manifest.Name))
	}
	if v.Pinned() && !v.Measured.SameTree(v.Manifest.Fingerprint) {
		out = append(out, fmt.Sprintf("the tree is not the one %s pins (pinned %s, measured %s)", v.Manifest.File, describeFP(v.Manifest.Fingerprint), describeFP(v.Measured)))
	}
	if v.Manifest.PinsContent() && v.MeasuredContent != v.Manifest.Content {
		out = append(out, fmt.Sprintf("the tree's content is not the one %s pins (pinned content %s, measured %s)", v.Manifest.File, v.Manifest.Content, v.MeasuredContent))
	}
	return out
}

// Err is nil when the tree verifies (or nothing is pinned), else the
// infrastructure error (exit 3) "workload differs". Exit 3, not 1: a
// different tree is not a slower hive but a different input, and any
// measurement on it would compare nothing.
func (v *Verification) Err() error {
	p := v.Problems()
	if len(p) == 0 {
		return nil
	}
	return exitcode.InfraError("workload %s differs: %s", v.Manifest.Name, strings.Join(p, "; "))
}

// PinSnippet is the YAML to paste into the manifest to pin the measured
// fingerprints.
func (v *Verification) PinSnippet() string { return PinSnippet(v.Measured, v.MeasuredContent) }

// PinSnippet is the fingerprint: block of a manifest that pins a tree.
func PinSnippet(fp results.Fingerprint, content string) string {
	return fmt.Sprintf("fingerprint:\n  files: %d\n  bytes: %d\n  hash: %s\n  content: %s\n", fp.Files, fp.Bytes, fp.Hash, content)
}

// Verify fingerprints m's tree and compares. It fails (exit 3) only when
// the tree is not there; a difference is reported by the Verification's
// Err, so the caller can print both fingerprints first.
func (c *Cache) Verify(ctx context.Context, m *Manifest) (*Verification, error) {
	t, err := c.Tree(ctx, m)
	if err != nil {
		return nil, err
	}
	v := &Verification{Manifest: m, Root: t.Root, Measured: t.Fingerprint, MeasuredContent: t.Content}
	if st := c.State(ctx, m); st.Marker != nil {
		fp := st.Marker.Fingerprint
		v.Recorded, v.RecordedContent = &fp, st.Marker.Content
	}
	return v, nil
}

func describeFP(fp results.Fingerprint) string {
	return fmt.Sprintf("%d files, %d bytes, %s", fp.Files, fp.Bytes, fp.Hash)
}
