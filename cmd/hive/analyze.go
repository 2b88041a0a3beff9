package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/engine/parse"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/texttable"
)

func init() {
	app.Register(cli.Command{Name: "analyze", Summary: "analyze a source tree: languages, lines, symbols, complexity (incremental)", Run: runAnalyze})
}

// analyzeMemoryLimit is hive analyze's default soft limit on Go memory.
const analyzeMemoryLimit = 160 << 20

func runAnalyze(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hive", "analyze")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hive analyze [flags] PATH\n\nAnalyze the Go, C, C++, JavaScript, TypeScript, Python, Rust and Java files under PATH\n(a directory or one file), store the results and print a summary. A rerun only\nparses files that changed since the last run.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	format := fs.String("format", "table", "summary format: table or json")
	filesOut := fs.String("files-out", "", "write one JSON object per file (NDJSON) to this `file`")
	filesOutSymbols := fs.Bool("files-out-symbols", true, "include each file's symbols and imports in --files-out (false: counts, latency and status only, as the harness wants)")
	dbPath := fs.String("db", "", "database `path` (default $HIVE_DB, else "+store.DefaultPath(func(string) string { return "" })+")")
	jobs := fs.Int("jobs", 0, "parse workers (default GOMAXPROCS)")
	maxSize := sizeFlag(parse.DefaultMaxFileSize)
	fs.Var(&maxSize, "max-file-size", "skip files larger than this `size` (bytes, or with a K, M, G, KiB, MiB, GiB suffix; at most 4294967295)")
	gitignore := fs.Bool("gitignore", false, "honour .gitignore files in the tree")
	noCache := fs.Bool("no-cache", false, "parse every file again, even if unchanged since the last run")
	progress := fs.Bool("progress", true, "show progress on stderr: a bar on a terminal, a line every 10 s elsewhere (a log, a pipe, TERM=dumb)")
	parseOnly := fs.Bool("parse-only", false, "baseline mode: walk, read and parse with tree-sitter, extract and store nothing (the reference a full analysis is held to)")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		fs.Usage()
		return exitcode.UsageError("hive analyze: want exactly one PATH, got %d arguments", len(pos))
	case *format != "table" && *format != "json":
		return exitcode.UsageError("hive analyze: --format %q: want table or json", *format)
	case *jobs < 0:
		return exitcode.UsageError("hive analyze: --jobs %d: want 0 (GOMAXPROCS) or more", *jobs)
	}

	opts := parse.Options{Jobs: *jobs, MaxFileSize: int64(maxSize), GitIgnore: *gitignore, NoCache: *noCache, ParseOnly: *parseOnly}
	if !*parseOnly {
		path := *dbPath
		if path == "" {
			path = store.DefaultPath(env.Getenv)
		}
		st, err := store.Open(path)
		if err != nil {
			return err
		}
		defer st.Close()
		opts.Store = st
	}
	var out *ndjson
	if *filesOut != "" {
		f, err := os.Create(*filesOut)
		if err != nil {
			return exitcode.UsageError("hive analyze: --files-out %s: %v", *filesOut, err)
		}
		out = &ndjson{f: f, w: bufio.NewWriterSize(f, 256<<10), brief: !*filesOutSymbols}
		out.enc = json.NewEncoder(out.w)
		opts.OnFile = out.write
	}
	var bar *cli.Progress
	if *progress {
		bar = cli.NewProgress(env, "hive analyze")
		opts.Progress = func(p parse.Progress) {
			if bar.Due() {
				bar.Statusf("%s", progressText(p, bar.Live()))
			}
		}
	}

	if env.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the Go heap, so that the garbage collector's
		// default headroom (twice the live heap) does not set the peak: an
		// unchanged rerun of Chromium holds ~70 MB of stored-file states and
		// peaked at 294 MB without it, 231 MB with a limit. The parsers'
		// memory is C's and not counted. GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(analyzeMemoryLimit)
	}
	sum, runErr := parse.Run(ctx, pos[0], opts)
	if bar != nil {
		bar.Clear()
	}
	if out != nil {
		if err := out.close(); err != nil && runErr == nil {
			runErr = exitcode.InfraError("hive analyze: --files-out %s: %v", *filesOut, err)
		}
	}
	if sum == nil {
		return runErr
	}
	if *format == "json" {
		if err := json.NewEncoder(env.Stdout).Encode(sum); err != nil {
			return err
		}
	} else if err := renderSummary(env.Stdout, sum); err != nil {
		return err
	}
	return runErr
}

type ndjson struct {
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	brief bool // leave out symbols and imports
}

func (n *ndjson) write(r *parse.FileResult) error {
	if n.brief && (r.Symbols != nil || r.Imports != nil) {
		b := *r
		b.Symbols, b.Imports = nil, nil
		return n.enc.Encode(&b)
	}
	return n.enc.Encode(r)
}

func (n *ndjson) close() error {
	err := n.w.Flush()
	if cerr := n.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sizeFlag is a byte count that accepts unit suffixes.
type sizeFlag int64

func (s *sizeFlag) String() string { return strconv.FormatInt(int64(*s), 10) }

func (s *sizeFlag) Set(v string) error {
	n, err := parse.ParseFileSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

func renderSummary(w io.Writer, s *parse.Summary) error {
	t := texttable.New("Language", "Files", "Code", "Comment", "Blank", "Symbols", "Functions", "Syntax errors", "Skipped", "Errors", "Cached").
		AlignRight(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	row := func(name string, c *parse.Counts) []string {
		return []string{name, num(c.Files), num(c.Code), num(c.Comments), num(c.Blanks), num(c.Symbols), num(c.Functions),
			num(c.SyntaxErrors), num(c.Skipped), num(c.Errors), num(c.Cached)}
	}
	for _, name := range s.LanguageNames() {
		t.Row(row(name, s.Languages[name])...)
	}
	t.Footer(row("total", &s.Counts)...)
	if err := t.Render(w); err != nil {
		return err
	}
	state := ""
	if !s.Complete {
		state = " (interrupted: partial results)"
	}
	if s.ParseOnly {
		state += " — parse-only baseline: lines, symbols and errors were not extracted"
	}
	_, err := fmt.Fprintf(w, "%s: %s files, %.1f MB in %.2f s (%.0f files/s, %.1f MB/s), peak RSS %.1f MiB, %d workers, %d removed from the store%s\n",
		s.Root, num(s.Files), float64(s.Bytes)/1e6, s.Seconds, s.FilesPerSec, s.MBPerSec, float64(s.PeakRSSBytes)/(1<<20), s.Jobs, s.Deleted, state)
	return err
}

// num formats an integer with thousands separators.
func num(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + num(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// progressText is the state of a walk: a bar on a live terminal, a
// sentence in a log. The total is not known until the walk ends, so both
// measure results against the files found so far.
func progressText(p parse.Progress, bar bool) string {
	rate := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		rate = float64(p.Done) / s
	}
	if !bar {
		return fmt.Sprintf("%d of %d files found so far, %.0f files/s, %.1f MB", p.Done, p.Found, rate, float64(p.Bytes)/1e6)
	}
	const width = 30
	fill := 0
	if p.Found > 0 {
		fill = int(min(p.Done, p.Found) * width / p.Found)
	}
	return fmt.Sprintf("[%s%s] %d/%d files  %.0f files/s  %.1f MB  %s",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.Done, p.Found, rate, float64(p.Bytes)/1e6, p.Elapsed.Truncate(time.Second))
}
