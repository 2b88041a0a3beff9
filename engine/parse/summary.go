package parse

import "sort"

// Counts are the totals of a set of files. Files, Bytes and the line,
// symbol and complexity figures cover analysed files (parsed now or taken
// from the cache); Skipped and Errors count the files left out, which is
// why they are not in Files.
type Counts struct {
	Files        int   `json:"files"`
	Bytes        int64 `json:"bytes"`
	Lines        int   `json:"lines"`
	Code         int   `json:"code"`
	Comments     int   `json:"comments"`
	Blanks       int   `json:"blanks"`
	Symbols      int   `json:"symbols"`
	Functions    int   `json:"functions"`
	Complexity   int   `json:"complexity"`
	SyntaxErrors int   `json:"syntax_errors"` // ERROR and MISSING nodes
	Skipped      int   `json:"skipped"`       // binary, over the size cap, not a regular file, ...
	Errors       int   `json:"errors"`        // could not be read: vanished, permission, symlink loop, ...
	Cached       int   `json:"cached"`        // unchanged since the stored analysis, not parsed again
	Warnings     int   `json:"warnings"`      // analysed with a warning (invalid UTF-8)
}

func (c *Counts) add(r *FileResult) {
	switch {
	case r.Error != "":
		c.Errors++
		return
	case r.Skipped != "":
		c.Skipped++
		return
	}
	c.Files++
	c.Bytes += r.Bytes
	c.Lines += r.Lines
	c.Code += r.Code
	c.Comments += r.Comments
	c.Blanks += r.Blanks
	c.Symbols += r.SymbolCount
	c.Functions += r.Functions
	c.Complexity += r.Complexity
	c.SyntaxErrors += r.SyntaxErrors
	if r.Cached {
		c.Cached++
	}
	if r.Warning != "" {
		c.Warnings++
	}
}

// Summary is the result of a walk: totals, per-language totals and how
// long it took. It is also the JSON printed by `hive analyze --format json`.
type Summary struct {
	Root string `json:"root"`
	Counts
	// Deleted is how many stored files were removed because they are gone
	// (or no longer analysable) under Root.
	Deleted      int     `json:"deleted"`
	Seconds      float64 `json:"seconds"`
	FilesPerSec  float64 `json:"files_per_sec"`
	MBPerSec     float64 `json:"mb_per_sec"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	Jobs         int     `json:"jobs"`
	Complete     bool    `json:"complete"` // false if the walk was interrupted
	// ParseOnly marks a baseline run (Options.ParseOnly): files and bytes
	// are counted, nothing else was extracted.
	ParseOnly bool               `json:"parse_only,omitempty"`
	Languages map[string]*Counts `json:"languages"`
}

func (s *Summary) add(r *FileResult) {
	s.Counts.add(r)
	if r.Language == "" {
		return // a directory that could not be read
	}
	c := s.Languages[r.Language]
	if c == nil {
		c = &Counts{}
		s.Languages[r.Language] = c
	}
	c.add(r)
}

// LanguageNames returns the languages present, most lines of code first.
func (s *Summary) LanguageNames() []string {
	names := make([]string, 0, len(s.Languages))
	for n := range s.Languages {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := s.Languages[names[i]], s.Languages[names[j]]
		if a.Code != b.Code {
			return a.Code > b.Code
		}
		return names[i] < names[j]
	})
	return names
}
