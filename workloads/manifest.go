package workloads

import (
	"github.com/hiveperf/hive/internal/cli"

	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// SourceType says where a workload's tree comes from.
type SourceType string

// The sources a manifest may name. Each one's fields are listed in
// sourceFields; README.md shows a manifest of every kind.
const (
	// Goroot is $(go env GOROOT)/src: on every machine that builds hive,
	// so the default workload needs no network.
	Goroot SourceType = "goroot"
	// DebianBinary is a binary package fetched with `apt-get download`,
	// optionally narrowed to one tarball inside it (linux-source-*).
	DebianBinary SourceType = "debian-binary"
	// DebianSource is a source package fetched with `apt-get source
	// --download-only` (needs a deb-src entry), of which one tarball is
	// unpacked.
	DebianSource SourceType = "debian-source"
	// NPM is one or more pinned packages fetched with `npm pack`.
	NPM SourceType = "npm"
	// Dir is a local directory, used in place (a user's own repository).
	Dir SourceType = "dir"
	// Archive is a local tarball (.tar, .tar.gz, .tgz, .tar.xz), copied
	// into the cache and unpacked: a snapshot someone handed you.
	Archive SourceType = "archive"
)

// SourceTypes lists the known sources, for error messages.
var SourceTypes = []SourceType{Goroot, DebianBinary, DebianSource, NPM, Dir, Archive}

// Local reports whether the source is used in place (nothing to download,
// nothing cached).
func (t SourceType) Local() bool { return t == Goroot || t == Dir }

// sourceFields names, per source, the fields it requires and the ones it
// allows; any other field set under source: is an error, so that a field
// meant for another source is not silently ignored.
var sourceFields = map[SourceType]struct{ required, optional []string }{
	Goroot:       {nil, []string{"subdir"}},
	DebianBinary: {[]string{"package", "version"}, []string{"member"}},
	DebianSource: {[]string{"package", "version", "tarball"}, nil},
	NPM:          {[]string{"packages"}, nil},
	Dir:          {[]string{"path"}, nil},
	Archive:      {[]string{"path"}, nil},
}

// Source is where a tree comes from. Which fields apply depends on Type.
type Source struct {
	Type SourceType
	// Package and Version name a Debian package (both debian-* sources).
	// The version is pinned so that the tree, and so its fingerprint, does
	// not move when the archive publishes an update.
	Package string
	Version string
	// Member is the tarball inside a binary package to unpack, as a path in
	// the package (usr/src/linux-source-6.12.tar.xz); empty unpacks the
	// package's files themselves.
	Member string
	// Tarball is the file of a source package to unpack (the .orig tarball).
	Tarball string
	// Packages are npm specs NAME@VERSION with an exact version.
	Packages []string
	// Path is the directory (dir) or tarball (archive). A relative path in a
	// user manifest is relative to the manifest's directory.
	Path string
	// Subdir is the directory under GOROOT to use (default "src").
	Subdir string
}

// Key is a canonical one-line description of the source. The cache stores
// it beside a fetched tree, so that a manifest edited to another version is
// noticed as "stale" instead of serving the old tree.
func (s Source) Key() string {
	parts := []string{"type=" + string(s.Type)}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("package", s.Package)
	add("version", s.Version)
	add("member", s.Member)
	add("tarball", s.Tarball)
	add("packages", strings.Join(s.Packages, ","))
	add("path", s.Path)
	add("subdir", s.Subdir)
	return strings.Join(parts, " ")
}

// String is the source as a listing shows it.
func (s Source) String() string {
	switch s.Type {
	case DebianBinary, DebianSource:
		return fmt.Sprintf("%s %s=%s", s.Type, s.Package, s.Version)
	case NPM:
		return "npm " + strings.Join(s.Packages, " ")
	case Dir, Archive:
		return fmt.Sprintf("%s %s", s.Type, s.Path)
	case Goroot:
		if s.Subdir != "" && s.Subdir != "src" {
			return "goroot/" + s.Subdir
		}
		return "goroot/src"
	}
	return string(s.Type)
}

// Artefact is one downloaded file: its name in the download directory and,
// when pinned, its size and sha256.
type Artefact struct {
	File   string `json:"file"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Estimate is what a workload is expected to be like before anyone has
// measured it here (figures from an issue, a release note). It only feeds
// listings and progress bars; it is never checked.
type Estimate struct {
	Files    int
	Bytes    int64
	Download int64
}

// Targets are the bounds a replay of the workload must meet. A zero field
// is not checked.
type Targets struct {
	ColdWallMax    time.Duration
	WarmWallMax    time.Duration
	PeakRSSMax     int64 // bytes
	PerFileP50Max  time.Duration
	PerFileP99Max  time.Duration
	FilesPerSecMin float64
	// ParseOnlyRatioMax bounds the cold wall time as a multiple of the
	// parse-only baseline's (`hive analyze --parse-only`) on the same tree:
	// the cost of extracting and storing on top of tree-sitter's parse.
	// Setting it makes a replay run the baseline.
	ParseOnlyRatioMax float64
	// Note says where the bounds come from.
	Note string
}

// IsZero reports whether no target is set.
func (t Targets) IsZero() bool {
	return t.ColdWallMax == 0 && t.WarmWallMax == 0 && t.PeakRSSMax == 0 && t.PerFileP50Max == 0 && t.PerFileP99Max == 0 && t.FilesPerSecMin == 0 && t.ParseOnlyRatioMax == 0
}

// String lists the set targets as they are written in a manifest.
func (t Targets) String() string {
	var out []string
	if t.ColdWallMax > 0 {
		out = append(out, "cold_wall_max "+t.ColdWallMax.String())
	}
	if t.WarmWallMax > 0 {
		out = append(out, "warm_wall_max "+t.WarmWallMax.String())
	}
	if t.PeakRSSMax > 0 {
		out = append(out, "peak_rss_max "+FormatBytes(t.PeakRSSMax))
	}
	if t.PerFileP50Max > 0 {
		out = append(out, "per_file_p50_max "+t.PerFileP50Max.String())
	}
	if t.PerFileP99Max > 0 {
		out = append(out, "per_file_p99_max "+t.PerFileP99Max.String())
	}
	if t.FilesPerSecMin > 0 {
		out = append(out, "files_per_sec_min "+strconv.FormatFloat(t.FilesPerSecMin, 'g', -1, 64))
	}
	if t.ParseOnlyRatioMax > 0 {
		out = append(out, "parse_only_ratio_max "+strconv.FormatFloat(t.ParseOnlyRatioMax, 'g', -1, 64))
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

// Manifest describes one workload.
type Manifest struct {
	Name        string
	Description string
	Source      Source
	// Artefacts pins the downloads by name, size and sha256. An artefact
	// source without pins is still verified against what its tool reports
	// (apt's index hashes), and fetch prints the pins to add.
	Artefacts []Artefact
	// Fingerprint is the expected tree as harness/results fingerprints it:
	// Files, Bytes and Hash (the names and sizes of its regular files),
	// never Content; zero means "not pinned yet", in which case verify
	// reports the measured one and says to pin it.
	Fingerprint results.Fingerprint
	// Content is the expected content fingerprint of the tree
	// (results.Fingerprint.Content: every entry's path, type, mode and
	// bytes), pinned beside Fingerprint; "" means not pinned.
	Content string
	// Limits bound what a fetch may unpack (DefaultLimits where unset).
	Limits   Limits
	Estimate Estimate
	Targets  Targets
	// File is where the manifest was read from, for messages.
	File string
}

// Pinned reports whether the manifest pins the tree's fingerprint.
func (m *Manifest) Pinned() bool { return m.Fingerprint.Hash != "" }

// PinsContent reports whether the manifest also pins the tree's content.
func (m *Manifest) PinsContent() bool { return m.Content != "" }

// Artefact returns the pin for file, if any.
func (m *Manifest) Artefact(file string) (Artefact, bool) {
	for _, a := range m.Artefacts {
		if a.File == file {
			return a, true
		}
	}
	return Artefact{}, false
}

// The YAML shapes. Scalars that need checking beyond their YAML type
// (sizes, durations, hashes) are kept as nodes so the error can name the
// line they are on.
type yamlManifest struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	Source      yamlSource      `yaml:"source"`
	Artefacts   []yamlArtefact  `yaml:"artefacts"`
	Fingerprint yamlFingerprint `yaml:"fingerprint"`
	Unpack      yamlUnpack      `yaml:"unpack"`
	Estimate    yamlEstimate    `yaml:"estimate"`
	Targets     yamlTargets     `yaml:"targets"`
}

type yamlSource struct {
	Type     yaml.Node `yaml:"type"`
	Package  string    `yaml:"package"`
	Version  string    `yaml:"version"`
	Member   string    `yaml:"member"`
	Tarball  string    `yaml:"tarball"`
	Packages []string  `yaml:"packages"`
	Path     string    `yaml:"path"`
	Subdir   string    `yaml:"subdir"`
}

type yamlArtefact struct {
	File   string    `yaml:"file"`
	Size   yaml.Node `yaml:"size"`
	SHA256 yaml.Node `yaml:"sha256"`
}

type yamlFingerprint struct {
	Files   yaml.Node `yaml:"files"`
	Bytes   yaml.Node `yaml:"bytes"`
	Hash    yaml.Node `yaml:"hash"`
	Content yaml.Node `yaml:"content"`
}

type yamlUnpack struct {
	MaxBytes yaml.Node `yaml:"max_bytes"`
	MaxFiles yaml.Node `yaml:"max_files"`
}

type yamlEstimate struct {
	Files    yaml.Node `yaml:"files"`
	Bytes    yaml.Node `yaml:"bytes"`
	Download yaml.Node `yaml:"download"`
}

type yamlTargets struct {
	ColdWallMax    yaml.Node `yaml:"cold_wall_max"`
	WarmWallMax    yaml.Node `yaml:"warm_wall_max"`
	PeakRSSMax     yaml.Node `yaml:"peak_rss_max"`
	PerFileP50Max  yaml.Node `yaml:"per_file_p50_max"`
	PerFileP99Max  yaml.Node `yaml:"per_file_p99_max"`
	FilesPerSecMin yaml.Node `yaml:"files_per_sec_min"`
	ParseOnlyRatio yaml.Node `yaml:"parse_only_ratio_max"`
	Note           string    `yaml:"note"`
}

// knownFields turns yaml.v3's "field x not found in type workloads.yamlX"
// into words a manifest author can act on.
var knownFields = map[string]string{
	"workloads.yamlManifest":    "a manifest (known fields: name, description, source, artefacts, fingerprint, unpack, estimate, targets)",
	"workloads.yamlSource":      "source (known fields: type, package, version, member, tarball, packages, path, subdir)",
	"workloads.yamlArtefact":    "an artefact (known fields: file, size, sha256)",
	"workloads.yamlFingerprint": "fingerprint (known fields: files, bytes, hash, content)",
	"workloads.yamlUnpack":      "unpack (known fields: max_bytes, max_files)",
	"workloads.yamlEstimate":    "estimate (known fields: files, bytes, download)",
	"workloads.yamlTargets":     "targets (known fields: cold_wall_max, warm_wall_max, peak_rss_max, per_file_p50_max, per_file_p99_max, files_per_sec_min, parse_only_ratio_max, note)",
}

var (
	nameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	sha256RE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	fpHashRE   = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	quantityRE = regexp.MustCompile(`^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]*)\s*$`)
	// npmSpecRE wants an exact version: a range would let the tree move.
	npmSpecRE = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*@[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$`)
)

