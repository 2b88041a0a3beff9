package stats_test

import (
	"fmt"

	"github.com/hiveperf/hive/harness/stats"
)

func ExampleSummarize() {
	s := stats.Summarize([]float64{4, 1, 3, 2, 5, 7, 6, 9, 8, 100})
	fmt.Println(s.N, s.P50, s.MAD, s.Outliers)
	fmt.Println(s.MedianCI.Lo <= s.P50 && s.P50 <= s.MedianCI.Hi)
	// Output:
	// 10 5.5 2.5 [9]
	// true
}

func ExampleMannWhitneyU() {
	// scipy.stats.mannwhitneyu's documented example.
	males := []float64{19, 22, 16, 29, 24}
	females := []float64{20, 11, 17, 12}
	u, p := stats.MannWhitneyU(males, females)
	fmt.Printf("U=%v p=%.4f\n", u, p)
	// Output:
	// U=17 p=0.1111
}

func ExampleHolmBonferroni() {
	fmt.Println(stats.HolmBonferroni([]float64{0.01, 0.04, 0.03, 0.005}))
	// Output:
	// [0.03 0.06 0.06 0.02]
}
