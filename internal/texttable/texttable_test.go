package texttable

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRender(t *testing.T) {
	tb := New("Stage", "Tokens", "Cost").AlignRight(1, 2)
	tb.Row("generator", "12", "$0.1")
	tb.Row("refiner", "1234", "$10.25")
	tb.Footer("total", "1246")
	var b strings.Builder
	require.NoError(t, tb.Render(&b))
	want := `┌───────────┬────────┬────────┐
│ STAGE     │ TOKENS │ COST   │
├───────────┼────────┼────────┤
│ generator │     12 │   $0.1 │
│ refiner   │   1234 │ $10.25 │
├───────────┼────────┼────────┤
│ total     │   1246 │        │
└───────────┴────────┴────────┘
`
	assert.Equal(t, want, b.String())
}

func TestCellsStayOnOneLineAndAligned(t *testing.T) {
	cases := []struct {
		name, cell string
		width      int
	}{
		{"ascii", "abc", 3},
		{"micro sign", "12 µs", 5},
		{"wide", "日本", 4},
		{"fullwidth", "ＡＢ", 4},
		{"newline", "a\nb", 3},
		{"tab", "a\tb", 3},
		{"invalid utf-8", "a\xffb", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := New("x", "y")
			tb.Row(c.cell, "|")
			var b strings.Builder
			require.NoError(t, tb.Render(&b))
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			require.Len(t, lines, 5, "one line per row, whatever the cell holds:\n%s", b.String())
			w := Width(lines[0])
			for _, l := range lines {
				assert.Equal(t, w, Width(l), "every line is as wide as the top rule:\n%s", b.String())
			}
			assert.Equal(t, c.width, Width(clean(c.cell)))
		})
	}
}

func TestRowsAreFittedToTheHeader(t *testing.T) {
	tb := New("a", "b")
	tb.Row("1")
	tb.Row("1", "2", "3")
	var b strings.Builder
	require.NoError(t, tb.Render(&b))
	assert.NotContains(t, b.String(), "3", "cells past the header are dropped")
	assert.Equal(t, 6, strings.Count(b.String(), "\n"))
}