// Parse parses one manifest; name (the file) is used in errors. Errors are
// usage errors (exit 2) naming the file, the line and the field, and list
// every problem at once.
func Parse(name string, data []byte) (*Manifest, error) {
	fail := func(format string, args ...any) error {
		return exitcode.UsageError("workload manifest %s: "+format, append([]any{name}, args...)...)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	var y yamlManifest
	if err := dec.Decode(&y); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail("is empty; expected at least name: and source:")
		}
		return nil, fail("%s", cli.YAMLMessage(err, knownFields))
	}
	// A second document in the same file would be ignored by Decode; say so
	// rather than drop a workload.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fail("line %d: has a second YAML document (---); put one manifest per file", extra.Line)
	}
	p := &manifestParser{}
	_ = yaml.Unmarshal(data, &p.doc) // already parsed once; only used for line numbers

	m := &Manifest{Name: y.Name, Description: y.Description, File: name}
	p.checkName(y.Name)
	m.Source = p.source(y.Source)
	m.Artefacts = p.artefacts(y.Artefacts, m.Source.Type)
	m.Fingerprint, m.Content = p.fingerprint(y.Fingerprint, m.Name)
	m.Limits = p.limits(y.Unpack, m.Source.Type)
	m.Estimate = p.estimate(y.Estimate)
	m.Targets = p.targets(y.Targets)
	if len(p.problems) > 0 {
		return nil, fail("%s", strings.Join(p.problems, "; "))
	}
	return m, nil
}

