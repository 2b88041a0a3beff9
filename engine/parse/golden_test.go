package parse

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*/sample.golden.json from the analyzer's output")

// golden is what a sample file must yield. Symbols are checked with name,
// kind, parent, lines and complexity; the golden files were written by
// -update and then checked by hand against the samples.
type golden struct {
	Language     string   `json:"language"`
	Lines        int      `json:"lines"`
	Code         int      `json:"code"`
	Comments     int      `json:"comments"`
	Blanks       int      `json:"blanks"`
	Complexity   int      `json:"complexity"`
	SyntaxErrors int      `json:"syntax_errors"`
	Functions    int      `json:"functions"`
	Imports      []string `json:"imports"`
	Symbols      []Symbol `json:"symbols"`
}

func TestGolden(t *testing.T) {
	samples, err := filepath.Glob("testdata/*/sample.*")
	require.NoError(t, err)
	var inputs []string
	for _, s := range samples {
		if filepath.Ext(s) != ".json" {
			inputs = append(inputs, s)
		}
	}
	require.Len(t, inputs, len(Languages), "one sample per language: %v", inputs)

	a := NewAnalyzer()
	defer a.Close()
	seen := map[string]bool{}
	for _, in := range inputs {
		t.Run(filepath.Base(filepath.Dir(in)), func(t *testing.T) {
			src, err := os.ReadFile(in)
			require.NoError(t, err)
			an, ok, err := a.AnalyzeFile(in, src)
			require.NoError(t, err)
			require.True(t, ok, "%s: language not detected", in)
			seen[an.Language] = true
			got := golden{
				Language: an.Language, Lines: an.Lines, Code: an.Code, Comments: an.Comments, Blanks: an.Blanks,
				Complexity: an.Complexity, SyntaxErrors: an.SyntaxErrors, Functions: an.Functions,
				Imports: an.Imports, Symbols: an.Symbols,
			}
			path := filepath.Join(filepath.Dir(in), "sample.golden.json")
			if *update {
				b, err := json.MarshalIndent(got, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
			}
			b, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file; run go test -run TestGolden -update and check it by hand")
			var want golden
			require.NoError(t, json.Unmarshal(b, &want))
			assert.Equal(t, want, got)
			assert.Equal(t, got.Lines, got.Code+got.Comments+got.Blanks, "line classes must add up")
			assert.Zero(t, got.SyntaxErrors, "samples are valid source")
		})
	}
	for _, l := range Languages {
		assert.True(t, seen[l.Name], "no golden sample analysed as %s", l.Name)
	}
}
