package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// importerData is the real tool output the importers are tested on.
const importerData = "../../harness/importers/testdata/"

// importTo runs hivebench import and returns the results file it wrote.
func importTo(t *testing.T, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	_, stderr, code := run(t, append(append([]string{"import"}, args...), "--out", out)...)
	require.Equal(t, exitcode.OK, code, stderr)
	return out
}

func gatePair(t *testing.T, base, head string, extra ...string) (stdout, stderr string, code int, out string) {
	t.Helper()
	out = t.TempDir()
	stdout, stderr, code = run(t, append([]string{"gate", "--base-file", base, "--head-file", head, "--out", out}, extra...)...)
	return stdout, stderr, code, out
}

// Acceptance (issue 17): two hyperfine exports of sleep 0.010 and sleep
// 0.012, 30 runs each, imported and gated, fail naming the regression;
// the same export against itself passes.
func TestGateFilesHyperfine(t *testing.T) {
	base := importTo(t, "hyperfine", importerData+"hyperfine-sleep-0.010.json", "--name", "sleep")
	head := importTo(t, "hyperfine", importerData+"hyperfine-sleep-0.012.json", "--name", "sleep")

	_, stderr, code, out := gatePair(t, base, head)
	assert.Equal(t, exitcode.Regression, code, stderr)
	assert.Contains(t, stderr, "FAIL: regressed: hyperfine.sleep +18.4%")
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| hyperfine.sleep | 13.6 ms | 16.1 ms | +18.4% |")
	assert.FileExists(t, filepath.Join(out, "junit.xml"))
	assert.FileExists(t, filepath.Join(out, "report.html"))

	_, stderr, code, _ = gatePair(t, base, base)
	assert.Equal(t, exitcode.OK, code, stderr)
	assert.Contains(t, stderr, "PASS (1 metrics")

	// Named by their commands, the two exports share nothing.
	b0 := importTo(t, "hyperfine", importerData+"hyperfine-sleep-0.010.json")
	h0 := importTo(t, "hyperfine", importerData+"hyperfine-sleep-0.012.json")
	_, stderr, code, _ = gatePair(t, b0, h0)
	assert.Equal(t, exitcode.Usage, code, stderr)
	assert.Contains(t, stderr, "share no metric: nothing to gate (base has hyperfine.sleep_0_010; head has hyperfine.sleep_0_012)")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %s", stderr)
}

// Acceptance (issue 17): go test -bench output of one package before and
// after an artificial 20% slowdown, imported and gated: exit 1; A/A: 0.
// testdata/gotest-checksum-*.txt are recorded (see testdata/README.md).
func TestGateFilesGoTest(t *testing.T) {
	before := importTo(t, "gotest", "testdata/gotest-checksum-before.txt")
	after := importTo(t, "gotest", "testdata/gotest-checksum-after.txt")
	_, stderr, code, _ := gatePair(t, before, after)
	assert.Equal(t, exitcode.Regression, code, stderr)
	assert.Contains(t, stderr, "FAIL: regressed: gobench.sum +")

	_, stderr, code, _ = gatePair(t, before, before)
	assert.Equal(t, exitcode.OK, code, stderr)
	_, stderr, code, _ = gatePair(t, after, after)
	assert.Equal(t, exitcode.OK, code, stderr)
}

