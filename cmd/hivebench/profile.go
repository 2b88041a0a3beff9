package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hiveperf/hive/harness/launch"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/profiling"
	"github.com/hiveperf/hive/reports"
)

func init() {
	app.Register(cli.Command{
		Name:    "profile",
		Summary: "capture pprof/fgprof profiles of hive while a metric's workload runs; print the top functions",
		Run:     runProfile,
	})
}

const profileUsage = `Usage: hivebench profile METRIC [flags]

Captures profiles of a hive binary while the workload of METRIC (a family or
a metric id: startup, memory, parsing, consensus, database) runs, writes
them to --out and prints the top functions of each (flat and cumulative),
aggregated by function with github.com/google/pprof/profile.

  parsing    hive analyze WORKLOAD --no-cache, profiled through HIVE_* env vars
  database   hive db bench, profiled through HIVE_* env vars
  startup    --runs execs of hive serve to its first /healthz 200, each
             profiled through HIVE_* env vars, merged into one profile
  consensus  hive serve against the in-process mock LLM, driven by
  memory     --concurrency clients for --seconds while /debug/pprof/profile
             and /debug/fgprof are fetched concurrently; heap and allocs from
             /debug/pprof after the load, mutex and block written at exit

With no profile flag, --cpu and --fgprof. With --diff-base, each captured
profile of the same sample type is also diffed against that profile (the
top changes in each function's share of the total).

Flags:
`

// profileKind is one profile hive can write.
type profileKind struct {
	name string // cpu, fgprof, heap, allocs, mutex, block
	env  string // internal/profiling variable
	path string // /debug/ path on hive serve ("" : only through env)
}

var profileKinds = []profileKind{
	{"cpu", profiling.EnvCPU, "/debug/pprof/profile"},
	{"fgprof", profiling.EnvFgprof, "/debug/fgprof"},
	{"heap", profiling.EnvHeap, "/debug/pprof/heap"},
	{"allocs", profiling.EnvAllocs, "/debug/pprof/allocs"},
	// The server sets no mutex or block rate itself; the env variables
	// set it at start and write the profile at exit.
	{"mutex", profiling.EnvMutex, ""},
	{"block", profiling.EnvBlock, ""},
}

type profileFlags struct {
	kinds       map[string]*bool
	out         *string
	diffBase    *string
	top         *int
	hiveBin     *string
	workload    *string
	suiteName   *string
	seconds     *int
	runs        *int
	concurrency *int
	dbOps       *int
}

