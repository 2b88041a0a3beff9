package load

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestVerdict(t *testing.T) {
	held := ThresholdResult{Threshold: Threshold{Expr: "rate(errors)<0.01"}, OK: true}
	failed := ThresholdResult{Threshold: Threshold{Expr: "p(99)<300ms"}}
	leak := &SoakReport{Verdicts: []SlopeResult{{Series: "rss", Verdict: VerdictNoLeak}, {Series: "heap_alloc", Verdict: VerdictInconclusive}}}
	cases := []struct {
		name        string
		rep         Report
		interrupted bool
		code        int
		want        string
	}{
		{"passed", Report{Complete: true, Thresholds: []ThresholdResult{held}}, false, exitcode.OK, ""},
		{"capped, not interrupted, passed", Report{IncompleteReason: "the request cap was reached", Thresholds: []ThresholdResult{held}}, false, exitcode.OK, ""},
		{"interrupted", Report{IncompleteReason: "interrupted after 1.0s of 1m0s; partial results", Thresholds: []ThresholdResult{failed}}, true, exitcode.Infra,
			"interrupted after 1.0s of 1m0s; partial results (report above is partial)"},
		{"a threshold and the soak failed", Report{Complete: true, Thresholds: []ThresholdResult{held, failed}, Soak: leak}, false, exitcode.Regression,
			"s1 failed: p(99)<300ms, soak"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rep.Scenario.Name = "s1"
			err := c.rep.Verdict(c.interrupted)
			assert.Equal(t, c.code, exitcode.Code(err))
			if c.want != "" {
				require.Error(t, err)
				assert.Equal(t, c.want, err.Error())
			}
		})
	}
}
