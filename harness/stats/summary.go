package stats

// Summary is the descriptive statistics of one metric's raw samples, as it
// is stored in results files (see ARCHITECTURE.md, "Results format").
// This type is a contract shared with harness/results and reports.
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P95    float64 `json:"p95"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	MAD    float64 `json:"mad"` // median absolute deviation, unscaled
	// MedianCI is the bootstrap confidence interval of the median.
	MedianCI Interval `json:"median_ci"`
	// Outliers are the indexes of samples whose MAD z-score exceeds the
	// threshold; they are flagged, never dropped.
	Outliers []int `json:"outliers,omitempty"`
}

// Interval is a confidence interval at Level (e.g. 0.95).
type Interval struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"`
}
