package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/texttable"
)

func init() {
	app.Register(cli.Command{Name: "symbols", Summary: "search analysed symbols by name (prefix match)", Run: runSymbols})
}

// symbolHit is the JSON shape of one search result.
type symbolHit struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Parent     string `json:"parent,omitempty"`
	Path       string `json:"path"`
	Language   string `json:"language"`
	StartLine  int    `json:"start_line"`
	EndLine    int    `json:"end_line"`
	Complexity int    `json:"complexity,omitempty"`
}

func runSymbols(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hive", "symbols")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hive symbols [flags] QUERY\n\nSearch the symbols stored by `hive analyze`. Each word of QUERY matches the\nstart of a word in a name, words split at underscores and punctuation:\n\"parse file\" finds parse_file_at; a camelCase name is one word, so\n\"parsef\" finds ParseFile.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	dbPath := fs.String("db", "", "database `path` (default $HIVE_DB, else "+store.DefaultPath(func(string) string { return "" })+")")
	limit := fs.Int("limit", 20, "at most this many results")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return exitcode.UsageError("hive symbols: give a QUERY (a name or the start of one)")
	}
	if *limit <= 0 {
		return exitcode.UsageError("hive symbols: --limit %d: want 1 or more", *limit)
	}
	query := strings.Join(pos, " ")

	path := *dbPath
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	hits, err := st.SearchSymbols(ctx, query, *limit)
	if err != nil {
		return err
	}

	if *asJSON {
		out := make([]symbolHit, len(hits))
		for i, h := range hits {
			out[i] = symbolHit{Name: h.Name, Kind: h.Kind, Parent: h.Parent, Path: h.Path, Language: h.Language,
				StartLine: h.StartLine, EndLine: h.EndLine, Complexity: h.Complexity}
		}
		return json.NewEncoder(env.Stdout).Encode(out)
	}
	if len(hits) == 0 {
		fmt.Fprintf(env.Stderr, "no symbol matches %q in %s (has `hive analyze` stored anything there?)\n", query, st.Path())
		return nil
	}
	t := texttable.New("Name", "Kind", "Parent", "Location", "Language")
	for _, h := range hits {
		loc := fmt.Sprintf("%s:%d", h.Path, h.StartLine)
		t.Row(h.Name, h.Kind, h.Parent, loc, h.Language)
	}
	return t.Render(env.Stdout)
}
