package workloads

import (
	"context"
	"fmt"
	"strings"

	"github.com/hiveperf/hive/engine/exitcode"
	"github.com/hiveperf/hive/harness/results"
)

// Verification is the outcome of Verify: the tree's fingerprint now,
// against the manifest's pin and (for a fetched tree) against the one
// recorded when it was unpacked.
type Verification struct {
	Manifest *Manifest
	Root     string
	Measured results.Fingerprint
	// Recorded is the fingerprint in NAME.complete; nil for local sources.
	Recorded *results.Fingerprint
}

// Pinned reports whether the manifest pins a fingerprint to check.
func (v *Verification) Pinned() bool { return v.Manifest.Pinned() }

// Problems lists every way the tree differs; empty means it verifies.
func (v *Verification) Problems() []string {
	var out []string
	if v.Recorded != nil && !v.Measured.SameTree(*v.Recorded) {
		out = append(out, fmt.Sprintf("the cached tree changed since it was fetched (recorded %s, now %s): something edited %s; `hivebench workload fetch --force %s` restores it",
			describeFP(*v.Recorded), describeFP(v.Measured), v.Root, v.Manifest.Name))
	}
	if v.Pinned() && !v.Measured.SameTree(v.Manifest.Fingerprint) {
		out = append(out, fmt.Sprintf("the tree is not the one %s pins (pinned %s, measured %s)", v.Manifest.File, describeFP(v.Manifest.Fingerprint), describeFP(v.Measured)))
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
// fingerprint.
func (v *Verification) PinSnippet() string {
	return fmt.Sprintf("fingerprint:\n  files: %d\n  bytes: %d\n  hash: %s\n", v.Measured.Files, v.Measured.Bytes, v.Measured.Hash)
}

// Verify fingerprints m's tree and compares. It fails (exit 3) only when
// the tree is not there; a difference is reported by the Verification's
// Err, so the caller can print both fingerprints first.
func (c *Cache) Verify(ctx context.Context, m *Manifest) (*Verification, error) {
	t, err := c.Tree(ctx, m)
	if err != nil {
		return nil, err
	}
	v := &Verification{Manifest: m, Root: t.Root, Measured: t.Fingerprint}
	if st := c.State(ctx, m); st.Marker != nil {
		fp := st.Marker.Fingerprint
		v.Recorded = &fp
	}
	return v, nil
}

func describeFP(fp results.Fingerprint) string {
	return fmt.Sprintf("%d files, %d bytes, %s", fp.Files, fp.Bytes, fp.Hash)
}
