package replay

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/workloads"
)

// A replay's results file is held to the targets exactly as the replay
// itself: the merge checks merged shards from their file alone.
func TestCheckResultsAgreesWithCheck(t *testing.T) {
	rep, err := Measure(context.Background(), tinyTree(t), Options{HiveBin: needHive(t), WorkDir: t.TempDir(), Runs: 2})
	require.NoError(t, err)
	for _, tg := range []workloads.Targets{
		{ColdWallMax: time.Hour, WarmWallMax: time.Hour, PeakRSSMax: 1 << 40, PerFileP50Max: time.Hour, PerFileP99Max: time.Hour, FilesPerSecMin: 0.001},
		{ColdWallMax: time.Nanosecond, WarmWallMax: time.Nanosecond, PerFileP50Max: time.Nanosecond, PerFileP99Max: time.Nanosecond, FilesPerSecMin: 1e12},
	} {
		want := rep.Check(tg)
		got := CheckResults(rep.Results(), tg)
		require.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, want[i].OK, got[i].OK, want[i].Target)
			assert.Equal(t, want[i].Missing, got[i].Missing, want[i].Target)
			assert.Equal(t, want[i].Target, got[i].Target)
		}
	}
}
