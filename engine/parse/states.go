package parse

import (
	"context"
	"encoding/hex"

	"github.com/hiveperf/hive/engine/store"
)

// storedState is what a rerun keeps of one stored file: enough to decide
// whether it changed (size, mtime, content hash) and to count it in the
// summary without parsing it. It is compact on purpose: an unchanged
// rerun of Chromium holds 280k of them, and store.FileState values with
// their own path, hash and language strings cost ~520 bytes each (a 423 MB
// peak); this is ~100 bytes plus the path relative to the root.
type storedState struct {
	size, mtime                                                           int64
	hash                                                                  [32]byte // zero if the stored hash was not 64 hex digits: never matches
	language                                                              string   // interned
	lines, code, comments, blanks, complexity, errors, symbols, functions int32
	// idx numbers the state for stateTable.seen.
	idx int32
}

// stateTable is every stored file under the walk's root, keyed by path
// relative to it (the root's own path is the common prefix of every key;
// a single-file root has the key ""). Checkers read it concurrently; only
// Run's goroutine writes seen, after the walk's results.
type stateTable struct {
	root  string
	byRel map[string]storedState
	paths []string // by idx, relative, for deleting the unseen
	seen  []bool   // by idx: the walk found the file (set by Run's goroutine)
}

func (t *stateTable) lookup(path string) (storedState, bool) {
	if t == nil || len(path) < len(t.root) || path[:len(t.root)] != t.root {
		return storedState{}, false
	}
	st, ok := t.byRel[path[len(t.root):]]
	return st, ok
}

// unseen returns the absolute paths of stored files the walk did not find.
func (t *stateTable) unseen() []string {
	var out []string
	for i, rel := range t.paths {
		if !t.seen[i] {
			out = append(out, t.root+rel)
		}
	}
	return out
}

// loadStates reads the stored files under root (absolute, cleaned).
func loadStates(ctx context.Context, st *store.Store, root string) (*stateTable, error) {
	// The size hint spares the map its growth copies (most of the load's
	// allocation on a 280k-file tree).
	n, err := st.CountFiles(ctx, root)
	if err != nil {
		return nil, err
	}
	t := &stateTable{root: root, byRel: make(map[string]storedState, n), paths: make([]string, 0, n)}
	langs := map[string]string{}
	err = st.EachFileState(ctx, root, func(f *store.StoredFile) error {
		rel := string(f.Path[len(root):]) // EachFileState keeps to root and below
		lang, ok := langs[string(f.Language)]
		if !ok {
			lang = string(f.Language)
			langs[lang] = lang
		}
		s := storedState{size: f.Size, mtime: f.ModTime, language: lang, idx: int32(len(t.paths)),
			lines: int32(f.Lines), code: int32(f.Code), comments: int32(f.Comments), blanks: int32(f.Blanks),
			complexity: int32(f.Complexity), errors: int32(f.Errors), symbols: int32(f.SymbolCount), functions: int32(f.FunctionCount)}
		if len(f.Hash) != 2*len(s.hash) {
			s.hash = [32]byte{}
		} else if _, err := hex.Decode(s.hash[:], f.Hash); err != nil {
			s.hash = [32]byte{}
		}
		t.byRel[rel] = s
		t.paths = append(t.paths, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.seen = make([]bool, len(t.paths))
	return t, nil
}