// manifestParser checks a decoded manifest one section at a time and
// collects every problem, so that Parse reports them all at once, in the
// order of the sections.
type manifestParser struct {
	doc      yaml.Node // the document as nodes, for line numbers
	problems []string
}

func (p *manifestParser) add(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// line is "line N: " for the value at path, or "" when it has no line.
func (p *manifestParser) line(path ...string) string {
	if l := lineOf(&p.doc, path...); l > 0 {
		return fmt.Sprintf("line %d: ", l)
	}
	return ""
}

func (p *manifestParser) checkName(name string) {
	switch {
	case name == "":
		p.add("missing required field name (lower case letters, digits, '.', '-', '_'; e.g. linux-6.12)")
	case !nameRE.MatchString(name):
		p.add("%sfield name: %q must be lower case letters, digits, '.', '-' or '_' (it is also a directory name in the cache)", p.line("name"), name)
	default:
		if why := reservedName(name); why != "" {
			p.add("%sfield name: %q cannot name a workload: %s", p.line("name"), name, why)
		}
	}
}

func (p *manifestParser) source(src yamlSource) Source {
	s := Source{Type: SourceType(src.Type.Value), Package: src.Package, Version: src.Version, Member: src.Member,
		Tarball: src.Tarball, Packages: src.Packages, Path: src.Path, Subdir: src.Subdir}
	fields, known := sourceFields[s.Type]
	switch {
	case src.Type.Kind == 0:
		p.add("%smissing required field source.type (one of %s)", p.line("source"), sourceList())
	case src.Type.Kind != yaml.ScalarNode:
		p.add("line %d: field source.type must be one of %s", src.Type.Line, sourceList())
	case !known:
		p.add("line %d: field source.type: unknown source %q; use one of %s", src.Type.Line, src.Type.Value, sourceList())
	}
	if !known {
		return s
	}
	set := map[string]bool{
		"package": src.Package != "", "version": src.Version != "", "member": src.Member != "",
		"tarball": src.Tarball != "", "packages": len(src.Packages) > 0, "path": src.Path != "", "subdir": src.Subdir != "",
	}
	allowed := map[string]bool{}
	for _, f := range fields.required {
		allowed[f] = true
		if !set[f] {
			p.add("%smissing required field source.%s for source %s (it needs %s)", p.line("source"), f, s.Type, strings.Join(fields.required, ", "))
		}
	}
	for _, f := range fields.optional {
		allowed[f] = true
	}
	for _, f := range []string{"package", "version", "member", "tarball", "packages", "path", "subdir"} {
		if set[f] && !allowed[f] {
			p.add("%sfield source.%s does not apply to source %s (its fields: %s)", p.line("source", f), f, s.Type, strings.Join(append(append([]string{}, fields.required...), fields.optional...), ", "))
		}
	}
	for i, pkg := range src.Packages {
		if !npmSpecRE.MatchString(pkg) {
			p.add("%sfield source.packages[%d]: %q is not NAME@VERSION with an exact version (e.g. react@19.1.0); a range would let the tree move", p.line("source", "packages"), i, pkg)
		}
	}
	if s.Type == Goroot && src.Subdir != "" && (filepath.IsAbs(src.Subdir) || strings.Contains(src.Subdir, "..")) {
		p.add("%sfield source.subdir: %q must be a relative path inside GOROOT", p.line("source", "subdir"), src.Subdir)
	}
	if s.Type == Archive && src.Path != "" && !isTarball(src.Path) {
		p.add("%sfield source.path: %q is not a .tar, .tar.gz, .tgz or .tar.xz file", p.line("source", "path"), src.Path)
	}
	if s.Type == DebianSource && src.Tarball != "" && !isTarball(src.Tarball) {
		p.add("%sfield source.tarball: %q is not a .tar, .tar.gz, .tgz or .tar.xz file", p.line("source", "tarball"), src.Tarball)
	}
	if s.Type == DebianBinary && src.Member != "" && !isTarball(src.Member) {
		p.add("%sfield source.member: %q is not a .tar, .tar.gz, .tgz or .tar.xz file", p.line("source", "member"), src.Member)
	}
	return s
}

func (p *manifestParser) artefacts(ys []yamlArtefact, typ SourceType) []Artefact {
	if typ.Local() && len(ys) > 0 {
		p.add("%sfield artefacts does not apply to source %s: it downloads nothing", p.line("artefacts"), typ)
	}
	var out []Artefact
	seen := map[string]bool{}
	for i, a := range ys {
		at := fmt.Sprintf("artefacts[%d]", i)
		art := Artefact{File: a.File}
		if a.File == "" {
			p.add("%smissing required field %s.file (the downloaded file's name)", p.line("artefacts"), at)
		} else if why := reservedName(a.File); why != "" {
			p.add("%sfield %s.file: %q cannot name a downloaded file: %s", p.line("artefacts"), at, a.File, why)
		} else if seen[a.File] {
			p.add("%s%s.file: %q is pinned twice", p.line("artefacts"), at, a.File)
		}
		seen[a.File] = true
		if a.Size.Kind != 0 {
			if n, err := parseSize(a.Size.Value); err != nil {
				p.add("line %d: field %s.size: %v", a.Size.Line, at, err)
			} else {
				art.Size = n
			}
		}
		if a.SHA256.Kind != 0 {
			v := strings.TrimPrefix(a.SHA256.Value, "sha256:")
			if !sha256RE.MatchString(v) {
				p.add("line %d: field %s.sha256: %q is not 64 lower-case hex digits", a.SHA256.Line, at, a.SHA256.Value)
			} else {
				art.SHA256 = v
			}
		}
		if a.Size.Kind == 0 && a.SHA256.Kind == 0 {
			p.add("%s%s pins nothing: give size and sha256 (fetch prints them)", p.line("artefacts"), at)
		}
		out = append(out, art)
	}
	return out
}

// fingerprint reads the pinned tree of the workload called name: files,
// bytes and hash all three or none, so that a half-pinned tree is not
// mistaken for a pinned one, and content only beside them.
func (p *manifestParser) fingerprint(fp yamlFingerprint, name string) (results.Fingerprint, string) {
	var out results.Fingerprint
	nset := 0
	for _, n := range []yaml.Node{fp.Files, fp.Bytes, fp.Hash} {
		if n.Kind != 0 && n.Value != "" {
			nset++
		}
	}
	switch {
	case nset == 3:
		out.Name = name
		if n, err := strconv.Atoi(fp.Files.Value); err != nil || n < 0 {
			p.add("line %d: field fingerprint.files: %q is not a file count", fp.Files.Line, fp.Files.Value)
		} else {
			out.Files = n
		}
		if n, err := strconv.ParseInt(fp.Bytes.Value, 10, 64); err != nil || n < 0 {
			p.add("line %d: field fingerprint.bytes: %q is not a byte count (an integer: the fingerprint is exact)", fp.Bytes.Line, fp.Bytes.Value)
		} else {
			out.Bytes = n
		}
		if !fpHashRE.MatchString(fp.Hash.Value) {
			p.add("line %d: field fingerprint.hash: %q is not \"sha256:\" and 64 lower-case hex digits", fp.Hash.Line, fp.Hash.Value)
		} else {
			out.Hash = fp.Hash.Value
		}
	case nset > 0:
		p.add("%sfield fingerprint: pin files, bytes and hash together, or leave all three empty (verify prints them)", p.line("fingerprint"))
	}
	var content string
	if c := fp.Content; c.Kind != 0 && c.Value != "" {
		switch {
		case nset != 3:
			p.add("line %d: field fingerprint.content: pin it with files, bytes and hash (verify prints all four)", c.Line)
		case !fpHashRE.MatchString(c.Value):
			p.add("line %d: field fingerprint.content: %q is not \"sha256:\" and 64 lower-case hex digits", c.Line, c.Value)
		default:
			content = c.Value
		}
	}
	return out, content
}

func (p *manifestParser) limits(un yamlUnpack, typ SourceType) Limits {
	out := DefaultLimits
	if (un.MaxBytes.Kind != 0 || un.MaxFiles.Kind != 0) && typ.Local() {
		p.add("%sfield unpack does not apply to source %s: it unpacks nothing", p.line("unpack"), typ)
	}
	if n := un.MaxBytes; n.Kind != 0 {
		if v, err := parseSize(n.Value); err != nil {
			p.add("line %d: field unpack.max_bytes: %v", n.Line, err)
		} else if v <= 0 {
			p.add("line %d: field unpack.max_bytes: %q must be positive", n.Line, n.Value)
		} else {
			out.MaxBytes = v
		}
	}
	if n := un.MaxFiles; n.Kind != 0 {
		if v, err := parseCount(n.Value); err != nil {
			p.add("line %d: field unpack.max_files: %v", n.Line, err)
		} else if v <= 0 {
			p.add("line %d: field unpack.max_files: %q must be positive", n.Line, n.Value)
		} else {
			out.MaxFiles = v
		}
	}
	return out
}

func (p *manifestParser) estimate(es yamlEstimate) Estimate {
	var out Estimate
	if es.Files.Kind != 0 {
		if n, err := parseCount(es.Files.Value); err != nil {
			p.add("line %d: field estimate.files: %v", es.Files.Line, err)
		} else {
			out.Files = n
		}
	}
	for _, e := range []struct {
		field string
		node  yaml.Node
		dst   *int64
	}{{"estimate.bytes", es.Bytes, &out.Bytes}, {"estimate.download", es.Download, &out.Download}} {
		if e.node.Kind == 0 {
			continue
		}
		if n, err := parseSize(e.node.Value); err != nil {
			p.add("line %d: field %s: %v", e.node.Line, e.field, err)
		} else {
			*e.dst = n
		}
	}
	return out
}

func (p *manifestParser) targets(tg yamlTargets) Targets {
	out := Targets{Note: tg.Note}
	for _, d := range []struct {
		field string
		node  yaml.Node
		dst   *time.Duration
	}{
		{"cold_wall_max", tg.ColdWallMax, &out.ColdWallMax},
		{"warm_wall_max", tg.WarmWallMax, &out.WarmWallMax},
		{"per_file_p50_max", tg.PerFileP50Max, &out.PerFileP50Max},
		{"per_file_p99_max", tg.PerFileP99Max, &out.PerFileP99Max},
	} {
		if d.node.Kind == 0 {
			continue
		}
		v, err := time.ParseDuration(strings.TrimSpace(d.node.Value))
		switch {
		case err != nil:
			p.add("line %d: field targets.%s: %q is not a duration; write e.g. 5m, 90s, 1h30m, 250ms", d.node.Line, d.field, d.node.Value)
		case v <= 0:
			p.add("line %d: field targets.%s: %q must be positive", d.node.Line, d.field, d.node.Value)
		default:
			*d.dst = v
		}
	}
	if n := tg.PeakRSSMax; n.Kind != 0 {
		if v, err := parseSize(n.Value); err != nil {
			p.add("line %d: field targets.peak_rss_max: %v", n.Line, err)
		} else if v <= 0 {
			p.add("line %d: field targets.peak_rss_max: %q must be positive", n.Line, n.Value)
		} else {
			out.PeakRSSMax = v
		}
	}
	if n := tg.FilesPerSecMin; n.Kind != 0 {
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(n.Value), "files/s"))
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 || math.IsInf(v, 0) {
			p.add("line %d: field targets.files_per_sec_min: %q is not a positive number of files per second (e.g. 2000)", n.Line, n.Value)
		} else {
			out.FilesPerSecMin = v
		}
	}
	if n := tg.ParseOnlyRatio; n.Kind != 0 {
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(n.Value), "x"))
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 1 || math.IsInf(v, 0) {
			p.add("line %d: field targets.parse_only_ratio_max: %q is not a ratio of at least 1 (e.g. 1.15: cold wall ≤ 1.15 × the parse-only baseline's)", n.Line, n.Value)
		} else {
			out.ParseOnlyRatioMax = v
		}
	}
	return out
}