func runProfile(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "profile")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), profileUsage)
		fs.PrintDefaults()
	}
	pf := profileFlags{kinds: map[string]*bool{}}
	for _, k := range profileKinds {
		pf.kinds[k.name] = fs.Bool(k.name, false, "capture the "+k.name+" profile")
	}
	pf.out = fs.String("out", "profile-out", "`directory` for the profiles")
	pf.diffBase = fs.String("diff-base", "", "baseline `profile` to diff each captured profile of the same sample type against")
	pf.top = fs.Int("top", 15, "functions to print per profile")
	pf.hiveBin = fs.String("hive-bin", defaultHiveBin, "hive `binary` to profile")
	pf.workload = fs.String("workload", "", "source `dir` for parsing (default: the suite's, under GOROOT)")
	pf.suiteName = fs.String("suite", "quick", "`suite` whose workload parsing uses")
	pf.seconds = fs.Int("seconds", 10, "consensus, memory: seconds of load and of the CPU and fgprof capture")
	pf.runs = fs.Int("runs", 20, "startup: execs to profile and merge")
	pf.concurrency = fs.Int("concurrency", 8, "consensus, memory: clients sending requests at once")
	pf.dbOps = fs.Int("ops", 2000, "database: hive db bench --ops")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return exitcode.UsageError("hivebench profile: want one METRIC (startup, memory, parsing, consensus, database or a metric id such as parsing.per_file); got %d arguments", len(pos))
	}
	family, err := profileFamily(pos[0])
	if err != nil {
		return err
	}
	switch {
	case *pf.top < 1:
		return exitcode.UsageError("--top %d: want at least 1 function", *pf.top)
	case *pf.seconds < 1 || *pf.seconds > 600:
		return exitcode.UsageError("--seconds %d: want 1 to 600", *pf.seconds)
	case *pf.runs < 1 || *pf.runs > 1000:
		return exitcode.UsageError("--runs %d: want 1 to 1000", *pf.runs)
	case *pf.concurrency < 1 || *pf.concurrency > 1000:
		return exitcode.UsageError("--concurrency %d: want 1 to 1000", *pf.concurrency)
	case *pf.dbOps < 1 || *pf.dbOps > 1000000:
		return exitcode.UsageError("--ops %d: want 1 to 1000000", *pf.dbOps)
	}
	var kinds []profileKind
	for _, k := range profileKinds {
		if *pf.kinds[k.name] {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		kinds = []profileKind{profileKinds[0], profileKinds[1]}
	}
	var base *profile.Profile
	if *pf.diffBase != "" {
		if base, err = readProfile(*pf.diffBase); err != nil {
			return err
		}
	}
	if _, err := suite.HiveVersion(ctx, "--hive-bin", *pf.hiveBin); err != nil {
		return err
	}
	bin, _ := filepath.Abs(*pf.hiveBin)
	// hive writes the CLI profiles itself, from its own working directory:
	// hand it an absolute path.
	abs, err := filepath.Abs(*pf.out)
	if err != nil {
		return exitcode.UsageError("--out %s: %v", *pf.out, err)
	}
	*pf.out = abs
	if err := os.MkdirAll(*pf.out, 0o755); err != nil {
		return exitcode.UsageError("--out %s: %v", *pf.out, err)
	}
	scratch, err := os.MkdirTemp("", "hivebench-profile-")
	if err != nil {
		return exitcode.InfraError("hivebench profile: scratch directory: %v", err)
	}
	defer os.RemoveAll(scratch)
	c := &capture{pf: pf, bin: bin, family: family, kinds: kinds, scratch: scratch, progress: progressTo(env.Stderr, "hivebench profile")}

	var written []string
	switch family {
	case probe.Parsing:
		written, err = c.parsing(ctx)
	case probe.Database:
		written, err = c.cli(ctx, "db bench", []string{"db", "bench", "--db", filepath.Join(scratch, "bench.db"), "--ops", strconv.Itoa(*pf.dbOps), "--json"})
	case probe.Startup:
		written, err = c.startup(ctx)
	default: // consensus, memory
		written, err = c.serve(ctx)
	}
	if err != nil {
		return err
	}
	for _, path := range written {
		p, err := readProfile(path)
		if err != nil {
			return err
		}
		if err := printTop(env.Stdout, path, p, *pf.top); err != nil {
			return err
		}
		if base != nil {
			printDiff(env.Stdout, *pf.diffBase, base, path, p, *pf.top)
		}
	}
	return nil
}

// profileFamily maps a METRIC argument to its family.
func profileFamily(arg string) (string, error) {
	fam, _, _ := strings.Cut(arg, ".")
	for _, f := range probe.Families() {
		if f == fam {
			if strings.Contains(arg, ".") {
				probes, err := probe.All(probe.Config{})
				if err != nil {
					return "", err
				}
				if _, err := suite.Select(probes, arg); err != nil {
					return "", exitcode.UsageError("hivebench profile: unknown metric %q; want a family (%s) or one of its metric ids, e.g. %s.%s",
						arg, strings.Join(probe.Families(), ", "), f, strings.TrimPrefix(probeMetric(probes, f), f+"."))
				}
			}
			return f, nil
		}
	}
	return "", exitcode.UsageError("hivebench profile: unknown metric %q; want a family (%s) or one of its metric ids", arg, strings.Join(probe.Families(), ", "))
}

// probeMetric is the first metric of family, for examples in messages.
func probeMetric(probes []probe.Probe, family string) string {
	for _, p := range probes {
		if p.Family() == family && len(p.Metrics()) > 0 {
			return p.Metrics()[0].Name
		}
	}
	return family + ".*"
}

// capture is one profiling session.
type capture struct {
	pf       profileFlags
	bin      string
	family   string
	kinds    []profileKind
	scratch  string
	progress suite.Progress
}

// outPath is where a profile of this family and kind is written.
func (c *capture) outPath(kind string) string {
	return filepath.Join(*c.pf.out, c.family+"."+kind+".pprof")
}

