package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strings"
	"time"
	"unicode"

	"github.com/hiveperf/hive/internal/exitcode"
)

// UpsertFiles stores analysed files and replaces their symbols, all in one
// transaction, and indexes the new symbols in FTS5 with one statement at
// the end (the old rows leave the index through the delete trigger). The
// analyzer calls it with batches from a single writer goroutine.
func (s *Store) UpsertFiles(ctx context.Context, files []FileRecord) error {
	if len(files) == 0 {
		return nil
	}
	if err := s.files(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: upsert files: %w", err)
	}
	defer tx.Rollback()
	upsert := tx.StmtContext(ctx, s.stmts.upsertFile)
	delSyms := tx.StmtContext(ctx, s.stmts.deleteSymbols)
	now := time.Now().UnixNano()
	// First the file rows, and their old symbols out; then the new symbols.
	// Nothing is deleted after maxID is read, so every row inserted after it
	// gets a larger rowid (SQLite allocates max(rowid)+1) and "id > maxID"
	// is exactly the new rows.
	ids := make([]int64, len(files))
	for i := range files {
		f := &files[i]
		err := upsert.QueryRowContext(ctx, f.Path, f.Hash, f.Size, f.ModTime, f.Language, f.Lines, f.Code, f.Comments,
			f.Blanks, f.Complexity, f.Errors, f.SymbolCount, f.FunctionCount, strings.Join(f.Imports, "\n"), now).Scan(&ids[i])
		if err != nil {
			return fmt.Errorf("store: upsert file %s: %w", f.Path, err)
		}
		if _, err := delSyms.ExecContext(ctx, ids[i]); err != nil {
			return fmt.Errorf("store: upsert file %s: clearing symbols: %w", f.Path, err)
		}
	}
	var maxID int64
	if err := tx.StmtContext(ctx, s.stmts.maxSymbolID).QueryRowContext(ctx).Scan(&maxID); err != nil {
		return fmt.Errorf("store: upsert files: %w", err)
	}
	args := make([]any, 0, 7<<(symbolInsertSizes-1))
	inserted := false
	for i := range files {
		f := &files[i]
		for syms := f.Symbols; len(syms) > 0; {
			k := min(bits.Len(uint(len(syms)))-1, symbolInsertSizes-1) // largest size that fits
			chunk := syms[:1<<k]
			syms = syms[len(chunk):]
			args = args[:0]
			for _, sym := range chunk {
				args = append(args, ids[i], sym.Name, sym.Kind, sym.Parent, sym.StartLine, sym.EndLine, sym.Complexity)
			}
			if _, err := tx.StmtContext(ctx, s.stmts.symbolInserts[k]).ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("store: upsert file %s: symbols: %w", f.Path, err)
			}
			inserted = true
		}
	}
	if inserted {
		if _, err := tx.StmtContext(ctx, s.stmts.indexSymbols).ExecContext(ctx, maxID); err != nil {
			return fmt.Errorf("store: upsert files: indexing symbols: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: upsert files: %w", err)
	}
	s.wrote()
	return nil
}

// StoredFile is one row of EachFileState. Path, Hash and Language are
// only valid during the callback (they point into SQLite's row buffer):
// copy what you keep. Keeping only what a rerun needs, compactly, is the
// point: a Chromium-sized tree has 280k stored files, and a map of
// FileState values with their own strings cost ~520 bytes each (a 423 MB
// peak on the unchanged rerun).
type StoredFile struct {
	Path, Hash, Language []byte
	FileState
}

