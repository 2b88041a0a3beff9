// Package texttable renders the small boxed tables of the hive CLI
// (`hive ask`, `hive analyze`, `hive symbols`).
//
// hivebench's reports use olekukonko/tablewriter. The hive binary does not:
// importing tablewriter costs every exec of hive about 5 ms of package
// initialisation (its display-width tables and their dependencies; measured
// as a main that only imports it against one that does not, 200 execs
// each), which `hive version`, `hive ask` and startup.serve all paid
// without printing a table. These tables need only column widths and
// per-column alignment, which is what this package does. Widths count East
// Asian wide and fullwidth runes as two columns (golang.org/x/text/width,
// static tables, nothing at init).
package texttable

import (
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Align is a column's alignment.
type Align int

const (
	Left Align = iota
	Right
)

// Table is a header, rows and an optional footer. Headers are printed in
// upper case, as hivebench's tables print them.
type Table struct {
	header []string
	rows   [][]string
	footer []string
	align  []Align
}

// New returns a table with these column headers; every column is left
// aligned until AlignRight says otherwise.
func New(header ...string) *Table {
	return &Table{header: header, align: make([]Align, len(header))}
}

// AlignRight right-aligns the columns at these indexes (numbers).
func (t *Table) AlignRight(cols ...int) *Table {
	for _, c := range cols {
		if c >= 0 && c < len(t.align) {
			t.align[c] = Right
		}
	}
	return t
}

// Row appends a row. Missing cells are empty; extra cells are dropped.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, t.fit(cells)) }

// Footer sets the footer row (totals), printed below a rule.
func (t *Table) Footer(cells ...string) { t.footer = t.fit(cells) }

func (t *Table) fit(cells []string) []string {
	out := make([]string, len(t.header))
	copy(out, cells)
	return out
}

// Width is the number of terminal columns s takes: one per rune, two for
// East Asian wide and fullwidth runes. (Combining marks count one; the
// names, paths and figures in hive's tables have none in practice.)
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// clean keeps a cell on one line: newlines and tabs become spaces.
func clean(s string) string {
	if strings.ContainsAny(s, "\n\r\t") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// Render writes the table to w.
func (t *Table) Render(w io.Writer) error {
	head := make([]string, len(t.header))
	for i, h := range t.header {
		head[i] = strings.ToUpper(clean(h))
	}
	body := make([][]string, len(t.rows))
	for i, r := range t.rows {
		body[i] = make([]string, len(r))
		for j, c := range r {
			body[i][j] = clean(c)
		}
	}
	var foot []string
	if t.footer != nil {
		foot = make([]string, len(t.footer))
		for j, c := range t.footer {
			foot[j] = clean(c)
		}
	}

	widths := make([]int, len(head))
	for _, r := range append(append([][]string{head}, body...), foot) {
		for j, c := range r {
			widths[j] = max(widths[j], Width(c))
		}
	}

	var b strings.Builder
	rule := func(left, mid, right string) {
		b.WriteString(left)
		for j, wd := range widths {
			if j > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat("─", wd+2))
		}
		b.WriteString(right)
		b.WriteByte('\n')
	}
	line := func(cells []string, headerRow bool) {
		b.WriteString("│")
		for j, c := range cells {
			pad := strings.Repeat(" ", widths[j]-Width(c))
			b.WriteByte(' ')
			if t.align[j] == Right && !headerRow {
				b.WriteString(pad)
				b.WriteString(c)
			} else {
				b.WriteString(c)
				b.WriteString(pad)
			}
			b.WriteString(" │")
		}
		b.WriteByte('\n')
	}

	rule("┌", "┬", "┐")
	line(head, true)
	rule("├", "┼", "┤")
	for _, r := range body {
		line(r, false)
	}
	if foot != nil {
		rule("├", "┼", "┤")
		line(foot, false)
	}
	rule("└", "┴", "┘")
	_, err := io.WriteString(w, b.String())
	return err
}