// env is the child environment: the harness's minus HIVE_* and API keys,
// an empty config directory, and the profiling variables asked for.
func (c *capture) env(paths map[string]string) []string {
	var extra []string
	for env, path := range paths {
		extra = append(extra, env+"="+path)
	}
	return launch.Env(os.Environ(), filepath.Join(c.scratch, "config"), extra...)
}

func (c *capture) parsing(ctx context.Context) ([]string, error) {
	s, err := suite.Lookup(*c.pf.suiteName)
	if err != nil {
		return nil, exitcode.UsageError("--suite: %v", err)
	}
	if s, err = s.With(suite.Options{Workload: *c.pf.workload}); err != nil {
		return nil, err
	}
	if s, err = s.ResolveWorkload(ctx, []string{probe.Parsing}); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(s.Probe.Workload); err != nil || !fi.IsDir() {
		return nil, exitcode.UsageError("--workload %s is not a directory of source files", s.Probe.Workload)
	}
	return c.cli(ctx, "analyze "+s.Probe.Workload, []string{"analyze", s.Probe.Workload, "--no-cache", "--db", filepath.Join(c.scratch, "analyze.db"), "--format", "json", "--progress=false"})
}

// cli runs one hive command to completion with the profiling variables set.
func (c *capture) cli(ctx context.Context, what string, args []string) ([]string, error) {
	paths := map[string]string{}
	var written []string
	for _, k := range c.kinds {
		paths[k.env] = c.outPath(k.name)
		written = append(written, c.outPath(k.name))
	}
	c.progress("profiling `hive %s` (%s)", what, kindNames(c.kinds))
	if err := c.runToExit(ctx, args, paths); err != nil {
		return nil, err
	}
	return written, checkWritten(written)
}

func (c *capture) runToExit(ctx context.Context, args []string, paths map[string]string) error {
	p, err := proc.Start(ctx, proc.Spec{Path: c.bin, Args: args, Env: c.env(paths), Dir: c.scratch})
	if err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	if err := p.Wait(ctx); err != nil {
		_ = p.Terminate()
		if ctx.Err() != nil {
			return &suite.Interrupted{Cause: context.Cause(ctx)}
		}
		return exitcode.InfraError("hivebench profile: `hive %s` failed (%v)%s", strings.Join(args, " "), err, stderrTail(p))
	}
	return nil
}

// startup execs `hive serve` --runs times to its first 200, each run
// writing its own profiles, and merges them: one start is too short for a
// CPU profile at 100 Hz to say anything.
func (c *capture) startup(ctx context.Context) ([]string, error) {
	runs := *c.pf.runs
	per := map[string][]*profile.Profile{}
	db := filepath.Join(c.scratch, "startup.db")
	c.progress("profiling %d starts of `hive serve` (%s)", runs, kindNames(c.kinds))
	for i := 0; i < runs; i++ {
		paths := map[string]string{}
		for _, k := range c.kinds {
			paths[k.env] = filepath.Join(c.scratch, fmt.Sprintf("run%d.%s.pprof", i, k.name))
		}
		srv, err := c.startServe(ctx, db, "http://127.0.0.1:1/v1", paths)
		if err != nil {
			return nil, err
		}
		if err := stopServe(srv); err != nil {
			return nil, err
		}
		for _, k := range c.kinds {
			p, err := readProfile(paths[k.env])
			if err != nil {
				return nil, exitcode.InfraError("hivebench profile: run %d did not write its %s profile: %v%s", i+1, k.name, err, stderrTail(srv.Process()))
			}
			per[k.name] = append(per[k.name], p)
		}
	}
	var written []string
	for _, k := range c.kinds {
		merged, err := profile.Merge(per[k.name])
		if err != nil {
			return nil, exitcode.InfraError("hivebench profile: merging %d %s profiles: %v", runs, k.name, err)
		}
		if err := writeProfile(c.outPath(k.name), merged); err != nil {
			return nil, err
		}
		written = append(written, c.outPath(k.name))
	}
	return written, nil
}

