package workloads

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

//go:embed *.yaml
var builtinFS embed.FS

// Set is the manifests known to a command: the built-in ones, plus user
// files that add workloads or replace a built-in one of the same name.
type Set struct {
	list []*Manifest
}

// Builtin returns the embedded manifests, sorted by name.
func Builtin() (*Set, error) {
	entries, err := builtinFS.ReadDir(".")
	if err != nil {
		return nil, exitcode.InfraError("built-in workload manifests: %v", err)
	}
	s := &Set{}
	for _, e := range entries {
		data, err := builtinFS.ReadFile(e.Name())
		if err != nil {
			return nil, exitcode.InfraError("built-in workload manifest %s: %v", e.Name(), err)
		}
		m, err := Parse(e.Name()+" (built in)", data)
		if err != nil {
			// The embedded files are covered by tests; this is a broken build.
			return nil, exitcode.InfraError("%v", err)
		}
		if _, dup := s.lookup(m.Name); dup {
			return nil, exitcode.InfraError("built-in workload %q is defined twice", m.Name)
		}
		s.list = append(s.list, m)
	}
	s.sort()
	return s, nil
}

// Load returns the built-in manifests merged with the user's: each of files
// is one manifest (--manifest FILE), each of dirs holds *.yaml / *.yml
// manifests (--manifests DIR). A user manifest named like a built-in one
// replaces it; two user manifests with one name are an error.
func Load(files, dirs []string) (*Set, error) {
	s, err := Builtin()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil {
			return nil, exitcode.UsageError("--manifests %s: %v", d, unwrapPath(err))
		}
		if !fi.IsDir() {
			return nil, exitcode.UsageError("--manifests %s: not a directory (use --manifest for one file)", d)
		}
		var found []string
		for _, pat := range []string{"*.yaml", "*.yml"} {
			m, _ := filepath.Glob(filepath.Join(d, pat))
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, exitcode.UsageError("--manifests %s: no *.yaml or *.yml manifests in it", d)
		}
		sort.Strings(found)
		paths = append(paths, found...)
	}
	paths = append(paths, files...)
	users := map[string]string{}
	for _, p := range paths {
		data, err := readRegular(p, true, maxManifest)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, exitcode.UsageError("workload manifest %s does not exist", p)
			}
			return nil, exitcode.UsageError("workload manifest %s cannot be read: %v", p, unwrapPath(err))
		}
		m, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := users[m.Name]; dup {
			return nil, exitcode.UsageError("workload %q is defined in both %s and %s; give each manifest its own name", m.Name, prev, p)
		}
		users[m.Name] = p
		// Relative local paths are relative to the manifest, not to where
		// hivebench happens to run.
		if (m.Source.Type == Dir || m.Source.Type == Archive) && !filepath.IsAbs(m.Source.Path) && !strings.HasPrefix(m.Source.Path, "~") {
			m.Source.Path = filepath.Join(filepath.Dir(p), m.Source.Path)
		}
		s.put(m)
	}
	s.sort()
	return s, nil
}

// maxManifest bounds a manifest file: a few hundred bytes in practice.
const maxManifest = 1 << 20

// readRegular reads a small file (at most max bytes) that must be a
// regular file (a manifest, a staging key), opened as regularfile.Open
// opens it: a named pipe is refused, not waited on.
func readRegular(path string, follow bool, max int64) ([]byte, error) {
	f, _, err := regularfile.Open(path, follow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %s", FormatBytes(max))}
	}
	return data, nil
}

// DirManifest makes a manifest for a local directory given on the command
// line as dir:PATH, so a user can replay their own repository without
// writing a file.
func DirManifest(path string) (*Manifest, error) {
	if path == "" {
		return nil, exitcode.UsageError("dir: needs a path, e.g. dir:./myrepo")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, exitcode.UsageError("dir:%s: %v", path, err)
	}
	name := strings.ToLower(filepath.Base(abs))
	name = strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, name)
	if name == "" || !nameRE.MatchString(name) {
		name = "dir"
	}
	return &Manifest{Name: name, Description: "local directory " + abs, Source: Source{Type: Dir, Path: abs}, File: "dir:" + path}, nil
}

// All returns the manifests sorted by name.
func (s *Set) All() []*Manifest { return append([]*Manifest(nil), s.list...) }

// Names returns the sorted names.
func (s *Set) Names() []string { return sortedNames(s.list) }

// Get returns the manifest called name. "dir:PATH" makes one on the fly.
// An unknown name is a usage error listing the known ones.
func (s *Set) Get(name string) (*Manifest, error) {
	if p, ok := strings.CutPrefix(name, "dir:"); ok {
		return DirManifest(p)
	}
	if m, ok := s.lookup(name); ok {
		return m, nil
	}
	hint := ""
	if near := cli.Nearest(name, s.Names()); near != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", near)
	}
	return nil, exitcode.UsageError("unknown workload %q%s; known: %s (add one with --manifest FILE, or use dir:PATH for a local tree)", name, hint, strings.Join(s.Names(), ", "))
}

func (s *Set) lookup(name string) (*Manifest, bool) {
	for _, m := range s.list {
		if m.Name == name {
			return m, true
		}
	}
	return nil, false
}

func (s *Set) put(m *Manifest) {
	for i := range s.list {
		if s.list[i].Name == m.Name {
			s.list[i] = m
			return
		}
	}
	s.list = append(s.list, m)
}

func (s *Set) sort() {
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Name < s.list[j].Name })
}

// unwrapPath drops the "op path:" prefix of a *PathError when the caller's
// message already names the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
