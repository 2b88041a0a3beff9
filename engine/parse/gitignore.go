package parse

import (
	"bufio"
	"errors"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/hiveperf/hive/internal/regularfile"
)

// ignoreRule is one line of a .gitignore file.
type ignoreRule struct {
	base     string // directory of the .gitignore, relative to the walk root ("" at the root)
	negate   bool   // "!pattern" re-includes
	dirOnly  bool   // "pattern/" matches directories only
	anchored bool   // contains a slash: matched against the path below base, not the name
	match    matchKind
	literal  string // matchLiteral: the pattern; matchSuffix: what follows the "*"
	re       *regexp.Regexp
}

// matchKind is how a rule matches: the two fast paths or the general glob.
type matchKind uint8

const (
	matchLiteral matchKind = iota // the pattern has no wildcards
	matchSuffix                   // "*<suffix>" with no other wildcards ("*" alone: everything)
	matchRegexp
)

// ignoreRules is the list of rules in effect in one directory: the rules of
// every .gitignore from the root down to it, in order, so later (deeper and
// later-in-file) rules win, as in git. Supported: comments, blank lines,
// "!" negation, trailing "/" for directories, anchoring by a slash, and the
// wildcards * ? [...] and **. Not read: .git/info/exclude and the global
// excludes file.
type ignoreRules []ignoreRule

// loadGitignore appends the rules of dir/.gitignore (rel is dir relative to
// the walk root). A missing file adds nothing. One that exists but cannot
// be read (not a regular file, permission denied) adds nothing either, and
// the error says so: the caller must not pass off a walk that ignored it
// as one that honoured it.
func (rs ignoreRules) loadGitignore(dir, rel string) (ignoreRules, error) {
	f, _, err := regularfile.Open(path.Join(dir, ".gitignore"), true)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return rs, nil
		}
		return rs, err
	}
	defer f.Close()
	// Copy before appending so sibling directories never share a backing array.
	out := rs[:len(rs):len(rs)]
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if r, ok := parseIgnoreLine(sc.Text(), rel); ok {
			out = append(out, r)
		}
	}
	if err := sc.Err(); err != nil {
		return rs, &fs.PathError{Op: "read", Path: path.Join(dir, ".gitignore"), Err: err}
	}
	return out, nil
}

func parseIgnoreLine(line, base string) (ignoreRule, bool) {
	line = strings.TrimRight(line, " \t\r")
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	r := ignoreRule{base: base}
	if strings.HasPrefix(line, "!") {
		r.negate, line = true, line[1:]
	} else if strings.HasPrefix(line, `\`) {
		line = line[1:] // \# and \! are literal
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly, line = true, strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	if strings.Contains(line, "/") {
		r.anchored, line = true, strings.TrimPrefix(line, "/")
	}
	switch {
	case !strings.ContainsAny(line, `*?[\`):
		r.match, r.literal = matchLiteral, line
	case !r.anchored && strings.HasPrefix(line, "*") && !strings.ContainsAny(line[1:], `*?[\`):
		r.match, r.literal = matchSuffix, line[1:]
	default:
		re, err := regexp.Compile(globRegexp(line))
		if err != nil {
			return ignoreRule{}, false // a malformed class such as "[": git ignores it too
		}
		r.match, r.re = matchRegexp, re
	}
	return r, true
}

// globRegexp translates a gitignore glob to an anchored regular expression.
func globRegexp(glob string) string {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch {
		case c == '*' && strings.HasPrefix(glob[i:], "**/") && (i == 0 || glob[i-1] == '/'):
			b.WriteString("(?:.*/)?")
			i += 2
		case c == '*' && glob[i:] == "**" && (i == 0 || glob[i-1] == '/'):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		case c == '\\' && i+1 < len(glob):
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return b.String()
}

// ignored reports whether rel (a slash path relative to the walk root)
// is excluded. The last matching rule decides.
func (rs ignoreRules) ignored(rel string, isDir bool) bool {
	name := path.Base(rel)
	ignored := false
	for i := range rs {
		r := &rs[i]
		if r.dirOnly && !isDir {
			continue
		}
		subject := name
		if r.anchored {
			if r.base == "" {
				subject = rel
			} else if after, ok := strings.CutPrefix(rel, r.base+"/"); ok {
				subject = after
			} else {
				continue
			}
		}
		var match bool
		switch r.match {
		case matchRegexp:
			match = r.re.MatchString(subject)
		case matchSuffix:
			match = strings.HasSuffix(subject, r.literal)
		default:
			match = subject == r.literal
		}
		if match {
			ignored = !r.negate
		}
	}
	return ignored
}
