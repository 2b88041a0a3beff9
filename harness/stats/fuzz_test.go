package stats

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"
)

// floatsFrom reinterprets every 8 bytes as a float64, so the fuzzer reaches
// NaN, ±Inf, subnormals, ±0 and huge magnitudes.
func floatsFrom(b []byte) []float64 {
	x := make([]float64, len(b)/8)
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return x
}

func seedBytes(xs ...float64) []byte {
	b := make([]byte, 8*len(xs))
	for i, v := range xs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}

// Whatever the samples, the statistics never panic, a Summary is always
// storable as JSON, and the invariants of a valid Summary hold.
func FuzzStatistics(f *testing.F) {
	f.Add(seedBytes(1, 2, 3), seedBytes(4, 5))
	f.Add(seedBytes(math.NaN()), seedBytes(1))
	f.Add(seedBytes(-math.MaxFloat64, math.MaxFloat64, 0), seedBytes(math.SmallestNonzeroFloat64))
	f.Add(seedBytes(7, 7, 7, 7), seedBytes(7, 7))
	f.Add([]byte{}, seedBytes(1))
	f.Fuzz(func(t *testing.T, ab, bb []byte) {
		a, b := floatsFrom(ab), floatsFrom(bb)
		s := Summarize(a, Resamples(50))
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("Summary not storable: %v", err)
		}
		if Validate(a) == nil && len(a) > 0 {
			if s.N != len(a) {
				t.Fatalf("N = %d, want %d", s.N, len(a))
			}
			if !(s.Min <= s.P50 && s.P50 <= s.Max && s.MedianCI.Lo <= s.P50 && s.P50 <= s.MedianCI.Hi) {
				t.Fatalf("order violated: %+v", s)
			}
		}
		if _, p := MannWhitneyU(a, b); !math.IsNaN(p) && (p < 0 || p > 1) {
			t.Fatalf("p = %v outside [0, 1]", p)
		}
		ci, err := RatioCI(a, b, 0.9, 50, 1)
		if err == nil && (math.IsNaN(ci.Lo) || math.IsNaN(ci.Hi) || ci.Lo > ci.Hi) {
			t.Fatalf("bad ratio CI %+v", ci)
		}
		for _, v := range HolmBonferroni(b) {
			if math.IsNaN(v) || v > 1 {
				t.Fatalf("adjusted p %v", v)
			}
		}
	})
}
