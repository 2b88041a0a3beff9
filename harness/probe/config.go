package probe

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Config shapes every probe. Zero fields take the defaults below; All and
// ByFamily validate it and refuse a bad field with a usage error that names
// the field.
type Config struct {
	// Samples is how many samples of a many-sample metric one round takes:
	// startup execs (of each command), consensus requests of each kind.
	// Default 10.
	Samples int
	// WarmupRounds are run and discarded by Setup (default 0: none). The
	// first round after Setup is often colder than the rest (page cache,
	// the binary's pages), so a gate usually wants 1.
	WarmupRounds int
	// WarmupExecs are the execs discarded at the start of every startup
	// round (default 1; -1 for none): the first exec after the other
	// binary of an A/B pair ran pays for page faults the rest do not.
	WarmupExecs int

	// Workload is the source tree `hive analyze` reads (parsing, and the
	// memory probe's analyze). Default: $(go env GOROOT)/src, or with
	// Quick its src/net subtree.
	Workload string
	// Quick picks the small default workload (GOROOT/src/net, ~400 files)
	// so that `make bench` stays short. Ignored when Workload is set.
	Quick bool
	// Jobs is `hive analyze --jobs` (0: the binary's default, GOMAXPROCS).
	Jobs int

	// OverheadLatency is the mock LLM's latency model behind
	// consensus.overhead, consensus.cache_hit, consensus.overhead_c100 and
	// the memory probe's load. Default zero latency (16-token replies): the
	// engine's own time is then most of the run.
	OverheadLatency mockllm.Latency
	// E2ELatency is the mock LLM's latency model behind consensus.e2e.
	// Default DefaultE2ELatency.
	E2ELatency mockllm.Latency
	// Profile is the consensus profile requested ("" : the binary's
	// default, which is "balanced" unless Target.Env sets a config).
	Profile string
	// Concurrent is the number of simultaneous runs of
	// consensus.overhead_c100 and of the memory probe's load. Default 100.
	Concurrent int

	// DBOps is `hive db bench --ops`: samples per store operation per
	// round. Default 200.
	DBOps int
	// DBOpNames are the operations the database probe reports, as named in
	// `hive db bench --json` (metric database.<name>). Default
	// DefaultDBOps. A name the binary does not report is an error.
	DBOpNames []string

	// ReadyTimeout bounds exec → first 200 of `hive serve`. Default 30s.
	ReadyTimeout time.Duration
	// RunTimeout bounds a command that runs to completion (`hive version`,
	// `hive analyze`, `hive db bench`) and one batch of consensus
	// requests. Default 30 min: a full GOROOT analyze on a loaded small
	// machine takes minutes.
	RunTimeout time.Duration
	// RequestTimeout bounds one HTTP request to `hive serve`. Default 2 min.
	RequestTimeout time.Duration
	// Settle is how long an idle `hive serve` sits after ready before its
	// RSS is read, so lazy initialisation and the first GC have happened.
	// Default 500ms.
	Settle time.Duration
	// StopGrace is SIGTERM → SIGKILL for every process. Default 15s.
	StopGrace time.Duration

	// Subject, when set, is what every probe drives instead of the hive
	// binary of Target.HiveBin (which is then unused): another
	// implementation, described by a subject file (harness/subject). The
	// probes take the same samples the same way; a metric the subject
	// cannot yield (no version command, no per-file latencies, an OpenAI
	// endpoint that reports no overhead) is left out of Metrics, and a
	// family whose section the file lacks has no metrics at all.
	Subject *subject.Subject
	// Only, when not empty, names the metrics the caller keeps (--metrics);
	// a probe may skip the work of the others. The memory probe does (its
	// analyze and its load are most of a round, and a subject's analyze
	// may be one that cannot be measured). Metrics still lists them all.
	Only []string
}

// DefaultDBOps are the store operations of `hive db bench`.
var DefaultDBOps = []string{"insert_message", "read_conversation", "cache_put", "cache_get", "upsert_file_50_symbols", "search_symbols", "record_run"}

// DefaultE2ELatency is the declared upstream of consensus.e2e: a fast
// hosted model (TTFT 20 ms, 1 ms between tokens, 40-token replies), about
// 4 × (20 + 39 × 1) = 236 ms of upstream per four-stage run. consensus.e2e
// is that declared upstream plus the engine's own time; the engine's part
// alone is consensus.overhead. Reports must state the declared model beside
// any e2e figure: against real LLMs e2e is dominated by the provider.
var DefaultE2ELatency = mockllm.Latency{TTFT: 20 * time.Millisecond, ITL: time.Millisecond, Tokens: 40}