func TestGateFilesK6(t *testing.T) {
	points := importTo(t, "k6", importerData+"k6-out.ndjson")
	_, stderr, code, _ := gatePair(t, points, points)
	assert.Equal(t, exitcode.OK, code, stderr)

	// k6's summary has no counts: no test is possible, so the gate
	// compares nothing and fails, saying why.
	summary := importTo(t, "k6", importerData+"k6-handlesummary.json")
	_, stderr, code, _ = gatePair(t, summary, summary, "--metrics", "k6.http_req_duration")
	assert.Equal(t, exitcode.Usage, code, stderr)
	assert.Contains(t, stderr, "FAIL: compared nothing: k6.http_req_duration (aggregates only, and the number of samples behind them was not reported: no test is possible (median +0.0%))")

	// With counts (--summary-trend-stats with count), aggregates decide
	// when the ranges are apart, and the report says what it rests on.
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	b := importTo(t, "k6", write("b.json", `{"metrics":{"http_req_duration":{"avg":10,"min":9,"med":10,"max":11,"p(95)":10.8,"count":40}}}`))
	h := importTo(t, "k6", write("h.json", `{"metrics":{"http_req_duration":{"avg":14,"min":13,"med":14,"max":15,"p(95)":14.8,"count":40}}}`))
	stdout, stderr, code, out := gatePair(t, b, h, "--format", "md")
	assert.Equal(t, exitcode.Regression, code, stderr)
	assert.Contains(t, stderr, "FAIL: regressed: k6.http_req_duration +40.0%")
	assert.Contains(t, stdout, "rest on aggregates")
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "every head value is beyond every base value by more than 5%")
	_, stderr, code, _ = gatePair(t, b, b)
	assert.Equal(t, exitcode.OK, code, "overlapping ranges are inconclusive, a pass: %s", stderr)
}

// The fail-closed refusals: each exit 2, one line.
func TestGateFilesRefuses(t *testing.T) {
	hf := importTo(t, "hyperfine", importerData+"hyperfine-sleep-0.010.json", "--name", "sleep")
	failed := importTo(t, "hyperfine", importerData+"hyperfine-ignore-failure.json", "--name", "sleep")
	gotest := importTo(t, "gotest", "testdata/gotest-checksum-before.txt")
	two := importTo(t, "hyperfine", importerData+"hyperfine-parameters.json", "--name", "sleep,other")
	run := testRun(t)
	otherTree := variant(t, run, "other.json", func(m map[string]any) {
		w := m["workload"].(map[string]any)
		w["hash"] = "sha256:" + strings.Repeat("ab", 32)
		w["files"] = 9999.0
	})
	otherSubject := variant(t, run, "typescript.json", func(m map[string]any) {
		m["subject"] = map[string]any{"name": "typescript", "file": "s.yaml", "sha256": strings.Repeat("cd", 32)}
	})
	cases := []struct {
		name       string
		base, head string
		extra      []string
		want       string
	}{
		{"different subjects", run, otherSubject, nil, "(subject hive) against " + otherSubject + " (subject typescript): two implementations are not a change"},
		{"incomplete head", hf, failed, nil, `head: results ` + failed + ` are incomplete (3 of 3 runs of "false" exited non-zero`},
		{"incomplete base", failed, hf, nil, "base: results " + failed + " are incomplete"},
		{"different sources", gotest, hf, nil, "they were not imported from the same source"},
		{"different workloads", run, otherTree, nil, "different workloads"},
		{"a base metric head lacks", two, hf, nil, "FAIL: not compared: hyperfine.other (not in the head file " + hf + ")"},
		{"metrics only one side has", hf, two, []string{"--metrics", "hyperfine.other"}, `--metrics: "hyperfine.other" is in ` + two + ` but not in ` + hf},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code, _ := gatePair(t, c.base, c.head, c.extra...)
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
	for name, bf := range badFiles(t, hf) {
		t.Run("bad file: "+name, func(t *testing.T) {
			_, stderr, code, _ := gatePair(t, hf, bf.path)
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, bf.want)
		})
	}
}

func TestGateFilesUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--base-file", "a.json"}, "two-file mode needs both --base-file and --head-file"},
		{[]string{"--base-file", "a.json", "--head-file", "b.json", "--base-bin", hiveBin}, "drop --base-bin"},
		{[]string{"--base-file", "a.json", "--head-file", "b.json", "--baseline", "main"}, "drop --base-bin, --head-bin, --baseline"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, append([]string{"gate"}, c.args...)...)
		assert.Equal(t, exitcode.Usage, code, stderr)
		assert.Contains(t, stderr, c.want)
	}
}
