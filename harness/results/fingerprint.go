package results

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/engine/exitcode"
)

// Fingerprint identifies the input tree a run measured. Two runs are only
// comparable when their fingerprints are equal: parsing 9,000 files is not
// slower than parsing 8,000, it is different.
//
// Hash covers names and sizes, not contents. That is deliberate: it is
// cheap enough to recompute on every run over a large tree, and the
// workloads code pins contents separately (manifest checksums).
type Fingerprint struct {
	// Name is the workload's name (from its manifest, or the tree's base
	// name).
	Name  string `json:"name"`
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"`
	// Hash is "sha256:" + hex of the sorted "path\tsize\n" lines, with
	// paths relative to the root and slash-separated.
	Hash string `json:"hash"`
}

// IsZero reports whether no workload was recorded (a suite that measures
// only startup and idle memory has none).
func (fp Fingerprint) IsZero() bool { return fp == Fingerprint{} }

// SameTree reports whether two fingerprints describe the same tree. The
// name is not compared: renaming a workload does not change what was
// measured.
func (fp Fingerprint) SameTree(other Fingerprint) bool {
	return fp.Hash == other.Hash && fp.Files == other.Files && fp.Bytes == other.Bytes
}

func (fp Fingerprint) String() string {
	if fp.IsZero() {
		return "no workload"
	}
	h := strings.TrimPrefix(fp.Hash, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return fmt.Sprintf("%s (%d files, %d bytes, sha256:%s)", fp.Name, fp.Files, fp.Bytes, h)
}

// FingerprintTree walks the regular files under root (symlinks and special
// files are skipped: the analyzer does not follow them either) and returns
// their fingerprint, named after root's base name.
func FingerprintTree(root string) (Fingerprint, error) {
	fi, err := os.Stat(root)
	if err != nil {
		if os.IsNotExist(err) {
			return Fingerprint{}, exitcode.InfraError("workload tree %s does not exist: %v", root, err)
		}
		return Fingerprint{}, exitcode.InfraError("workload tree %s: %v", root, err)
	}
	if !fi.IsDir() {
		return Fingerprint{}, exitcode.UsageError("workload tree %s is not a directory", root)
	}
	type entry struct {
		path string
		size int64
	}
	var entries []entry
	var total int64
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		entries = append(entries, entry{filepath.ToSlash(rel), info.Size()})
		total += info.Size()
		return nil
	})
	if err != nil {
		return Fingerprint{}, exitcode.InfraError("fingerprint %s: %v", root, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%s\t%d\n", encodePath(e.path), e.size)
	}
	name := filepath.Base(filepath.Clean(root))
	if abs, err := filepath.Abs(root); err == nil {
		name = filepath.Base(abs)
	}
	return Fingerprint{
		Name:  name,
		Files: len(entries),
		Bytes: total,
		Hash:  "sha256:" + hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// encodePath keeps the line format unambiguous: a path containing a tab or
// newline (or starting with a quote) is written Go-quoted.
func encodePath(p string) string {
	if strings.ContainsAny(p, "\t\n") || strings.HasPrefix(p, `"`) {
		return strconv.Quote(p)
	}
	return p
}
