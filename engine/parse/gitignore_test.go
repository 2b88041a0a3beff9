package parse

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGitignoreRules(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, ".gitignore"), []byte(
		"# comment\n\n*.gen.go\n!keep.gen.go\nbuild/\n/rooted.go\ndocs/**/draft.py\nlog?.c\n[ab]x.rs\n\\#hash.go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", ".gitignore"), []byte("local.go\n/only_here.go\n"), 0o644))

	rootRules, err := ignoreRules(nil).loadGitignore(root, "")
	require.NoError(t, err)
	subRules, err := rootRules.loadGitignore(filepath.Join(root, "sub"), "sub")
	require.NoError(t, err)
	none, err := rootRules.loadGitignore(t.TempDir(), "elsewhere")
	require.NoError(t, err, "a directory without .gitignore is not an error")
	require.Equal(t, rootRules, none)

	tests := []struct {
		rules ignoreRules
		rel   string
		dir   bool
		want  bool
	}{
		{rootRules, "a.gen.go", false, true},
		{rootRules, "deep/er/a.gen.go", false, true},
		{rootRules, "keep.gen.go", false, false},
		{rootRules, "a.go", false, false},
		{rootRules, "build", true, true},
		{rootRules, "build", false, false}, // "build/" matches directories only
		{rootRules, "x/build", true, true},
		{rootRules, "rooted.go", false, true},
		{rootRules, "x/rooted.go", false, false},
		{rootRules, "docs/draft.py", false, true},
		{rootRules, "docs/a/b/draft.py", false, true},
		{rootRules, "other/draft.py", false, false},
		{rootRules, "log1.c", false, true},
		{rootRules, "log12.c", false, false},
		{rootRules, "ax.rs", false, true},
		{rootRules, "cx.rs", false, false},
		{rootRules, "#hash.go", false, true},
		{subRules, "sub/local.go", false, true},
		{subRules, "sub/deeper/local.go", false, true},
		{subRules, "sub/only_here.go", false, true},
		{subRules, "sub/deeper/only_here.go", false, false},
		{subRules, "sub/a.gen.go", false, true}, // inherited from the root
		{rootRules, "local.go", false, false},   // sub's rules do not apply above it
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.rules.ignored(tt.rel, tt.dir))
		})
	}
}

// Lines that found bugs: "*" alone is a suffix rule with an empty suffix,
// which the matcher took for an empty literal, so it ignored nothing.
func TestGitignoreLines(t *testing.T) {
	tests := []struct {
		line string
		rel  string
		dir  bool
		want bool
	}{
		{"*", "a.go", false, true},
		{"*", "deep/er/b.c", false, true},
		{"*", "dir", true, true},
		{"*/", "dir", true, true},
		{"*/", "a.go", false, false},
		{"!*", "a.go", false, false},
		{"/*", "a.go", false, true},
		{"/*", "sub/a.go", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.line+" "+tt.rel, func(t *testing.T) {
			r, ok := parseIgnoreLine(tt.line, "")
			require.True(t, ok)
			assert.Equal(t, tt.want, ignoreRules{r}.ignored(tt.rel, tt.dir))
		})
	}
}

func TestGlobRegexp(t *testing.T) {
	assert.Equal(t, `^(?:.*/)?a\.go$`, globRegexp("**/a.go"))
	assert.Equal(t, `^a/.*$`, globRegexp("a/**"))
	assert.Equal(t, `^[^/]*\.c$`, globRegexp("*.c"))
	assert.Equal(t, `^[^a]b$`, globRegexp("[!a]b"))
}

// FuzzGitignore parses one arbitrary .gitignore line and checks it against
// a path. A line never panics the parser; a rule takes exactly one way of
// matching; the fast paths (literal, "*suffix") match exactly what the
// general glob translation matches; for globs made only of letters, '.',
// '/', '*' and '?' the translation agrees with path.Match, an independent
// glob matcher with the same meaning of those characters; and a rule
// followed by its negation ignores nothing.
func FuzzGitignore(f *testing.F) {
	for _, s := range []string{"*.gen.go", "!keep.gen.go", "build/", "/rooted.go", "docs/**/draft.py", "log?.c", "[ab]x.rs", `\#hash.go`, "a/**", "**/x", "[!a]b", "[", `a\`, "*", "**", "/"} {
		f.Add(s, "docs/a/draft.py", false)
	}
	f.Fuzz(func(t *testing.T, line, rel string, isDir bool) {
		if strings.ContainsAny(line, "\n") {
			return // one line: the scanner splits files at newlines
		}
		r, ok := parseIgnoreLine(line, "")
		if !ok {
			return
		}
		require.Equal(t, r.match == matchRegexp, r.re != nil, "line %q: a rule has a regexp exactly when it matches by one: %+v", line, r)
		if r.match == matchLiteral {
			require.NotEmpty(t, r.literal, "line %q: an empty literal matches nothing", line)
		}

		rel = path.Clean("/" + rel)[1:] // a walk path: relative, slash-separated, clean
		if rel == "" {
			return
		}
		subject := path.Base(rel)
		if r.anchored {
			subject = rel
		}
		if r.match != matchRegexp && !(r.dirOnly && !isDir) {
			glob := r.literal
			if r.match == matchSuffix {
				glob = "*" + r.literal
			}
			re, err := regexp.Compile(globRegexp(glob))
			require.NoError(t, err, "line %q: %q", line, globRegexp(glob))
			pos := r
			pos.negate = false
			assert.Equal(t, re.MatchString(subject), ignoreRules{pos}.ignored(rel, isDir), "line %q, path %q: the fast path disagrees with the glob %q", line, rel, glob)
		}
		// The glob translation alone, with line as the glob.
		if strings.Trim(line, "abcdefghijklmnopqrstuvwxyz./*?") == "" && !strings.Contains(line, "**") {
			want, err := path.Match(line, rel)
			require.NoError(t, err)
			got := regexp.MustCompile(globRegexp(line)).MatchString(rel)
			assert.Equal(t, want, got, "glob %q, path %q: %s against path.Match", line, rel, globRegexp(line))
		}

		pos, neg := r, r
		pos.negate, neg.negate = false, true
		assert.False(t, ignoreRules{pos, neg}.ignored(rel, isDir), "line %q, path %q: a rule and its negation ignore nothing", line, rel)
		if r.dirOnly && !isDir {
			assert.False(t, ignoreRules{r}.ignored(rel, false), "line %q: a directory rule ignored the file %q", line, rel)
		}
	})
}
