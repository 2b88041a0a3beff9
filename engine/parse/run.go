package parse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/exitcode"
)

// DefaultMaxFileSize is the default size cap: larger files are skipped.
// Generated and minified files dominate above it, and the cap bounds the
// memory and time one file can take.
const DefaultMaxFileSize = 2 << 20

// Options configure Run. The zero value is valid: GOMAXPROCS workers, the
// default size cap, no .gitignore, no store.
type Options struct {
	// Jobs is the number of parse workers; 0 means GOMAXPROCS.
	Jobs int
	// MaxFileSize skips files larger than this many bytes; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// GitIgnore honours .gitignore files found in the tree.
	GitIgnore bool
	// Store, if set, makes the walk incremental: files whose size and
	// modification time (or, failing that, content hash) match the stored
	// analysis are not parsed again, analysed files are written back, and
	// stored files that are gone from the tree are deleted.
	Store *store.Store
	// NoCache re-parses every file even if the store has it unchanged.
	NoCache bool
	// ParseOnly makes the walk a baseline instead of an analysis: the same
	// walk, checks and reads, then one tree-sitter parse per file whose
	// tree is dropped. Nothing is hashed, queried, extracted or stored
	// (Store must be nil). A full analysis is held to a multiple of this
	// time, so it is what "parse-only tree-sitter time" means.
	ParseOnly bool
	// OnFile, if set, receives every result in walk-completion order, on
	// the goroutine that called Run. Returning an error stops the walk.
	// The result must not be retained past the call.
	OnFile func(*FileResult) error
	// Progress, if set, is called on Run's goroutine after every result.
	Progress func(Progress)
}

// Progress is a snapshot of a running walk.
type Progress struct {
	Found   int64 // candidate files the walker has listed so far
	Done    int64 // results produced
	Bytes   int64 // bytes of analysed files
	Elapsed time.Duration
}

