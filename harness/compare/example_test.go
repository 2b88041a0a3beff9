package compare_test

import (
	"fmt"

	"github.com/hiveperf/hive/harness/compare"
)

func ExampleCompare() {
	// Startup times in ms: the head run is about 15% slower.
	base := []float64{101, 99, 100, 102, 98, 100, 101, 99, 103, 100, 97, 100}
	head := []float64{116, 114, 115, 117, 113, 115, 116, 114, 118, 115, 112, 115}

	r := compare.Compare("startup", "ms", base, head, compare.Policy{Threshold: 5})
	fmt.Println(r.Verdict)
	fmt.Printf("%+.0f%%\n", r.DeltaPct)
	fmt.Println(compare.Pass([]compare.Result{r}))
	// Output:
	// regressed
	// +15%
	// false
}

func ExampleSequential_Next() {
	s := compare.Sequential{Initial: 10, Max: 160}
	undecided := compare.Result{Verdict: compare.Inconclusive}
	undecided.Base.N, undecided.Head.N = 40, 40

	done, more := s.Next([]compare.Result{undecided})
	fmt.Println(done, more)
	// Output:
	// false 40
}
