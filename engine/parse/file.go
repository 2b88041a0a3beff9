package parse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/regularfile"
)

// FileResult is the outcome for one file of a walk. A file is either
// analysed (Cached false), taken unchanged from the store (Cached true),
// skipped by policy (Skipped says why) or failed (Error says why). It is
// also the shape of one NDJSON line of `hive analyze --files-out`.
type FileResult struct {
	Path         string   `json:"path"`
	Language     string   `json:"language,omitempty"`
	Bytes        int64    `json:"bytes"`
	Lines        int      `json:"lines"`
	Code         int      `json:"code"`
	Comments     int      `json:"comments"`
	Blanks       int      `json:"blanks"`
	Complexity   int      `json:"complexity"`
	SyntaxErrors int      `json:"syntax_errors"`
	SymbolCount  int      `json:"symbol_count"`
	Functions    int      `json:"functions"`
	Symbols      []Symbol `json:"symbols,omitempty"` // empty for cached files: the store has them
	Imports      []string `json:"imports,omitempty"`
	Hash         string   `json:"hash,omitempty"`
	Cached       bool     `json:"cached,omitempty"`
	Skipped      string   `json:"skipped,omitempty"`
	Error        string   `json:"error,omitempty"`
	Warning      string   `json:"warning,omitempty"`
	// LatencyMicros is the time spent on this file, in microseconds: stat
	// and cache check, then read, hash, parse and queries, not counting time
	// queued between the two stages. For a cached file it is the stat alone,
	// so a per-file parse latency distribution wants a --no-cache run.
	LatencyMicros int64 `json:"latency_us"`

	record *store.FileRecord // what to persist; nil for cached, skipped and failed files
	// stored is the storedState.idx of the file's stored analysis, or -1.
	stored int32
}

// Analysed reports whether the file counts as analysed source (parsed now
// or taken from the cache).
func (r *FileResult) Analysed() bool { return r.Skipped == "" && r.Error == "" }

// job is one path the walker found: a candidate source file, or a
// directory it could not read (err set).
type job struct {
	path  string
	entry fs.DirEntry
	err   error
}

// pending is a file that passed the cheap checks and must be read (and
// probably parsed): what check learnt, handed to read-and-parse.
type pending struct {
	job   job
	r     FileResult
	lang  *Language // nil: no extension, the shebang decides
	size  int64
	mtime int64
	state storedState // valid when r.stored >= 0
}

// checker does the cheap first stage for each file: stat (following
// symlinks) and comparing size and mtime with the stored state. On a rerun
// of an unchanged tree it settles every file, so nothing reaches the
// parsers.
type checker struct {
	noCache bool
	states  *stateTable // read-only while the walk runs; nil without a store
}

// check returns the final result for a file it can settle, or the pending
// work for a file that must be read.
func (c *checker) check(j job) (r FileResult, next *pending) {
	start := time.Now()
	r = FileResult{Path: j.path, stored: -1}
	defer func() { r.LatencyMicros = time.Since(start).Microseconds() }()
	if j.err != nil {
		r.Error = describe(j.err)
		return r, nil
	}
	lang := ByExtension(j.path)
	if lang != nil {
		r.Language = lang.Name
	}
	info, reason, err := statEntry(j)
	switch {
	case err != nil:
		r.Error = reason
		return r, nil
	case reason != "":
		r.Skipped = reason
		return r, nil
	}
	size, mtime := info.Size(), info.ModTime().UnixNano()
	r.Bytes = size
	st, stored := c.states.lookup(j.path)
	if stored {
		r.stored = st.idx
	}
	if stored && !c.noCache && st.size == size && st.mtime == mtime {
		return fromState(r, st), nil
	}
	next = &pending{job: j, r: r, lang: lang, size: size, mtime: mtime, state: st}
	next.r.LatencyMicros = time.Since(start).Microseconds() // the defer only sees r
	return r, next
}

// worker is the second stage: it reads, hashes and parses. Each worker
// goroutine owns one: its Analyzer (parsers, query cursor) and read buffer
// are reused for every file it handles.
type worker struct {
	an        *Analyzer
	buf       []byte
	maxSize   int64
	noCache   bool
	parseOnly bool
}

// binaryProbe is how much of a file is searched for a NUL byte.
const binaryProbe = 8 << 10

// process runs both stages on one job, for callers without a pipeline.
func (w *worker) process(j job) (FileResult, bool) {
	c := checker{noCache: w.noCache}
	r, p := c.check(j)
	if p == nil {
		return r, true
	}
	return w.analyze(p)
}

