package gate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/targets"
)

func result(metric string, v compare.Verdict, delta float64) compare.Result {
	return compare.Result{Metric: metric, Unit: "ms", Base: stats.Summary{N: 10, P50: 1}, Head: stats.Summary{N: 10, P50: 1}, DeltaPct: delta, Verdict: v}
}

// invalidResult is a result whose input was invalid (a side without
// samples): it carries a verdict but compared nothing.
func invalidResult(metric string) compare.Result {
	return compare.Result{Metric: metric, Unit: "ms", Verdict: compare.Inconclusive, Note: "invalid input: metric \"" + metric + "\": head has no samples"}
}

func outcome(metric, bench string, s targets.Status, detail string) targets.Outcome {
	return targets.Outcome{Tier: "hive", Target: targets.Target{Metric: metric}, Benchmark: bench, Status: s, Detail: detail}
}

var (
	budget  = Missing{Name: "database", Why: "no samples on either side: sampling stopped before its first round pair (time budget of 2s reached after 5s)", Code: exitcode.Infra}
	notBase = Missing{Name: "startup.version", Why: "not in the base run main.json", Code: exitcode.Usage}
)

func TestDecide(t *testing.T) {
	same := result("startup.serve", compare.Same, 0.4)
	cases := []struct {
		name      string
		in        Input
		code      int
		msg       string // the whole one-line message; "" when the gate passes
		missing   []string
		compared  int
		regressed []string
	}{
		{"all compared, no change", Input{Results: []compare.Result{same, result("startup.version", compare.Inconclusive, 3)}}, exitcode.OK, "", nil, 2, nil},
		{"regression", Input{Results: []compare.Result{same, result("memory.idle_rss", compare.Regressed, 12.34)}}, exitcode.Regression,
			"FAIL: regressed: memory.idle_rss +12.3%", nil, 2, []string{"memory.idle_rss +12.3%"}},
		{"regression and target missed", Input{Results: []compare.Result{result("startup.serve", compare.Regressed, 20)}, Tier: "hive",
			Outcomes: []targets.Outcome{outcome("startup.serve", "startup.serve", targets.Fail, "startup.serve p95 30 ms, target ≤ 20 ms")}}, exitcode.Regression,
			"FAIL: regressed: startup.serve +20.0%; targets missed (hive): startup.serve p95 30 ms, target ≤ 20 ms", nil, 1, []string{"startup.serve +20.0%"}},
		{"target missed", Input{Results: []compare.Result{same}, Tier: "hive",
			Outcomes: []targets.Outcome{outcome("startup.serve", "startup.serve", targets.Fail, "p95 30 ms")}}, exitcode.Regression,
			"FAIL: targets missed (hive): p95 30 ms", nil, 1, nil},

		// A/B gate on its time budget: the family that got no round pair
		// fails the gate, naming it; --allow-missing lets it pass.
		{"family without samples", Input{Results: []compare.Result{same}, Missing: []Missing{budget}}, exitcode.Infra,
			"FAIL: not compared: database (no samples on either side: sampling stopped before its first round pair (time budget of 2s reached after 5s)); --allow-missing would gate on the rest",
			[]string{"database"}, 1, nil},
		{"family without samples, allowed", Input{Results: []compare.Result{same}, Missing: []Missing{budget}, AllowMissing: true}, exitcode.OK, "", []string{"database"}, 1, nil},
		{"bad input wins over a short measurement", Input{Results: []compare.Result{same}, Missing: []Missing{budget, notBase}}, exitcode.Usage,
			"FAIL: not compared: database (no samples on either side: sampling stopped before its first round pair (time budget of 2s reached after 5s)); startup.version (not in the base run main.json); --allow-missing would gate on the rest",
			[]string{"database", "startup.version"}, 1, nil},
		{"regression with a missing metric is a regression", Input{Results: []compare.Result{result("startup.serve", compare.Regressed, 9)}, Missing: []Missing{budget}}, exitcode.Regression,
			"FAIL: regressed: startup.serve +9.0%; not compared: " + budget.String(), []string{"database"}, 1, []string{"startup.serve +9.0%"}},

		// Compared nothing: fails whatever --allow-missing says.
		{"nothing at all", Input{}, exitcode.Usage, "FAIL: compared nothing: no metric was gated", nil, 0, nil},
		{"everything missing, allowed", Input{Missing: []Missing{notBase}, AllowMissing: true}, exitcode.Usage,
			"FAIL: compared nothing: startup.version (not in the base run main.json)", []string{"startup.version"}, 0, nil},
		{"only results without samples", Input{Results: []compare.Result{invalidResult("startup.serve")}, Missing: []Missing{{Name: "startup.serve", Why: "no samples on a side after 3 round pairs", Code: exitcode.Infra}}, AllowMissing: true}, exitcode.Infra,
			"FAIL: compared nothing: startup.serve (no samples on a side after 3 round pairs)", []string{"startup.serve"}, 0, nil},

		// Targets: one that could not be checked is a missing metric, not a
		// missed target; a tier with no target for the gated metrics
		// checked nothing.
		{"target on a metric head lacks", Input{Results: []compare.Result{same}, Tier: "hive",
			Outcomes: []targets.Outcome{outcome("parsing.per_file", "", targets.Missing, "no parsing.per_file in head.json")}}, exitcode.Infra,
			"FAIL: not compared: parsing.per_file (target parsing.per_file: no parsing.per_file in head.json); --allow-missing would gate on the rest", []string{"parsing.per_file"}, 1, nil},
		{"target that cannot be evaluated", Input{Results: []compare.Result{same}, Tier: "hive",
			Outcomes: []targets.Outcome{outcome("startup.serve", "startup.serve", targets.Missing, "startup.serve cannot be checked: cannot convert ms (time) to MB (bytes)")}}, exitcode.Usage,
			"FAIL: not compared: startup.serve (target startup.serve: startup.serve cannot be checked: cannot convert ms (time) to MB (bytes)); --allow-missing would gate on the rest", []string{"startup.serve"}, 1, nil},
		{"target on a family already missing is listed once", Input{Results: []compare.Result{same}, Tier: "hive", Missing: []Missing{budget},
			Outcomes: []targets.Outcome{outcome("database.*", "", targets.Missing, "no database.* in head.json"), outcome("startup.serve", "startup.serve", targets.Pass, "")}, AllowMissing: true},
			exitcode.OK, "", []string{"database"}, 1, nil},
		{"tier without a target for the gated metrics", Input{Results: []compare.Result{same}, Tier: "wave9"}, exitcode.Usage,
			"FAIL: tier wave9 has no target for any gated metric: nothing was checked against it; gate metrics it has targets for, or drop --tier", nil, 1, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Decide(c.in)
			assert.Equal(t, c.code, exitcode.Code(v.Err))
			assert.Equal(t, c.code == exitcode.OK, v.Pass())
			if c.msg == "" {
				assert.NoError(t, v.Err)
			} else if assert.Error(t, v.Err) {
				assert.Equal(t, c.msg, v.Err.Error())
				assert.NotContains(t, v.Err.Error(), "\n", "one line")
			}
			var names []string
			for _, m := range v.Missing {
				names = append(names, m.Name)
			}
			assert.Equal(t, c.missing, names)
			assert.Equal(t, c.compared, v.Compared)
			assert.Equal(t, c.regressed, v.Regressed)
		})
	}
}