// parseSize reads a byte count: an integer, or a number with a unit
// (200MB, 1.34 GB, 512MiB). Units are SI as everywhere in hive (MB = 10^6
// bytes, see harness/results.ParseUnit).
func parseSize(s string) (int64, error) {
	m := quantityRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a size; write bytes (200000000) or a number and a unit (200MB, 1.5GiB)", s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size; write bytes (200000000) or a number and a unit (200MB, 1.5GiB)", s)
	}
	unit := m[2]
	if unit == "" {
		unit = "B"
	}
	b, err := results.Convert(v, unit, "B")
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: the unit must be B, KB, MB, GB (SI), KiB, MiB or GiB", s)
	}
	if b > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(math.Round(b)), nil
}

// parseCount reads a file count: 86600 or 86.6k.
func parseCount(s string) (int, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "k"):
		t, mult = strings.TrimSuffix(t, "k"), 1e3
	case strings.HasSuffix(t, "M"):
		t, mult = strings.TrimSuffix(t, "M"), 1e6
	}
	v, err := strconv.ParseFloat(t, 64)
	// !(v >= 0) also refuses NaN, which converts to no sensible int.
	if err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a file count; write e.g. 86600 or 86.6k", s)
	}
	if v*mult > maxCount {
		return 0, fmt.Errorf("%q is too large for a file count (at most %d)", s, int64(maxCount))
	}
	return int(math.Round(v * mult)), nil
}