// serve profiles `hive serve` under consensus load from the mock LLM.
func (c *capture) serve(ctx context.Context) ([]string, error) {
	mock, err := mockllm.New(mockllm.Config{}).Listen(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, exitcode.InfraError("hivebench profile: mock LLM: %v", err)
	}
	defer mock.Shutdown(context.Background())
	atExit := map[string]string{}
	for _, k := range c.kinds {
		if k.path == "" {
			atExit[k.env] = c.outPath(k.name)
		}
	}
	srv, err := c.startServe(ctx, filepath.Join(c.scratch, "serve.db"), mock.BaseURL, atExit)
	if err != nil {
		return nil, err
	}
	defer stopServe(srv)
	secs := *c.pf.seconds
	c.progress("profiling `hive serve` under %d clients for %ds (%s)", *c.pf.concurrency, secs, kindNames(c.kinds))

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	client := &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: *c.pf.concurrency + 4}, Timeout: time.Minute}
	var seq atomic.Int64
	for w := 0; w < *c.pf.concurrency; w++ {
		wg.Go(func() {
			for loadCtx.Err() == nil {
				n := seq.Add(1)
				if err := postConsensus(loadCtx, client, srv.URL, fmt.Sprintf("profile question %d: how does a B-tree split a full node?", n)); err != nil {
					if loadCtx.Err() != nil {
						return
					}
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					// A server that fails fast must not turn the load
					// into a busy loop that the profile then shows.
					select {
					case <-loadCtx.Done():
					case <-time.After(10 * time.Millisecond):
					}
					continue
				}
				ok.Add(1)
			}
		})
	}
	// The CPU and fgprof captures run concurrently with each other and with
	// the load, over the same seconds.
	var written []string
	var mu sync.Mutex
	var capErr error
	var cg sync.WaitGroup
	for _, k := range c.kinds {
		if k.name != "cpu" && k.name != "fgprof" {
			continue
		}
		cg.Go(func() {
			err := fetchProfile(ctx, srv.URL+k.path+"?seconds="+strconv.Itoa(secs), c.outPath(k.name), time.Duration(secs+30)*time.Second)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				capErr = errors.Join(capErr, err)
				return
			}
			written = append(written, c.outPath(k.name))
		})
	}
	if !hasKind(c.kinds, "cpu") && !hasKind(c.kinds, "fgprof") {
		// Nothing times the load: let it run for --seconds anyway, so heap
		// and allocs see a server that has worked.
		select {
		case <-time.After(time.Duration(secs) * time.Second):
		case <-ctx.Done():
		}
	}
	cg.Wait()
	stopLoad()
	wg.Wait()
	client.CloseIdleConnections()
	if ctx.Err() != nil {
		return nil, &suite.Interrupted{Cause: context.Cause(ctx)}
	}
	if capErr != nil {
		return nil, capErr
	}
	if ok.Load() == 0 {
		why, _ := firstErr.Load().(string)
		return nil, exitcode.InfraError("hivebench profile: no consensus request succeeded under load (%d failed; first: %s)%s", failed.Load(), why, stderrTail(srv.Process()))
	}
	c.progress("load: %d consensus runs done, %d failed", ok.Load(), failed.Load())
	for _, k := range c.kinds {
		if k.name == "heap" || k.name == "allocs" {
			if err := fetchProfile(ctx, srv.URL+k.path, c.outPath(k.name), time.Minute); err != nil {
				return nil, err
			}
			written = append(written, c.outPath(k.name))
		}
	}
	if err := stopServe(srv); err != nil {
		return nil, err
	}
	for _, path := range atExit {
		written = append(written, path)
	}
	sort.Strings(written)
	return written, checkWritten(written)
}

func hasKind(kinds []profileKind, name string) bool {
	for _, k := range kinds {
		if k.name == name {
			return true
		}
	}
	return false
}

// startServe starts `hive serve` on a free loopback port and waits for
// its first 200 from /healthz.
func (c *capture) startServe(ctx context.Context, db, llm string, paths map[string]string) (*launch.Server, error) {
	s, err := launch.Start(ctx, launch.Config{Bin: c.bin, DB: db, LLMBaseURL: llm, Env: c.env(paths), Dir: c.scratch})
	if err != nil {
		if ctx.Err() != nil {
			return nil, &suite.Interrupted{Cause: context.Cause(ctx)}
		}
		return nil, fmt.Errorf("hivebench profile: %w", err)
	}
	return s, nil
}