// analyze finishes a pending file. It returns ok == false for a file that
// turns out not to be source in a supported language (an extension-less
// file without a known shebang): such files are not reported at all.
func (w *worker) analyze(p *pending) (r FileResult, ok bool) {
	start := time.Now()
	r, lang := p.r, p.lang
	spent := time.Duration(r.LatencyMicros) * time.Microsecond
	defer func() { r.LatencyMicros = (spent + time.Since(start)).Microseconds() }()

	// The stat in check may be stale: what is opened is checked again
	// (symlinks to files are followed).
	f, _, err := regularfile.Open(p.job.path, true)
	var te *regularfile.TypeError
	switch {
	case errors.As(err, &te):
		r.Skipped = te.Error()
		return r, true
	case err != nil:
		r.Error = describe(err)
		return r, true
	}
	defer f.Close()

	if lang == nil {
		// No extension: only a shebang can make it source.
		var head [256]byte
		n, _ := io.ReadFull(f, head[:])
		if lang = ByShebang(head[:n]); lang == nil {
			return r, false
		}
		r.Language = lang.Name
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			r.Error = describe(err)
			return r, true
		}
	}
	if p.size > w.maxSize {
		r.Skipped = fmt.Sprintf("larger than the size cap (%d > %d bytes; raise --max-file-size)", p.size, w.maxSize)
		return r, true
	}

	src, err := w.read(f, p.size)
	switch {
	case err != nil:
		r.Error = describe(err)
		return r, true
	case int64(len(src)) > w.maxSize: // grew since the stat
		r.Skipped = fmt.Sprintf("larger than the size cap (more than %d bytes; raise --max-file-size)", w.maxSize)
		return r, true
	}
	r.Bytes = int64(len(src))
	if bytes.IndexByte(src[:min(len(src), binaryProbe)], 0) >= 0 {
		r.Skipped = "binary (NUL byte in the first 8 KiB)"
		return r, true
	}
	if w.parseOnly {
		if err := w.an.ParseOnly(lang, src); err != nil {
			r.Error = err.Error()
		}
		return r, true
	}
	sum := sha256.Sum256(src)
	r.Hash = hex.EncodeToString(sum[:])
	if p.r.stored >= 0 && !w.noCache && p.state.hash == sum {
		// Touched but not changed: the stored analysis still holds.
		return fromState(r, p.state), true
	}
	if !utf8.Valid(src) {
		r.Warning = "invalid UTF-8 (analysed as is)"
	}

	an, err := w.an.analyzeAs(lang, p.job.path, src)
	if err != nil {
		r.Error = err.Error()
		return r, true
	}
	r.Language = an.Language // a .h file may have turned out C++
	r.Lines, r.Code, r.Comments, r.Blanks = an.Lines, an.Code, an.Comments, an.Blanks
	r.Complexity, r.SyntaxErrors, r.Functions = an.Complexity, an.SyntaxErrors, an.Functions
	r.Symbols, r.Imports, r.SymbolCount = an.Symbols, an.Imports, len(an.Symbols)
	r.record = record(&r, p.size, p.mtime)
	return r, true
}

// read reads the whole file into the worker's buffer, at most maxSize+1
// bytes, so that a file which grew past the cap since its stat is noticed
// without reading all of it.
func (w *worker) read(f *os.File, size int64) ([]byte, error) {
	limit := w.maxSize + 1
	if want := min(size+1, limit); int64(cap(w.buf)) < want {
		w.buf = make([]byte, 0, want)
	}
	buf := w.buf[:0]
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) { // grew since the stat
			nb := make([]byte, len(buf), min(2*int64(cap(buf)), limit))
			copy(nb, buf)
			buf, w.buf = nb, nb
		}
		m, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF || (err == nil && m == 0) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// statEntry returns the file info for a job, following a symlink to its
// target. A non-empty reason with a nil error means skip the file; with an
// error it is the failure to report.
func statEntry(j job) (fs.FileInfo, string, error) {
	if j.entry.Type()&fs.ModeSymlink != 0 {
		info, err := os.Stat(j.path)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return nil, "symlink loop", err
		case errors.Is(err, fs.ErrNotExist):
			if _, lerr := os.Lstat(j.path); lerr == nil {
				target, _ := os.Readlink(j.path)
				return nil, fmt.Sprintf("broken symlink (target %s does not exist)", target), err
			}
			return nil, "vanished during the walk (deleted after it was listed)", err
		case err != nil:
			return nil, describe(err), err
		case info.IsDir():
			return nil, "symlink to a directory (not followed)", nil
		case !info.Mode().IsRegular():
			return nil, "not a regular file: " + info.Mode().Type().String(), nil
		}
		return info, "", nil
	}
	info, err := j.entry.Info()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "vanished during the walk (deleted after it was listed)", err
	case err != nil:
		return nil, describe(err), err
	case !info.Mode().IsRegular():
		return nil, "not a regular file: " + info.Mode().Type().String(), nil
	}
	return info, "", nil
}

// describe turns an error about r.Path into a reason that does not repeat
// the path (the NDJSON record already holds it).
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, fs.ErrNotExist):
			return "vanished during the walk (deleted after it was listed)"
		case errors.Is(pe.Err, fs.ErrPermission):
			return pe.Op + ": permission denied"
		}
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func fromState(r FileResult, st storedState) FileResult {
	r.Cached = true
	r.Language = st.language
	r.Bytes = st.size
	r.Hash = hex.EncodeToString(st.hash[:])
	r.Lines, r.Code, r.Comments, r.Blanks = int(st.lines), int(st.code), int(st.comments), int(st.blanks)
	r.Complexity, r.SyntaxErrors = int(st.complexity), int(st.errors)
	r.SymbolCount, r.Functions = int(st.symbols), int(st.functions)
	return r
}

func record(r *FileResult, size, mtime int64) *store.FileRecord {
	syms := make([]store.Symbol, len(r.Symbols))
	for i, s := range r.Symbols {
		syms[i] = store.Symbol{Name: s.Name, Kind: s.Kind, Parent: s.Parent, StartLine: s.StartLine, EndLine: s.EndLine, Complexity: s.Complexity}
	}
	return &store.FileRecord{
		Path: r.Path, Hash: r.Hash, Size: size, ModTime: mtime, Language: r.Language,
		Lines: r.Lines, Code: r.Code, Comments: r.Comments, Blanks: r.Blanks,
		Complexity: r.Complexity, Errors: r.SyntaxErrors, SymbolCount: r.SymbolCount, FunctionCount: r.Functions,
		Imports: r.Imports, Symbols: syms,
	}
}

// candidate reports whether the walker should hand a file name to a
// worker: a known extension, or no extension (maybe a script with a shebang).
func candidate(name string) bool {
	return ByExtension(name) != nil || filepath.Ext(name) == ""
}
