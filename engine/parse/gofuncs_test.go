package parse

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Go function count must agree with an independent count of func
// declarations by go/parser. The sample is a few GOROOT packages, including
// go/parser's own testdata with deliberately broken files; over the whole
// of GOROOT/src the two counts are 88,671 (tree-sitter) and 88,674
// (go/parser) with Go 1.26.8.
func TestGoFunctionCountMatchesGoParser(t *testing.T) {
	goroot := runtime.GOROOT()
	var roots []string
	for _, d := range []string{"go", "strings", "fmt", "encoding/json"} {
		roots = append(roots, filepath.Join(goroot, "src", d))
	}
	want, files := 0, 0
	for _, root := range roots {
		require.DirExists(t, root)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			if fi, err := d.Info(); err != nil || fi.Size() > DefaultMaxFileSize {
				return err
			}
			files++
			// Broken files still yield the declarations before the error.
			f, _ := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
			if f != nil {
				for _, decl := range f.Decls {
					if _, ok := decl.(*ast.FuncDecl); ok {
						want++
					}
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	got, gotFiles := 0, 0
	for _, root := range roots {
		sum, err := Run(context.Background(), root, Options{})
		require.NoError(t, err)
		if c := sum.Languages["go"]; c != nil {
			got += c.Functions
			gotFiles += c.Files
		}
	}
	t.Logf("go/parser: %d func declarations in %d files; tree-sitter: %d functions and methods in %d files", want, files, got, gotFiles)
	require.Greater(t, want, 1000, "the sample is too small to mean anything")
	assert.Equal(t, files, gotFiles)
	assert.InEpsilon(t, want, got, 0.02)
}

// Symbols found in a real tree are sane: names, kinds, lines in range.
func TestGOROOTSymbolsSane(t *testing.T) {
	root := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	_, err := os.Stat(root)
	require.NoError(t, err)
	n := 0
	_, err = Run(context.Background(), root, Options{OnFile: func(r *FileResult) error {
		for _, s := range r.Symbols {
			n++
			assert.NotEmpty(t, s.Name, r.Path)
			assert.Contains(t, []string{"function", "method", "struct", "interface", "type"}, s.Kind, r.Path)
			assert.True(t, 1 <= s.StartLine && s.StartLine <= s.EndLine && s.EndLine <= r.Lines, "%s: %+v", r.Path, s)
			if s.Kind == "method" {
				assert.NotEmpty(t, s.Parent, "%s: %+v", r.Path, s)
			}
		}
		return nil
	}})
	require.NoError(t, err)
	assert.Greater(t, n, 1000)
}
