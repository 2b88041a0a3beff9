package results

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseUnit feeds arbitrary unit strings (as a results file, a
// targets file or an import would hold them) to ParseUnit, Convert and
// Compatible. Nothing panics; a refusal lists the units that would do; an
// accepted unit keeps its spelling and has a dimension and a positive,
// finite scale; Compatible agrees with whether Convert succeeds; a value
// converted to a unit of the same dimension and back is itself (to
// rounding), and to its own unit, exactly itself.
func FuzzParseUnit(f *testing.F) {
	// Units of real results files, targets.yaml and go test -bench output.
	for _, u := range []string{
		"ns", "us", "µs", "ms", "s", "B", "bytes", "KB", "MB", "GB", "KiB", "MiB", "GiB", "x",
		"ms/file", "ns/op", "B/op", "allocs/op", "files/s", "MB/s", "ops/s", "requests/s", "tokens/s",
		"", "/", "ms/", "/s", "s/s", "MB/ms", "files/file", "ms / file", "furlongs", "ms/file/s",
	} {
		f.Add(u, "ms", 12.5)
	}
	f.Add("GiB/ns", "KB/s", 1e-3)
	f.Add("files/s", "files/ms", -3.0)
	f.Fuzz(func(t *testing.T, a, b string, v float64) {
		ua, errA := ParseUnit(a)
		ub, errB := ParseUnit(b)
		for _, p := range []struct {
			s   string
			u   Unit
			err error
		}{{a, ua, errA}, {b, ub, errB}} {
			if p.err != nil {
				if !strings.Contains(p.err.Error(), "use one of: ") {
					t.Fatalf("refusal of %q does not list the known units: %v", p.s, p.err)
				}
				continue
			}
			if p.u.Name != p.s || p.u.Dim == "" || !(p.u.Scale > 0) || math.IsInf(p.u.Scale, 0) {
				t.Fatalf("ParseUnit(%q) = %+v: want its name, a dimension and a positive finite scale", p.s, p.u)
			}
		}
		_, convErr := Convert(v, a, b)
		if ok := Compatible(a, b); ok != (convErr == nil) {
			t.Fatalf("Compatible(%q, %q) = %v but Convert says %v", a, b, ok, convErr)
		}
		if errA != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if got, err := Convert(v, a, a); err != nil || got != v {
			t.Fatalf("Convert(%v, %q, %q) = %v, %v; want %v", v, a, a, got, err, v)
		}
		if convErr != nil || v == 0 || math.Abs(v) > 1e200 || math.Abs(v) < 1e-200 {
			return
		}
		there, _ := Convert(v, a, b)
		back, err := Convert(there, b, a)
		if err != nil || math.Abs(back-v) > 1e-12*math.Abs(v) {
			t.Fatalf("%v %s → %v %s → %v %s, %v: not a round trip", v, a, there, b, back, a, err)
		}
	})
}