// EachFileState calls fn for every stored file at root or below it. root is an absolute, cleaned path as the analyzer stores
// paths. FileState's string fields are left empty; see StoredFile.
func (s *Store) EachFileState(ctx context.Context, root string, fn func(*StoredFile) error) error {
	if err := s.files(); err != nil {
		return err
	}
	root = strings.TrimSuffix(root, "/")
	// '0' sorts right after '/', so [root, root+"0") covers root and root/...;
	// siblings such as root-old or root.bak fall in the range too and are
	// filtered below.
	rows, err := s.stmts.fileStates.QueryContext(ctx, root, root+"0")
	if err != nil {
		return fmt.Errorf("store: file states under %s: %w", root, err)
	}
	defer rows.Close()
	var (
		f                    StoredFile
		path, hash, language sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&path, &hash, &f.Size, &f.ModTime, &language, &f.Lines, &f.Code, &f.Comments, &f.Blanks,
			&f.Complexity, &f.Errors, &f.SymbolCount, &f.FunctionCount); err != nil {
			return fmt.Errorf("store: file states under %s: %w", root, err)
		}
		if root != "" && !(string(path) == root || (len(path) > len(root) && path[len(root)] == '/' && string(path[:len(root)]) == root)) {
			continue
		}
		f.Path, f.Hash, f.Language = path, hash, language
		if err := fn(&f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: file states under %s: %w", root, err)
	}
	return nil
}

// CountFiles returns about how many files are stored at root or below it:
// an upper bound (siblings such as root-old count too), meant as a size
// hint for EachFileState's caller.
func (s *Store) CountFiles(ctx context.Context, root string) (int, error) {
	if err := s.files(); err != nil {
		return 0, err
	}
	root = strings.TrimSuffix(root, "/")
	var n int
	if err := s.stmts.countFiles.QueryRowContext(ctx, root, root+"0").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: counting files under %s: %w", root, err)
	}
	return n, nil
}

// FileStates returns every stored file at root or below it, keyed by path
// (see EachFileState, which a large tree wants instead).
func (s *Store) FileStates(ctx context.Context, root string) (map[string]FileState, error) {
	out := make(map[string]FileState)
	err := s.EachFileState(ctx, root, func(f *StoredFile) error {
		st := f.FileState
		st.Path, st.Hash, st.Language = string(f.Path), string(f.Hash), string(f.Language)
		out[st.Path] = st
		return nil
	})
	return out, err
}

// DeleteFiles removes files (and, by cascade, their symbols) in one transaction.
func (s *Store) DeleteFiles(ctx context.Context, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if err := s.files(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: delete files: %w", err)
	}
	defer tx.Rollback()
	delSyms := tx.StmtContext(ctx, s.stmts.deleteSymbolsByPath)
	delFile := tx.StmtContext(ctx, s.stmts.deleteFile)
	for _, p := range paths {
		// Symbols first and explicitly, so the FTS delete trigger sees them.
		if _, err := delSyms.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("store: delete file %s: %w", p, err)
		}
		if _, err := delFile.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("store: delete file %s: %w", p, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.wrote()
	return nil
}

// SearchSymbols finds symbols whose name has, for each word of query, a word
// starting with it (FTS5 prefix match), shortest names first. Names split at
// underscores and punctuation: "parse" finds parse_file and Parse.
func (s *Store) SearchSymbols(ctx context.Context, query string, limit int) ([]SymbolHit, error) {
	if err := s.files(); err != nil {
		return nil, err
	}
	match := ftsQuery(query)
	if match == "" {
		return nil, exitcode.UsageError("store: symbol search needs at least one letter or digit, got %q", query)
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.stmts.searchSymbols.QueryContext(ctx, match, limit)
	if err != nil {
		return nil, fmt.Errorf("store: symbol search %q: %w", query, err)
	}
	defer rows.Close()
	hits := make([]SymbolHit, 0, min(limit, 64))
	for rows.Next() {
		var h SymbolHit
		if err := rows.Scan(&h.Name, &h.Kind, &h.Parent, &h.StartLine, &h.EndLine, &h.Complexity, &h.Path, &h.Language); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// ftsQuery turns free text into a safe FTS5 query: each run of letters and
// digits becomes a quoted prefix term, so user input can never be FTS syntax.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}
