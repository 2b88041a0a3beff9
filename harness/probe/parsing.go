package probe

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hiveperf/hive/harness/compare"
)

type parsingProbe struct{ cfg Config }

func (p *parsingProbe) Family() string { return Parsing }

func (p *parsingProbe) Metrics() []Metric {
	all := []Metric{
		{Name: "parsing.per_file", Family: Parsing, Unit: "ms/file", Direction: compare.LowerIsBetter,
			Description: "analyze latency of one file (read, hash, parse, queries), over every analysed file of the workload tree",
			Sample:      "latency_us of one analysed file in `hive analyze --files-out`, as timed inside the analyze process"},
		{Name: "parsing.files_per_sec", Family: Parsing, Unit: "files/s", Direction: compare.HigherIsBetter, Independent: true,
			Description: "`hive analyze --no-cache` throughput: analysed files per second of the process's wall time",
			Sample:      "files analysed / (exec → exit) of one analyze process with an empty database"},
		{Name: "parsing.mb_per_sec", Family: Parsing, Unit: "MB/s", Direction: compare.HigherIsBetter, Independent: true,
			Description: "`hive analyze --no-cache` throughput: analysed source bytes (10^6 per MB) per second of the process's wall time",
			Sample:      "bytes analysed / 10^6 / (exec → exit) of one analyze process"},
		{Name: "parsing.wall", Family: Parsing, Unit: "s", Direction: compare.LowerIsBetter, Independent: true,
			Description: "wall time of `hive analyze --no-cache` over the workload, exec to exit",
			Sample:      "exec → exit of one analyze process with an empty database"},
	}
	sub := p.cfg.Subject
	if sub == nil {
		return all
	}
	if sub.Analyze == nil {
		return nil
	}
	// A subject's figures say what they are: its own per-file latencies
	// only if it reports them (wall time ÷ files is a throughput, not a
	// latency: it holds the process's start, walk and warm-up).
	all[0].Description = fmt.Sprintf("analyze latency of one file as subject %s reports it (latency_us of its per-file output), over every analysed file of the workload tree", sub.Name)
	all[0].Sample = "latency_us of one analysed file, as timed inside the subject's analyze process"
	all[1].Description = fmt.Sprintf("subject %s's analyze command: analysed files (its own count) per second of the process's wall time, exec to exit", sub.Name)
	all[2].Description = fmt.Sprintf("subject %s's analyze command: analysed source bytes (10^6 per MB) per second of the process's wall time", sub.Name)
	all[3].Description = fmt.Sprintf("wall time of subject %s's analyze command over the workload, exec to exit", sub.Name)
	var out []Metric
	if sub.Analyze.PerFile {
		out = append(out, all[0])
	}
	out = append(out, all[1])
	if sub.Analyze.PerFile || !sub.Analyze.Bytes.IsZero() {
		out = append(out, all[2])
	}
	return append(out, all[3])
}

func (p *parsingProbe) Setup(ctx context.Context, t Target) (_ Session, err error) {
	b, err := newBase(ctx, p.cfg, t, Parsing)
	if err != nil {
		return nil, err
	}
	s := &parsingSession{base: b, metrics: p.Metrics()}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if s.workload, err = p.cfg.workload(ctx); err != nil {
		return nil, err
	}
	if err := warmUp(ctx, s, p.cfg.WarmupRounds); err != nil {
		return nil, err
	}
	return s, nil
}

type parsingSession struct {
	*base
	metrics  []Metric
	workload string
}

// analyzeSummary is the part of `hive analyze --format json` (engine/parse
// Summary) the probe checks against the per-file lines.
type analyzeSummary struct {
	Files    *int   `json:"files"`
	Bytes    *int64 `json:"bytes"`
	Cached   int    `json:"cached"`
	Complete *bool  `json:"complete"`
}

// fileLine is the part of one --files-out line (engine/parse FileResult)
// the probe reads.
type fileLine struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Cached    bool   `json:"cached"`
	Skipped   string `json:"skipped"`
	Error     string `json:"error"`
	LatencyUS *int64 `json:"latency_us"`
}

