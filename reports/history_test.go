package reports

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/history"
)

// historyPoints is a metric's p50 over 8 runs with a 20% step up at the
// fifth, which the default detector finds.
func historyPoints(metric string) []history.Point {
	var pts []history.Point
	for i, v := range []float64{10.1e6, 9.9e6, 10e6, 10.05e6, 12e6, 12.1e6, 11.9e6, 12.05e6} {
		pts = append(pts, history.Point{RunID: int64(i + 1), Date: time.Date(2025, 11, 20+i, 6, 0, 0, 0, time.UTC),
			Commit: fmt.Sprintf("%d%d%d%d%d%d%d%d%d%d%d%d%d%d", i, i, i, i, i, i, i, i, i, i, i, i, i, i), Metric: metric, Unit: "ns", N: 30, P50: v})
	}
	return pts
}

func historyTrend(t *testing.T, metric string, pts []history.Point) history.Trend {
	t.Helper()
	tr, err := history.Analyze(history.DefaultDetector, metric, pts)
	require.NoError(t, err)
	return tr
}

func TestHistoryRenderers(t *testing.T) {
	stepped := historyTrend(t, "startup.serve", historyPoints("startup.serve"))
	require.Len(t, stepped.Steps, 1, "the fixture's step is found")
	flat := historyPoints("database.cache_get")
	for i := range flat {
		flat[i].P50, flat[i].Unit = 150e3, "ns"
	}
	cases := []struct {
		name  string
		write func(w *bytes.Buffer) error
	}{
		{"history-runs.txt", func(w *bytes.Buffer) error {
			return WriteHistoryRuns(w, []history.Run{
				{ID: 2, Date: time.Date(2025, 11, 27, 6, 0, 0, 0, time.UTC), Commit: "2222222bbbbbbbbbbb", Dirty: true, Suite: "ci", Complete: true, Benchmarks: 20},
				{ID: 1, Date: time.Date(2025, 11, 26, 6, 0, 0, 0, time.UTC), Suite: "quick", Benchmarks: 3},
			})
		}},
		{"history-series.txt", func(w *bytes.Buffer) error { return WriteHistorySeries(w, stepped) }},
		{"history-trends.txt", func(w *bytes.Buffer) error {
			return WriteHistoryTrends(w, []history.Trend{historyTrend(t, "database.cache_get", flat), stepped})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, c.write(&b))
			golden(t, c.name, b.Bytes())
		})
	}
}

func TestCommitLabel(t *testing.T) {
	cases := []struct {
		commit string
		dirty  bool
		want   string
	}{
		{"0123456789abcdef0123", false, "0123456789ab"},
		{"abc", true, "abc+dirty"},
		{"", false, "unknown"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, CommitLabel(c.commit, c.dirty))
	}
}