// resolve applies defaults, resolves the workload and validates.
func (c Config) resolve() (Config, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Samples, 10)
	def(&c.WarmupExecs, 1)
	def(&c.Concurrent, 100)
	def(&c.DBOps, 200)
	defDur(&c.ReadyTimeout, 30*time.Second)
	defDur(&c.RunTimeout, 30*time.Minute)
	defDur(&c.RequestTimeout, 2*time.Minute)
	defDur(&c.Settle, 500*time.Millisecond)
	defDur(&c.StopGrace, 15*time.Second)
	if c.E2ELatency == (mockllm.Latency{}) {
		c.E2ELatency = DefaultE2ELatency
	}
	if c.Subject != nil && c.Subject.Database != nil {
		c.DBOpNames = append([]string(nil), c.Subject.Database.Ops...)
	}
	if len(c.DBOpNames) == 0 {
		c.DBOpNames = append([]string(nil), DefaultDBOps...)
	}

	bad := func(field string, v any, want string) error {
		return exitcode.UsageError("probe config: %s is %v; %s", field, v, want)
	}
	switch {
	case c.Samples < 1 || c.Samples > 100000:
		return c, bad("Samples", c.Samples, "want 1 to 100000 samples per round")
	case c.WarmupRounds < 0 || c.WarmupRounds > 100:
		return c, bad("WarmupRounds", c.WarmupRounds, "want 0 to 100")
	case c.WarmupExecs < -1 || c.WarmupExecs > 100:
		return c, bad("WarmupExecs", c.WarmupExecs, "want 0 to 100, or -1 for none")
	case c.Jobs < 0:
		return c, bad("Jobs", c.Jobs, "want 0 (the binary's default) or more")
	case c.Concurrent < 1 || c.Concurrent > 1000:
		return c, bad("Concurrent", c.Concurrent, "want 1 to 1000 simultaneous runs")
	case c.DBOps < 1 || c.DBOps > 1000000:
		return c, bad("DBOps", c.DBOps, "want 1 to 1000000 (the range of hive db bench --ops)")
	}
	for name, d := range map[string]time.Duration{"ReadyTimeout": c.ReadyTimeout, "RunTimeout": c.RunTimeout,
		"RequestTimeout": c.RequestTimeout, "Settle": c.Settle, "StopGrace": c.StopGrace} {
		if d < 0 {
			return c, bad(name, d, "want a positive duration such as 30s")
		}
	}
	for i, op := range c.DBOpNames {
		if !validOp(op) {
			return c, bad(fmt.Sprintf("DBOpNames[%d]", i), fmt.Sprintf("%q", op), "want an operation name of hive db bench in lower case, e.g. insert_message")
		}
	}
	for field, l := range map[string]mockllm.Latency{"OverheadLatency": c.OverheadLatency, "E2ELatency": c.E2ELatency} {
		if err := (mockllm.Config{Latency: l}).Validate(); err != nil {
			return c, exitcode.UsageError("probe config: %s: %v", field, err)
		}
	}
	if c.WarmupExecs == -1 {
		c.WarmupExecs = 0
	}
	return c, nil
}

func validOp(op string) bool {
	if op == "" {
		return false
	}
	for _, r := range op {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// workload returns the tree to analyze, checked to be a directory. It is
// resolved when a probe that needs it is set up, not when the Config is
// built, so that probes which do not read a workload do not need a Go
// toolchain.
func (c Config) workload(ctx context.Context) (string, error) {
	if c.Workload != "" {
		return checkDir("Workload", c.Workload)
	}
	root, err := goroot(ctx)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "src")
	if c.Quick {
		dir = filepath.Join(dir, "net")
	}
	return checkDir("Workload (default: GOROOT/src)", dir)
}

func checkDir(field, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", exitcode.UsageError("probe config: %s %q: %v", field, dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", exitcode.UsageError("probe config: %s %q: %v; want a directory of source files", field, dir, err)
	}
	if !fi.IsDir() {
		return "", exitcode.UsageError("probe config: %s %q is not a directory; want a directory of source files", field, dir)
	}
	return abs, nil
}

// goroot finds the local Go tree: `go env GOROOT` (what the toolchain on
// PATH uses), else $GOROOT, else the tree this binary was built from.
func goroot(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output(); err == nil {
		if r := strings.TrimSpace(string(out)); r != "" {
			return r, nil
		}
	}
	if r := os.Getenv("GOROOT"); r != "" {
		return r, nil
	}
	//lint:ignore SA1019 a last resort; go env GOROOT above is the real answer.
	if r := runtime.GOROOT(); r != "" {
		return r, nil
	}
	return "", exitcode.UsageError("probe config: Workload is empty and no Go tree was found (no `go` on PATH, no GOROOT); set Workload to a source directory")
}
