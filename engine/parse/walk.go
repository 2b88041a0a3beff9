package parse

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hiveperf/hive/internal/regularfile"
)

// vcsDirs are version-control metadata directories: never source, often huge.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true, "_darcs": true, "CVS": true, ".jj": true, ".pijul": true}

// walker lists the tree depth-first in name order and sends candidate files
// to the workers. It does no I/O beyond reading directories (and
// .gitignore files): stat, read and parse happen on the workers, in
// parallel. Symlinked directories are not followed, which also rules out
// directory loops.
type walker struct {
	root      string
	gitignore bool
	jobs      chan<- job
	found     func() // counts each job sent, for progress
	// ignoreErrs are the .gitignore files that exist but could not be
	// read; Run reads them once the walk is over.
	ignoreErrs []error
}

// run walks root (a directory) and reports whether it finished, that is,
// was not canceled.
func (w *walker) run(ctx context.Context) bool {
	return w.dir(ctx, w.root, "", nil)
}

func (w *walker) dir(ctx context.Context, dir, rel string, rules ignoreRules) bool {
	// Only the root the user named may be a symlink to a directory.
	entries, err := regularfile.ReadDir(dir, dir == w.root)
	if err != nil {
		// Report it and carry on with whatever was listed before the error.
		if !w.send(ctx, job{path: dir, err: err}) {
			return false
		}
	}
	if w.gitignore && (err == nil || len(entries) > 0) {
		var ierr error
		if rules, ierr = rules.loadGitignore(dir, rel); ierr != nil {
			w.ignoreErrs = append(w.ignoreErrs, ierr)
			if !w.send(ctx, job{path: filepath.Join(dir, ".gitignore"), err: ierr}) {
				return false
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		full := dir + string(filepath.Separator) + name
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		if e.IsDir() {
			if vcsDirs[name] || (len(rules) > 0 && rules.ignored(childRel, true)) {
				continue
			}
			if !w.dir(ctx, full, childRel, rules) {
				return false
			}
			continue
		}
		if !candidate(name) {
			continue
		}
		if len(rules) > 0 && rules.ignored(childRel, e.Type()&fs.ModeSymlink != 0 && isDirLink(full)) {
			continue
		}
		if !w.send(ctx, job{path: full, entry: e}) {
			return false
		}
	}
	return true
}

func isDirLink(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func (w *walker) send(ctx context.Context, j job) bool {
	select {
	case w.jobs <- j:
		if w.found != nil {
			w.found()
		}
		return true
	case <-ctx.Done():
		return false
	}
}