// maxCount bounds file counts well inside int on every platform hive
// builds for, so the conversion cannot wrap.
const maxCount = math.MaxInt32

func isTarball(p string) bool {
	_, ok := compressionOf(p)
	return ok
}

// compressionOf returns the tar flag for a tarball name ("" for plain tar)
// and whether the name is a tarball at all.
func compressionOf(p string) (string, bool) {
	switch {
	case strings.HasSuffix(p, ".tar.xz"), strings.HasSuffix(p, ".txz"):
		return "-J", true
	case strings.HasSuffix(p, ".tar.gz"), strings.HasSuffix(p, ".tgz"):
		return "-z", true
	case strings.HasSuffix(p, ".tar.bz2"):
		return "-j", true
	case strings.HasSuffix(p, ".tar"):
		return "", true
	}
	return "", false
}

func sourceList() string {
	s := make([]string, len(SourceTypes))
	for i, t := range SourceTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// lineOf returns the line of the value at path (mapping keys) in a parsed
// document, or of the deepest key found on the way; 0 if none.
func lineOf(doc *yaml.Node, path ...string) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

// FormatBytes writes a byte count for people, in SI units like the rest of
// hive (1 MB = 10^6 bytes).
func FormatBytes(n int64) string {
	f := float64(n)
	switch {
	case f >= 1e9:
		return strconv.FormatFloat(f/1e9, 'f', 2, 64) + " GB"
	case f >= 1e6:
		return strconv.FormatFloat(f/1e6, 'f', 1, 64) + " MB"
	case f >= 1e3:
		return strconv.FormatFloat(f/1e3, 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// sortedNames returns the manifests' names, sorted.
func sortedNames(ms []*Manifest) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	sort.Strings(out)
	return out
}