// Round runs one `hive analyze --no-cache` over the workload with an empty
// database.
func (s *parsingSession) Round(ctx context.Context) (map[string][]float64, error) {
	ctx, cancel := s.roundCtx(ctx)
	defer cancel()
	if s.sub != nil {
		return s.subjectRound(ctx)
	}
	db, err := s.freshDB("parsing.db")
	if err != nil {
		return nil, err
	}
	files := s.path("files.ndjson")
	spec, err := s.analyzeSpec(db, files)
	if err != nil {
		return nil, err
	}
	stdout := &capped{max: 4 << 20}
	spec.Stdout = stdout
	p, err := s.runToExit(ctx, spec)
	if err != nil {
		return nil, err
	}
	wall := p.ExitedAt().Sub(p.Started).Seconds()
	bad := func(format string, args ...any) error {
		return failure(ctx, p, fmt.Errorf("%s: hive analyze %s: %s", s.label(), s.workload, fmt.Sprintf(format, args...)))
	}
	if stdout.over {
		return nil, bad("--format json printed over %d bytes; want one summary object", stdout.max)
	}
	var sum analyzeSummary
	if err := json.Unmarshal(stdout.buf, &sum); err != nil {
		return nil, bad("--format json output is not a summary object: %v", err)
	}
	switch {
	case sum.Files == nil || sum.Bytes == nil || sum.Complete == nil:
		return nil, bad("the summary lacks files, bytes or complete")
	case !*sum.Complete:
		return nil, bad("the summary says the walk did not complete")
	case sum.Cached != 0:
		return nil, bad("%d files were taken from the cache despite --no-cache", sum.Cached)
	case *sum.Files == 0:
		return nil, bad("no analysable source files under the workload; point Config.Workload at a source tree")
	}

	perFile, bytes, err := ReadFileLatencies(files, false)
	if err != nil {
		return nil, bad("--files-out %s: %v", files, err)
	}
	if len(perFile) != *sum.Files || bytes != *sum.Bytes {
		return nil, bad("--files-out has %d analysed files of %d bytes but the summary says %d files of %d bytes",
			len(perFile), bytes, *sum.Files, *sum.Bytes)
	}
	if err := os.Remove(files); err != nil {
		return nil, failure(ctx, nil, err)
	}
	out := map[string][]float64{
		"parsing.per_file":      perFile,
		"parsing.files_per_sec": {float64(*sum.Files) / wall},
		"parsing.mb_per_sec":    {float64(*sum.Bytes) / 1e6 / wall},
		"parsing.wall":          {wall},
	}
	if err := checkRound(Parsing, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadFileLatencies reads `hive analyze --files-out` NDJSON and returns
// the latency in ms of every analysed file (not skipped, not failed) and
// their total bytes. A line without latency_us is an error, and so is a
// cached file unless allowCached (an unchanged rerun): the numbers would
// not mean what a parse metric says.
func ReadFileLatencies(path string, allowCached bool) ([]float64, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return parseFileLines(f, allowCached)
}

func parseFileLines(r io.Reader, allowCached bool) ([]float64, int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 256<<20) // a generated file with thousands of symbols is one long line
	var out []float64
	var bytes int64
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var fl fileLine
		if err := json.Unmarshal(sc.Bytes(), &fl); err != nil {
			return nil, 0, fmt.Errorf("line %d: %v", line, err)
		}
		if fl.Skipped != "" || fl.Error != "" {
			continue
		}
		switch {
		case fl.Cached && !allowCached:
			return nil, 0, fmt.Errorf("line %d (%s): cached despite --no-cache", line, fl.Path)
		case fl.LatencyUS == nil:
			return nil, 0, fmt.Errorf("line %d (%s): no latency_us field; the binary's --files-out lacks per-file latency", line, fl.Path)
		case *fl.LatencyUS < 0:
			return nil, 0, fmt.Errorf("line %d (%s): negative latency_us %d", line, fl.Path, *fl.LatencyUS)
		}
		out = append(out, float64(*fl.LatencyUS)/1000)
		bytes += fl.Bytes
	}
	return out, bytes, sc.Err()
}

func (s *parsingSession) Close() error { return s.close() }

// capped is a stdout sink that keeps at most max bytes and never blocks or
// fails the writer: a runaway child must not fill the harness's memory.
type capped struct {
	max  int
	buf  []byte
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.buf); room < len(p) {
		c.over = true
		if room > 0 {
			c.buf = append(c.buf, p[:room]...)
		}
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}
