package probe

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

// tiny is harness/subject/testdata/tiny, built once: a real subject with
// every section of a subject file.
var tiny struct {
	once sync.Once
	path string
	err  error
}

func tinySubject(t *testing.T) *subject.Subject {
	t.Helper()
	tiny.once.Do(func() {
		// Beside the hive binary: TestMain removes both.
		dir := filepath.Join(filepath.Dir(hiveBin), "tiny")
		if tiny.err = os.MkdirAll(dir, 0o755); tiny.err == nil {
			tiny.path, tiny.err = testhive.BuildTinySubject(dir)
		}
	})
	require.NoError(t, tiny.err)
	s, err := subject.Load(tiny.path)
	require.NoError(t, err)
	require.NoError(t, s.Check())
	return s
}

func tinyConfig(t *testing.T, s *subject.Subject) Config {
	return Config{Subject: s, Samples: 2, Concurrent: 4, DBOps: 20, Settle: 50 * time.Millisecond,
		Workload: goSrc(t, "encoding/json"), E2ELatency: mockllm.Latency{TTFT: 2 * time.Millisecond, ITL: time.Millisecond, Tokens: 4}}
}

// Every family measures the tiny subject with the same probes as hive:
// one round each yields exactly the metrics the subject can give, and no
// process of it outlives its session.
func TestSubjectEveryFamily(t *testing.T) {
	s := tinySubject(t)
	bin := filepath.Join(s.Dir, "tiny")
	want := map[string][]string{
		Startup:   {"startup.serve", "startup.version", "startup.first_read", "startup.later_read"},
		Memory:    {"memory.idle_rss", "memory.serve_peak_rss", "memory.analyze_peak_rss"},
		Parsing:   {"parsing.per_file", "parsing.files_per_sec", "parsing.mb_per_sec", "parsing.wall"},
		Consensus: {"consensus.e2e", "consensus.e2e_overhead", "consensus.overhead", "consensus.cache_hit", "consensus.http_floor", "consensus.serve_cpu_per_run", "consensus.c100_serve_cpu", "consensus.overhead_c100"},
		Database:  {"database.cache_put", "database.cache_get"},
	}
	for _, fam := range Families() {
		t.Run(fam, func(t *testing.T) {
			p, err := ByFamily(fam, tinyConfig(t, s))
			require.NoError(t, err)
			var names []string
			for _, m := range p.Metrics() {
				names = append(names, m.Name)
			}
			assert.Equal(t, want[fam], names)
			if fam == Memory {
				// The tiny analyzer stays under the peak-RSS trampoline's
				// own footprint, which the probe refuses as unknowable
				// (proc.PeakRSS); its other memory metrics are measured,
				// and Only keeps the probe from running the analyze.
				cfg := tinyConfig(t, s)
				cfg.Only = []string{"memory.idle_rss", "memory.serve_peak_rss"}
				p, err = ByFamily(fam, cfg)
				require.NoError(t, err)
			}
			sess, err := p.Setup(t.Context(), Target{Name: "tiny", WorkDir: t.TempDir()})
			require.NoError(t, err)
			got, err := sess.Round(t.Context())
			require.NoError(t, err)
			require.NoError(t, sess.Close())
			measured := wanted(p.Metrics(), tinyConfig(t, s).Only)
			if fam == Memory {
				measured = measured[:2]
			}
			for _, m := range measured {
				require.NotEmpty(t, got[m.Name], m.Name)
				for _, v := range got[m.Name] {
					assert.GreaterOrEqual(t, v, 0.0, m.Name)
				}
			}
			assert.Len(t, got, len(measured), "no metric the probe does not declare or was not asked for")
			assertNoneRunning(t, bin)
		})
	}
}

// What a subject cannot give is left out, never reported as a number.
func TestSubjectMetricsFollowTheFile(t *testing.T) {
	base := tinySubject(t)
	openai := *base
	openai.Version = nil
	openai.Analyze = &subject.Analyze{Command: base.Analyze.Command, Files: base.Analyze.Files}
	openai.Consensus = &subject.Consensus{API: subject.APIOpenAI, Path: "/v1/chat/completions", Model: "m"}
	openai.Database = nil
	cases := map[string][]string{
		Startup:   {"startup.serve"},
		Parsing:   {"parsing.files_per_sec", "parsing.wall"},
		Consensus: {"consensus.e2e", "consensus.serve_cpu_per_run", "consensus.c100_serve_cpu"},
		Database:  nil,
	}
	for fam, want := range cases {
		p, err := ByFamily(fam, Config{Subject: &openai})
		require.NoError(t, err)
		var names []string
		for _, m := range p.Metrics() {
			names = append(names, m.Name)
		}
		assert.Equal(t, want, names, fam)
	}
}

// A serve command that is a wrapper with the server as its child would be
// half measured: the memory probe refuses it, naming the cause.
func TestSubjectWrapperRefused(t *testing.T) {
	s := tinySubject(t)
	w := *s
	w.Analyze, w.Consensus = nil, nil
	w.Serve = &subject.Serve{Command: []string{"/bin/sh", "-c", "./tiny serve --port {port}; true"}, Health: "/healthz"}
	p, err := ByFamily(Memory, tinyConfig(t, &w))
	require.NoError(t, err)
	sess, err := p.Setup(t.Context(), Target{Name: "tiny", WorkDir: t.TempDir()})
	require.NoError(t, err)
	defer sess.Close()
	_, err = sess.Round(t.Context())
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "has child processes")
	assert.Contains(t, err.Error(), "not a wrapper")
}

// The subject's counts are checked against what it wrote per file: a
// subject that says it analysed more files than it reports is refused.
func TestSubjectParsingChecksItsCount(t *testing.T) {
	s := tinySubject(t)
	lying := *s
	lying.Analyze = &subject.Analyze{Command: s.Analyze.Command, Files: subject.Extract{Spec: "regex:\"bytes\":(\\d+)"}, PerFile: true}
	p, err := ByFamily(Parsing, tinyConfig(t, &lying))
	require.NoError(t, err)
	sess, err := p.Setup(t.Context(), Target{Name: "tiny", WorkDir: t.TempDir()})
	require.NoError(t, err)
	defer sess.Close()
	_, err = sess.Round(t.Context())
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "analysed files but stdout says")
}