// stopServe sends SIGTERM and waits: the profiles asked for through the
// environment are written as the process exits.
func stopServe(s *launch.Server) error {
	if err := s.Stop(); err != nil {
		return fmt.Errorf("hivebench profile: %w", err)
	}
	return nil
}

// postConsensus runs one consensus request and checks that it succeeded.
func postConsensus(ctx context.Context, client *http.Client, base, question string) error {
	body, _ := json.Marshal(map[string]any{"question": question, "no_cache": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/consensus", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /v1/consensus: %s: %s", resp.Status, truncateString(string(data), 200))
	}
	return nil
}

// fetchProfile GETs a profile from hive serve into path.
func fetchProfile(ctx context.Context, u, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(req)
	if err != nil {
		return exitcode.InfraError("hivebench profile: GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return exitcode.InfraError("hivebench profile: GET %s: %v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return exitcode.InfraError("hivebench profile: GET %s: %s: %s", u, resp.Status, truncateString(string(data), 200))
	}
	if _, err := profile.ParseData(data); err != nil {
		return exitcode.InfraError("hivebench profile: GET %s did not return a profile: %v", u, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	return nil
}

func checkWritten(paths []string) error {
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			return exitcode.InfraError("hivebench profile: %s was not written by hive; does this binary support the HIVE_* profiling variables (internal/profiling)?", p)
		}
	}
	return nil
}

func kindNames(kinds []profileKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

func stderrTail(p *proc.Process) string {
	t := strings.TrimSpace(p.Tail())
	if t == "" {
		return ""
	}
	return "\nlast lines of its stderr:\n  " + strings.ReplaceAll(t, "\n", "\n  ")
}

func truncateString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// readProfile parses a pprof file; a file that is not one is a usage error
// (it is the user's --diff-base) naming it.
func readProfile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, exitcode.UsageError("profile %s: %v", path, err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, exitcode.UsageError("profile %s is not a pprof profile: %v", path, err)
	}
	return p, nil
}

func writeProfile(path string, p *profile.Profile) error {
	f, err := os.Create(path)
	if err != nil {
		return exitcode.UsageError("write profile %s: %v", path, err)
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return exitcode.InfraError("write profile %s: %v", path, err)
	}
	return f.Close()
}

// funcStat is one function's share of a profile.
type funcStat struct {
	name      string
	flat, cum int64
}

// sampleIndex is the sample type a profile is read by: its default, else
// the last one (cpu nanoseconds, fgprof time, mutex delay), as pprof does.
func sampleIndex(p *profile.Profile) int {
	if p.DefaultSampleType != "" {
		for i, st := range p.SampleType {
			if st.Type == p.DefaultSampleType {
				return i
			}
		}
	}
	return len(p.SampleType) - 1
}

// aggregate sums a profile's samples by function: flat is the value of
// samples whose innermost frame is the function, cum of samples with the
// function anywhere on the stack (counted once per sample).
func aggregate(p *profile.Profile) (stats map[string]*funcStat, total int64, typ *profile.ValueType) {
	stats = map[string]*funcStat{}
	if len(p.SampleType) == 0 {
		return stats, 0, &profile.ValueType{}
	}
	idx := sampleIndex(p)
	get := func(name string) *funcStat {
		s := stats[name]
		if s == nil {
			s = &funcStat{name: name}
			stats[name] = s
		}
		return s
	}
	for _, s := range p.Sample {
		if idx >= len(s.Value) {
			continue
		}
		v := s.Value[idx]
		total += v
		seen := map[string]bool{}
		for li, loc := range s.Location {
			for j, ln := range frames(loc) {
				if li == 0 && j == 0 {
					get(ln).flat += v
				}
				if !seen[ln] {
					seen[ln] = true
					get(ln).cum += v
				}
			}
		}
	}
	return stats, total, p.SampleType[idx]
}

// frames are a location's function names, innermost (inlined) first.
func frames(loc *profile.Location) []string {
	if len(loc.Line) == 0 {
		return []string{fmt.Sprintf("0x%x", loc.Address)}
	}
	out := make([]string, len(loc.Line))
	for i, ln := range loc.Line {
		if ln.Function != nil && ln.Function.Name != "" {
			out[i] = ln.Function.Name
		} else {
			out[i] = fmt.Sprintf("0x%x", loc.Address)
		}
	}
	return out
}

// printTop prints the top n functions by flat and by cumulative value.
func printTop(w io.Writer, path string, p *profile.Profile, n int) error {
	stats, total, typ := aggregate(p)
	fmt.Fprintf(w, "\n== %s: %s (%s), total %s, %d distinct stacks ==\n", path, typ.Type, typ.Unit, formatProfileValue(total, typ.Unit), len(p.Sample))
	if total == 0 {
		fmt.Fprintln(w, "(no samples: the workload was too short for this profile, or nothing happened of its kind)")
		return nil
	}
	list := make([]*funcStat, 0, len(stats))
	for _, s := range stats {
		list = append(list, s)
	}
	for _, by := range []string{"flat", "cum"} {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i].flat, list[j].flat
			if by == "cum" {
				a, b = list[i].cum, list[j].cum
			}
			if a != b {
				return a > b
			}
			return list[i].name < list[j].name
		})
		fmt.Fprintf(w, "top %d by %s:\n", n, by)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "flat\tflat%\tcum\tcum%\t\tfunction")
		for _, s := range list[:min(n, len(list))] {
			fmt.Fprintf(tw, "%s\t%.1f%%\t%s\t%.1f%%\t\t%s\n", formatProfileValue(s.flat, typ.Unit), pct(s.flat, total),
				formatProfileValue(s.cum, typ.Unit), pct(s.cum, total), s.name)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// printDiff prints the functions whose share of the total changed most
// between base and head. Shares, not raw values, because two captures of
// different lengths (or load) differ in total for no reason in the code.
func printDiff(w io.Writer, basePath string, base *profile.Profile, headPath string, head *profile.Profile, n int) {
	bs, bt, btyp := aggregate(base)
	hs, ht, htyp := aggregate(head)
	if btyp.Type != htyp.Type || btyp.Unit != htyp.Unit {
		fmt.Fprintf(w, "diff against %s: skipped, it is a %s (%s) profile and %s is %s (%s)\n", basePath, btyp.Type, btyp.Unit, headPath, htyp.Type, htyp.Unit)
		return
	}
	if bt == 0 || ht == 0 {
		fmt.Fprintf(w, "diff against %s: skipped, one of the profiles has no samples\n", basePath)
		return
	}
	type delta struct {
		name         string
		base, head   float64 // flat share, percent
		bflat, hflat int64
	}
	names := map[string]bool{}
	for k := range bs {
		names[k] = true
	}
	for k := range hs {
		names[k] = true
	}
	var ds []delta
	for name := range names {
		d := delta{name: name}
		if s := bs[name]; s != nil {
			d.base, d.bflat = pct(s.flat, bt), s.flat
		}
		if s := hs[name]; s != nil {
			d.head, d.hflat = pct(s.flat, ht), s.flat
		}
		if d.base != d.head {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		a, b := math.Abs(ds[i].head-ds[i].base), math.Abs(ds[j].head-ds[j].base)
		if a != b {
			return a > b
		}
		return ds[i].name < ds[j].name
	})
	fmt.Fprintf(w, "top %d changes of flat share, %s → %s (totals %s → %s):\n", n, basePath, headPath, formatProfileValue(bt, btyp.Unit), formatProfileValue(ht, htyp.Unit))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Δ share\tbase\thead\tbase flat\thead flat\t\tfunction")
	for _, d := range ds[:min(n, len(ds))] {
		fmt.Fprintf(tw, "%+.1f pp\t%.1f%%\t%.1f%%\t%s\t%s\t\t%s\n", d.head-d.base, d.base, d.head,
			formatProfileValue(d.bflat, btyp.Unit), formatProfileValue(d.hflat, htyp.Unit), d.name)
	}
	tw.Flush()
}

func pct(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(v) / float64(total)
}

// formatProfileValue prints a sample value in its unit: times and sizes
// rescaled like every hivebench figure, counts as integers.
func formatProfileValue(v int64, unit string) string {
	switch unit {
	case "nanoseconds":
		return reports.FormatValue(float64(v), "ns")
	case "bytes":
		return reports.FormatValue(float64(v), "B")
	}
	return strconv.FormatInt(v, 10)
}
