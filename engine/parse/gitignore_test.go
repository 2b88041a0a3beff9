package parse

import (
	"os"
	"path/filepath"
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

	rootRules := ignoreRules(nil).loadGitignore(root, "")
	subRules := rootRules.loadGitignore(filepath.Join(root, "sub"), "sub")

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

func TestGlobRegexp(t *testing.T) {
	assert.Equal(t, `^(?:.*/)?a\.go$`, globRegexp("**/a.go"))
	assert.Equal(t, `^a/.*$`, globRegexp("a/**"))
	assert.Equal(t, `^[^/]*\.c$`, globRegexp("*.c"))
	assert.Equal(t, `^[^a]b$`, globRegexp("[!a]b"))
}