func file(label string, names ...string) *results.File {
	f := &results.File{Source: label, Complete: true}
	for _, n := range names {
		unit := "ms"
		if strings.HasPrefix(n, "memory.") {
			unit = "bytes"
		}
		fam, _ := results.CheckName(n)
		f.Benchmarks = append(f.Benchmarks, results.Benchmark{Name: n, Metric: fam, Unit: unit, Samples: []float64{1}, Summary: stats.Summary{N: 1}})
	}
	return f
}

func TestMissingInFiles(t *testing.T) {
	want := []string{"startup.serve", "startup.version", "memory.idle_rss"}
	all := file("main.json", want...)
	otherUnit := file("odd.json", "startup.serve", "startup.version")
	otherUnit.Benchmarks = append(otherUnit.Benchmarks, results.Benchmark{Name: "memory.idle_rss", Metric: results.Memory, Unit: "ms"})
	compared := []compare.Result{result("startup.serve", compare.Same, 0), result("startup.version", compare.Same, 0), result("memory.idle_rss", compare.Same, 0)}
	cases := []struct {
		name       string
		base, head *results.File
		rs         []compare.Result
		want       []Missing
	}{
		{"all compared", all, all, compared, nil},
		{"empty baseline", file("empty.json"), all, nil, []Missing{
			{"startup.serve", "not in the base run empty.json", exitcode.Usage},
			{"startup.version", "not in the base run empty.json", exitcode.Usage},
			{"memory.idle_rss", "not in the base run empty.json", exitcode.Usage}}},
		{"baseline for other metrics", file("db.json", "database.cache_get"), all, nil, []Missing{
			{"startup.serve", "not in the base run db.json", exitcode.Usage},
			{"startup.version", "not in the base run db.json", exitcode.Usage},
			{"memory.idle_rss", "not in the base run db.json", exitcode.Usage}}},
		{"baseline with few", file("few.json", "startup.serve"), all, compared[:1], []Missing{
			{"startup.version", "not in the base run few.json", exitcode.Usage},
			{"memory.idle_rss", "not in the base run few.json", exitcode.Usage}}},
		{"head without a metric", all, file("head.json", "startup.serve", "startup.version"), compared[:2], []Missing{
			{"memory.idle_rss", "the head run produced no samples", exitcode.Infra}}},
		{"units that do not convert", otherUnit, all, compared[:2], []Missing{
			{"memory.idle_rss", "base is in ms and head in bytes, which do not convert", exitcode.Usage}}},
		{"a result without samples", all, all, []compare.Result{compared[0], compared[1], invalidResult("memory.idle_rss")}, []Missing{
			{"memory.idle_rss", `invalid input: metric "memory.idle_rss": head has no samples`, exitcode.Usage}}},
		{"no base file", nil, all, nil, []Missing{
			{"startup.serve", "not in the base run (none)", exitcode.Usage},
			{"startup.version", "not in the base run (none)", exitcode.Usage},
			{"memory.idle_rss", "not in the base run (none)", exitcode.Usage}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, MissingInFiles(want, c.base, c.head, c.rs))
		})
	}
}

