package replay

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Entry is one non-directory entry of a workload tree, as a shard plan
// sees it.
type Entry struct {
	// Path is relative to the tree's root, with forward slashes.
	Path string
	// Size is the byte size of a regular file, 0 for anything else.
	Size int64
	// Regular is false for symlinks and special files: they are assigned
	// to a shard like any entry (hive analyze may follow a symlink to a
	// file), but, as in the workload fingerprint, not counted as files.
	Regular bool
}

// ShardScheme names the assignment Plan makes; a results file of a shard
// is only merged with shards of the same hivebench (results.Tool), which
// pins the scheme.
const ShardScheme = "sha256-path-greedy-v1"

// analyzeSizeCap is hive analyze's default --max-file-size (engine/parse
// DefaultMaxFileSize): a larger file is skipped after a stat, so it costs
// no parse and weighs nothing in a plan.
const analyzeSizeCap = 2 << 20

// perFileWeight is the weight, in bytes, of the fixed cost of one analysed
// file (open, stat, hash, a store row) on top of its bytes, so that a
// shard of many small files is not as cheap as its bytes say. It is an
// estimate, not a fit: per-file latencies measured under parallel load do
// not separate a fixed cost from a per-byte one cleanly. What it is for,
// shards of equal cost, is checked on real shards' CPU times in
// docs/scale-out.md.
const perFileWeight = 4 << 10

// analyzedExt are the extensions hive analyze parses (engine/parse's
// language table, lower case). They only weigh files for the balance: a
// wrong entry moves bytes between shards, never a file out of the plan.
var analyzedExt = map[string]bool{
	".go": true, ".c": true, ".h": true,
	".cc": true, ".cpp": true, ".cxx": true, ".c++": true, ".hh": true, ".hpp": true, ".hxx": true, ".h++": true, ".ipp": true, ".tcc": true, ".inl": true,
	".js": true, ".mjs": true, ".cjs": true, ".jsx": true, ".ts": true, ".mts": true, ".cts": true, ".tsx": true,
	".py": true, ".pyi": true, ".pyw": true, ".rs": true, ".java": true,
}

// weight is what an entry costs hive analyze, roughly: the bytes and a
// per-file cost for a file it parses, nothing for anything else (a file
// in another language, over the size cap, a symlink).
func (e Entry) weight() int64 {
	if !e.Regular || e.Size > analyzeSizeCap || !analyzedExt[strings.ToLower(filepath.Ext(e.Path))] {
		return 0
	}
	return e.Size + perFileWeight
}

// shardKey is the stable hash that orders a plan: the first 8 bytes of
// sha256 over the scheme and the path. It depends on nothing but the path.
func shardKey(path string) uint64 {
	h := sha256.Sum256([]byte(ShardScheme + "\x00" + path))
	return binary.BigEndian.Uint64(h[:8])
}

// Plan assigns every entry to one of n shards and returns each entry's
// shard, in the order of entries.
//
// The entries are taken in the order of a stable hash of their path
// (shardKey; the path breaks a tie), and each goes to the shard with the
// least weight so far (the lowest index on a tie): a deterministic greedy.
// So a file's shard depends only on the tree's list of paths and sizes,
// the same on every machine and in every run, whatever order the
// directory listing came in and whatever the other shards measured. The
// hash order makes the greedy's input a random permutation that does not
// follow the tree's layout (one shard does not get drivers/, another
// fs/), and the greedy keeps the shards' weights within one file of each
// other. A plain hash modulo n would be as stable, but leaves the byte
// balance to chance, and a balance over all bytes would even out the
// sizes of files hive does not parse at the expense of those it does: on
// linux-6.12 in 3 shards, the shards' weights (max − min over the mean)
// are 0.004% apart with this plan, 2.5% with a hash modulo n and 6.6%
// with a greedy over all bytes (docs/scale-out.md).
//
// The price of balance is that a plan is stable for a tree, not across
// trees: a file that changes size may move the files after it in hash
// order to other shards. A results file is only comparable with another of
// the same tree (its fingerprint), so nothing depends on a file keeping
// its shard across trees.
func Plan(entries []Entry, n int) []int {
	order := make([]int, len(entries))
	keys := make([]uint64, len(entries))
	for i := range entries {
		order[i], keys[i] = i, shardKey(entries[i].Path)
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(keys[a], keys[b]), strings.Compare(entries[a].Path, entries[b].Path))
	})
	loads := make([]int64, n)
	out := make([]int, len(entries))
	for _, i := range order {
		s := 0
		for k := 1; k < n; k++ {
			if loads[k] < loads[s] {
				s = k
			}
		}
		out[i] = s
		loads[s] += entries[i].weight()
	}
	return out
}

