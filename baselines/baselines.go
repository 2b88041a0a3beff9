// Package baselines stores the results files a regression gate compares
// against. A baseline is an ordinary results file (harness/results) saved as
// DIR/NAME.json; Load reads it with results.Read, so the schema and field
// checks are the same as for any results file. See README.md in this folder
// for how baselines are made and what they mean.
//
//	err := baselines.Save("baselines", "main", f)  // refuses incomplete runs
//	base, err := baselines.Load("baselines", "main") // and so does Load
//	infos, err := baselines.List("baselines")
package baselines

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Ext is the file extension of a baseline.
const Ext = ".json"

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// CheckName validates a baseline name: letters, digits, '.', '_' and '-',
// starting with a letter or digit, at most 100 characters. Path separators
// are refused so a name can never escape the baselines directory.
func CheckName(name string) error {
	switch {
	case name == "":
		return exitcode.UsageError("baseline name is empty; use e.g. main or v0.3.0")
	case strings.ContainsAny(name, `/\`):
		return exitcode.UsageError("baseline name %q contains a path separator; a name is a file name inside the baselines directory (e.g. main), not a path", name)
	case strings.HasSuffix(name, Ext):
		return exitcode.UsageError("baseline name %q ends in %s; give the name without the extension (%s)", name, Ext, strings.TrimSuffix(name, Ext))
	case name == "." || name == ".." || !nameRE.MatchString(name):
		return exitcode.UsageError("baseline name %q is not valid: use letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. main, v0.3.0, ci-runner-2)", name)
	}
	return nil
}

// Path returns the file of baseline name in dir.
func Path(dir, name string) string { return filepath.Join(dir, name+Ext) }

// Save writes f as baseline name in dir (creating dir), replacing an older
// baseline of that name atomically. An incomplete run is refused: a baseline
// with missing benchmarks would turn every later regression in them into
// "not compared".
func Save(dir, name string, f *results.File) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if f == nil {
		return exitcode.UsageError("baseline %s: no results to save", name)
	}
	if err := CheckComplete(f); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitcode.InfraError("create baselines directory %s: %v", dir, err)
	}
	// Write a copy so the caller's Source keeps naming where it came from.
	cp := *f
	return cp.Write(Path(dir, name))
}

// CheckComplete refuses results that cannot serve as a baseline: an
// incomplete run (interrupted, a failed benchmark). Its missing benchmarks
// would make every later regression in them "not compared". Save, Load
// and every comparison against a base (hivebench gate --baseline,
// hivebench compare) apply this one check.
func CheckComplete(f *results.File) error {
	if !f.Complete {
		return exitcode.UsageError("results %s are incomplete (%s); a baseline must be a complete run — re-run the suite", f.Label(), f.IncompleteReason)
	}
	return nil
}

// Load reads baseline name from dir. A missing baseline is a usage error
// that lists the baselines that do exist; an incomplete one is refused as
// Save refuses it (CheckComplete).
func Load(dir, name string) (*results.File, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	path := Path(dir, name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		known := names(dir)
		if len(known) == 0 {
			return nil, exitcode.UsageError("baseline %q not found: %s does not exist and %s holds no baselines (make one with `hivebench baseline save`)", name, path, dir)
		}
		return nil, exitcode.UsageError("baseline %q not found (%s does not exist); baselines in %s: %s", name, path, dir, strings.Join(known, ", "))
	}
	f, err := results.Read(path)
	if err != nil {
		return nil, err
	}
	if err := CheckComplete(f); err != nil {
		return nil, err
	}
	return f, nil
}

// Open reads the base of a comparison given as arg: a results file (a
// path, anything ending in .json, or an existing file), or else the name
// of a baseline in dir (Load). Either way an incomplete run is refused, as
// Save refuses it.
func Open(arg, dir string) (*results.File, error) {
	fi, err := os.Stat(arg)
	isFile := err == nil && fi.Mode().IsRegular()
	if isFile || strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".json") {
		f, err := results.Read(arg)
		if err != nil {
			return nil, err
		}
		if err := CheckComplete(f); err != nil {
			return nil, err
		}
		return f, nil
	}
	return Load(dir, arg)
}

// Info is one line of a baseline listing.
type Info struct {
	Name       string              `json:"name"`
	Path       string              `json:"path"`
	Date       time.Time           `json:"date"`
	Commit     string              `json:"commit"`
	Dirty      bool                `json:"dirty"`
	Suite      string              `json:"suite"`
	Complete   bool                `json:"complete"`
	Workload   results.Fingerprint `json:"workload"`
	Benchmarks int                 `json:"benchmarks"`
	// Err is set when the file could not be read; the other fields are
	// then empty. A broken baseline is listed, not hidden.
	Err error `json:"-"`
}

// List describes every baseline in dir, sorted by name. A missing dir is an
// empty list. Files that fail to read are listed with Err set, so one bad
// file does not hide the others.
func List(dir string) ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, exitcode.UsageError("cannot list baselines in %s: %v", dir, err)
	}
	var out []Info
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), Ext)
		if !ok || e.IsDir() || CheckName(name) != nil {
			continue
		}
		info := Info{Name: name, Path: filepath.Join(dir, e.Name())}
		f, err := results.Read(info.Path)
		if err != nil {
			info.Err = err
		} else {
			info.Date = f.Env.Date
			info.Commit = f.Env.Commit
			info.Dirty = f.Env.Dirty
			info.Suite = f.Suite
			info.Complete = f.Complete
			info.Workload = f.Workload
			info.Benchmarks = len(f.Benchmarks)
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func names(dir string) []string {
	infos, _ := List(dir)
	out := make([]string, 0, len(infos))
	for _, i := range infos {
		out = append(out, i.Name)
	}
	return out
}

// String is a listing line.
func (i Info) String() string {
	if i.Err != nil {
		return fmt.Sprintf("%s\tunreadable: %v", i.Name, i.Err)
	}
	state := "complete"
	if !i.Complete {
		state = "INCOMPLETE"
	}
	dirty := ""
	if i.Dirty {
		dirty = "-dirty"
	}
	return fmt.Sprintf("%s\t%s\t%s%s\t%s\t%s\t%d benchmarks\t%s", i.Name, i.Date.Format("2006-01-02 15:04"), results.ShortCommit(i.Commit), dirty, i.Suite, state, i.Benchmarks, i.Workload)
}