func TestMissingInRounds(t *testing.T) {
	want := []string{"startup.serve", "startup.version", "database.cache_get", "database.cache_put"}
	stop := "time budget of 2s reached after 5s"
	cases := []struct {
		name    string
		pairs   map[string]int
		stopped string
		rs      []compare.Result
		want    []Missing
	}{
		{"every family sampled", map[string]int{"startup": 10, "database": 10}, "", []compare.Result{
			result("startup.serve", compare.Same, 0), result("startup.version", compare.Same, 0),
			result("database.cache_get", compare.Same, 0), result("database.cache_put", compare.Same, 0)}, nil},
		{"budget ran out before database", map[string]int{"startup": 1}, stop, []compare.Result{
			result("startup.serve", compare.Inconclusive, 0), result("startup.version", compare.Inconclusive, 0)}, []Missing{
			{"database", "no samples on either side: sampling stopped before its first round pair (" + stop + ")", exitcode.Infra}}},
		{"a family with zero pairs listed in the map", map[string]int{"startup": 4, "database": 0}, stop, []compare.Result{
			result("startup.serve", compare.Same, 0), result("startup.version", compare.Same, 0)}, []Missing{
			{"database", "no samples on either side: sampling stopped before its first round pair (" + stop + ")", exitcode.Infra}}},
		{"a metric without samples on a side", map[string]int{"startup": 3, "database": 3}, "", []compare.Result{
			result("startup.serve", compare.Same, 0), invalidResult("startup.version"),
			result("database.cache_get", compare.Same, 0)}, []Missing{
			{"startup.version", `no samples on a side after 3 round pairs: invalid input: metric "startup.version": head has no samples`, exitcode.Infra},
			{"database.cache_put", "no samples on a side after 3 round pairs", exitcode.Infra}}},
		{"nothing ran", nil, "", nil, []Missing{
			{"startup", "no samples on either side: no round pair ran", exitcode.Infra},
			{"database", "no samples on either side: no round pair ran", exitcode.Infra}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, MissingInRounds(want, c.pairs, c.stopped, c.rs))
		})
	}
}