// ListTree lists every non-directory entry under root, in no particular
// order (Plan does not depend on it). Directories are walked, not listed;
// a symlink to a directory is an entry, not followed, as hive analyze
// treats it.
func ListTree(root string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := Entry{Path: filepath.ToSlash(rel), Regular: d.Type().IsRegular()}
		if e.Regular {
			info, err := d.Info()
			if err != nil {
				return err
			}
			e.Size = info.Size()
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, exitcode.InfraError("replay: listing the tree %s for its shard plan: %v", root, err)
	}
	return out, nil
}

// ShardTree is the part of a tree one shard analyses, laid out under Root
// with the tree's own relative paths.
type ShardTree struct {
	Root string
	Part results.Part
	// Linked are the files hard-linked to the tree's (the same inode, so
	// the same bytes and page cache); Copied the files copied because a
	// link failed (another filesystem, or a kernel that protects hard
	// links to files of another user).
	Linked, Copied int
}

// Materialize lays out shard part.Index of the plan of entries (from
// ListTree(src)) under dst, which must not exist: each regular file is a
// hard link to the tree's (a copy when linking fails), each symlink a
// symlink to the tree's symlink (so it resolves, or fails to, as in the
// tree), each directory on the way a directory. part.Files and part.Bytes
// become the shard's regular files and their bytes.
func Materialize(src, dst string, entries []Entry, plan []int, part results.Part) (*ShardTree, error) {
	if len(plan) != len(entries) {
		return nil, fmt.Errorf("replay: a plan of %d entries for %d entries", len(plan), len(entries))
	}
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return nil, exitcode.InfraError("replay: %v", err)
	}
	if err := os.Mkdir(dst, 0o755); err != nil {
		return nil, exitcode.InfraError("replay: shard directory: %v", err)
	}
	st := &ShardTree{Root: dst, Part: part}
	made := map[string]bool{}
	mkdirs := func(rel string) error {
		dir := filepath.Dir(rel)
		if dir == "." || made[dir] {
			return nil
		}
		made[dir] = true
		return os.MkdirAll(filepath.Join(dst, dir), 0o755)
	}
	for i, e := range entries {
		if plan[i] != part.Index {
			continue
		}
		rel := filepath.FromSlash(e.Path)
		if err := mkdirs(rel); err != nil {
			return nil, exitcode.InfraError("replay: shard %s: %v", part, err)
		}
		from, to := filepath.Join(absSrc, rel), filepath.Join(dst, rel)
		switch {
		case e.Regular:
			if err := os.Link(from, to); err == nil {
				st.Linked++
			} else if err := copyFile(from, to); err != nil {
				return nil, exitcode.InfraError("replay: shard %s: copying %s: %v", part, e.Path, err)
			} else {
				st.Copied++
			}
			st.Part.Files++
			st.Part.Bytes += e.Size
		default:
			// Pointing at the tree's own entry keeps whatever it resolves
			// to (a file, a directory, nothing) and its relative targets.
			if err := os.Symlink(from, to); err != nil {
				return nil, exitcode.InfraError("replay: shard %s: %v", part, err)
			}
		}
	}
	return st, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}