// Run analyses every source file under root (a directory or one file) and
// returns the summary. Files stream through: the walker lists, workers
// parse (each with its own Analyzer), Run's goroutine aggregates, hands
// results to OnFile and queues records for one store-writer goroutine, so
// memory does not grow with the size of the tree.
//
// A root that does not exist or cannot be stat'ed is a usage error (exit
// code 2). Problems with files inside the tree never stop the walk: they
// are counted (Skipped, Errors) and reported to OnFile. A canceled ctx stops
// the walk early; Run then returns the partial summary with ctx's error and
// deletes nothing from the store.
func Run(ctx context.Context, root string, opts Options) (*Summary, error) {
	start := time.Now()
	rc, err := settle(root, opts)
	if err != nil {
		return nil, err
	}
	var states *stateTable
	if opts.Store != nil {
		if states, err = loadStates(ctx, opts.Store, rc.abs); err != nil {
			return nil, fmt.Errorf("analyze: reading stored file states: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl := startPipeline(ctx, rc, opts, states)
	var p *persister
	if opts.Store != nil {
		p = startPersister(ctx, opts.Store)
	}
	sum := &Summary{Root: rc.abs, Jobs: rc.jobs, ParseOnly: opts.ParseOnly, Languages: map[string]*Counts{}}
	stopErr := pl.collect(sum, states, p, opts, cancel, start)
	sum.Complete = <-pl.complete && stopErr == nil && ctx.Err() == nil
	// After <-complete the walker is done with ignoreErrs.
	for _, err := range pl.walker.ignoreErrs {
		stopErr = errors.Join(stopErr, exitcode.UsageError("analyze --gitignore: %v; its rules were not applied, so files it may exclude were analysed (make it a regular file, or analyze without --gitignore)", err))
	}

	var errs []error
	if stopErr != nil {
		errs = append(errs, stopErr)
	}
	if p != nil {
		errs = append(errs, finishStore(ctx, p, opts.Store, states, sum, len(errs) == 0)...)
	}
	if !sum.Complete && stopErr == nil {
		if err := context.Cause(ctx); err != nil {
			errs = append(errs, err)
		}
	}

	sum.Seconds = time.Since(start).Seconds()
	if sum.Seconds > 0 {
		sum.FilesPerSec = float64(sum.Files) / sum.Seconds
		sum.MBPerSec = float64(sum.Bytes) / 1e6 / sum.Seconds
	}
	sum.PeakRSSBytes = PeakRSS()
	return sum, errors.Join(errs...)
}

// runConfig is what Run settles from its arguments before it starts.
type runConfig struct {
	abs     string
	info    fs.FileInfo
	jobs    int
	maxSize int64
}

// settle checks Run's arguments: bad input is exit 2, before any work.
func settle(root string, opts Options) (runConfig, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return runConfig{}, exitcode.UsageError("analyze: %s: %v", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return runConfig{}, exitcode.UsageError("analyze: %s does not exist; give a directory or a source file", root)
		}
		return runConfig{}, exitcode.UsageError("analyze: %s: %v", root, unwrapPath(err))
	}
	rc := runConfig{abs: abs, info: info, jobs: opts.Jobs, maxSize: opts.MaxFileSize}
	if rc.jobs <= 0 {
		rc.jobs = runtime.GOMAXPROCS(0)
	}
	if err := checkMaxFileSize(opts.MaxFileSize); err != nil {
		return runConfig{}, exitcode.UsageError("analyze: %v", err)
	}
	if rc.maxSize == 0 {
		rc.maxSize = DefaultMaxFileSize
	}
	if opts.ParseOnly && opts.Store != nil {
		return runConfig{}, exitcode.UsageError("analyze: a parse-only baseline stores nothing; run it without a store")
	}
	return rc, nil
}

// pipeline is a running analysis: the walk, the checkers that settle what
// a stat can (most of a rerun), and the pinned workers that read and parse
// the rest, all feeding results.
type pipeline struct {
	walker   *walker
	found    *atomic.Int64 // source files found so far, for progress
	results  <-chan FileResult
	complete <-chan bool // the walk's verdict: it saw the whole tree
}

func startPipeline(ctx context.Context, rc runConfig, opts Options, states *stateTable) *pipeline {
	found := new(atomic.Int64)
	jobCh := make(chan job, 4*rc.jobs)
	resCh := make(chan FileResult, 4*rc.jobs)
	complete := make(chan bool, 1)

	w := &walker{root: rc.abs, gitignore: opts.GitIgnore, jobs: jobCh, found: func() { found.Add(1) }}
	go func() {
		defer close(jobCh)
		if !rc.info.IsDir() {
			found.Add(1)
			select {
			case jobCh <- job{path: rc.abs, entry: fs.FileInfoToDirEntry(rc.info)}:
				complete <- true
			case <-ctx.Done():
				complete <- false
			}
			return
		}
		complete <- w.run(ctx)
	}()

	pendCh := make(chan *pending, 4*rc.jobs)
	var checkers sync.WaitGroup
	for range rc.jobs {
		checkers.Add(1)
		go func() {
			defer checkers.Done()
			c := checker{noCache: opts.NoCache, states: states}
			for j := range jobCh {
				if ctx.Err() != nil {
					continue // drain so the walker can exit
				}
				if r, p := c.check(j); p != nil {
					pendCh <- p
				} else {
					resCh <- r
				}
			}
		}()
	}
	go func() { checkers.Wait(); close(pendCh) }()

	var wg sync.WaitGroup
	for range rc.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// tree-sitter allocates with libc malloc, and glibc gives each OS
			// thread its own arena that keeps freed memory. Go moves a
			// goroutine between threads, so an unpinned parser warms up arena
			// after arena: 360 MB resident instead of 90 MB when parsing the
			// same files in a loop. Pinned, each parser reuses one arena.
			// Pinning is why stat and cache checks run on other, unpinned
			// goroutines: a pinned goroutine that blocks on channels costs a
			// thread handoff each time, which on an unchanged tree doubled the
			// rerun time.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			w := &worker{an: NewAnalyzer(), maxSize: rc.maxSize, noCache: opts.NoCache, parseOnly: opts.ParseOnly}
			defer w.an.Close()
			for p := range pendCh {
				if ctx.Err() != nil {
					continue
				}
				if r, ok := w.analyze(p); ok {
					resCh <- r
				} else {
					found.Add(-1) // not source after all: not part of the progress
				}
			}
		}()
	}
	go func() { wg.Wait(); close(resCh) }()
	return &pipeline{walker: w, found: found, results: resCh, complete: complete}
}

// collect adds every result to sum, hands records to the persister, and
// reports each file and the progress. An OnFile error stops the run
// (cancel) and is returned; the results still in flight are drained.
//
// states is shared read-only with the checkers; what the walk saw is
// marked in states.seen by this goroutine only, once the checkers are past
// the file, and the stored files it did not see are deleted.
func (pl *pipeline) collect(sum *Summary, states *stateTable, p *persister, opts Options, cancel func(), start time.Time) error {
	var stopErr error
	var done int64
	for r := range pl.results {
		done++
		if stopErr != nil {
			continue
		}
		sum.add(&r)
		if r.Analysed() && r.stored >= 0 {
			states.seen[r.stored] = true // still here: not to be deleted
		}
		if p != nil && r.record != nil {
			p.in <- *r.record
			r.record = nil
		}
		if opts.OnFile != nil {
			if err := opts.OnFile(&r); err != nil {
				stopErr = err
				cancel()
			}
		}
		if opts.Progress != nil {
			opts.Progress(Progress{Found: pl.found.Load(), Done: done, Bytes: sum.Bytes, Elapsed: time.Since(start)})
		}
	}
	return stopErr
}

// finishStore writes what the persister still holds and, after a complete
// walk with no error so far (clean), removes the stored files the walk did
// not see.
func finishStore(ctx context.Context, p *persister, st *store.Store, states *stateTable, sum *Summary, clean bool) []error {
	if err := p.close(); err != nil {
		return []error{err}
	}
	gone := states.unseen()
	if !sum.Complete || !clean || len(gone) == 0 {
		return nil
	}
	sort.Strings(gone)
	if err := st.DeleteFiles(ctx, gone); err != nil {
		return []error{fmt.Errorf("analyze: removing %d deleted files from the store: %w", len(gone), err)}
	}
	sum.Deleted = len(gone)
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