func TestCheckBase(t *testing.T) {
	want := []string{"startup.serve", "startup.version"}
	cases := []struct {
		name  string
		base  *results.File
		allow bool
		code  int
		msg   string
	}{
		{"has all", file("main.json", "startup.serve", "startup.version", "memory.idle_rss"), false, exitcode.OK, ""},
		{"lacks one", file("main.json", "startup.serve"), false, exitcode.Usage,
			"FAIL: not compared: startup.version (not in the base run main.json); --allow-missing would gate on the rest"},
		{"lacks one, allowed", file("main.json", "startup.serve"), true, exitcode.OK, ""},
		{"empty", file("empty.json"), true, exitcode.Usage, "FAIL: compared nothing: startup.serve, startup.version (not in the base run empty.json)"},
		{"other metrics", file("db.json", "database.cache_get"), true, exitcode.Usage, "FAIL: compared nothing: startup.serve, startup.version (not in the base run db.json)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckBase(want, c.base, c.allow)
			assert.Equal(t, c.code, exitcode.Code(err))
			if c.msg != "" {
				require.Error(t, err)
				assert.Equal(t, c.msg, err.Error())
			}
		})
	}
}

func TestPassLine(t *testing.T) {
	cases := []struct {
		name string
		in   Input
		want string
	}{
		{"everything compared", Input{Results: []compare.Result{result("startup.serve", compare.Same, 1), result("memory.idle_rss", compare.Improved, -3)}},
			"PASS (2 metrics; reports in gate-out)"},
		{"missing allowed", Input{Results: []compare.Result{result("startup.serve", compare.Same, 1), invalidResult("memory.idle_rss")},
			Missing: []Missing{{Name: "memory.idle_rss", Why: "no samples in head"}}, AllowMissing: true},
			"PASS (1 metrics; not compared, allowed by --allow-missing: memory.idle_rss (no samples in head); reports in gate-out)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Decide(c.in)
			require.True(t, v.Pass(), "%v", v.Err)
			assert.Equal(t, c.want, v.PassLine(len(c.in.Results), "reports in gate-out"))
		})
	}
}

// In a two-file gate both files are input: a metric head lacks is bad
// input (exit 2), named as not in the head file.
func TestMissingInPair(t *testing.T) {
	want := []string{"hyperfine.a", "hyperfine.b"}
	base := file("base.json", want...)
	head := file("head.json", "hyperfine.a")
	rs := []compare.Result{result("hyperfine.a", compare.Same, 0)}
	assert.Equal(t, []Missing{{"hyperfine.b", "not in the head file head.json", exitcode.Usage}}, MissingInPair(want, base, head, rs))
	assert.Equal(t, []Missing{{"hyperfine.b", "the head run produced no samples", exitcode.Infra}}, MissingInFiles(want, base, head, rs),
		"a gate that measured head itself still calls it a measurement that fell short")
	noTest := compare.Result{Metric: "hyperfine.b", Unit: "ms", Verdict: compare.Inconclusive, Aggregates: true, Note: "aggregates only, and the number of samples behind them was not reported: no test is possible"}
	full := file("head.json", want...)
	assert.Equal(t, []Missing{{"hyperfine.b", noTest.Note, exitcode.Usage}}, MissingInPair(want, base, full, append(rs, noTest)))
}
