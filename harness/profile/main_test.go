package profile

import (
	"fmt"
	"os"
	"testing"

	pprof "github.com/google/pprof/profile"

	"github.com/hiveperf/hive/internal/testhive"
)

// hiveBin is the real hive binary, built once for the package's tests.
var hiveBin string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hive-profile-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(dir)
	if hiveBin, err = testhive.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "profile tests need the real hive binary:", err)
		return 3
	}
	return m.Run()
}

// stack is one sample of a synthetic profile: its value and its frames,
// innermost first; a frame of several names separated by "+" is one
// location with inlined functions (innermost first), and "" a location
// with no line information.
type stack struct {
	value  int64
	frames []string
}

// synthetic builds a profile of one sample type.
func synthetic(typ, unit string, samples ...stack) *pprof.Profile {
	p := &pprof.Profile{SampleType: []*pprof.ValueType{{Type: typ, Unit: unit}}}
	funcs := map[string]*pprof.Function{}
	fn := func(name string) *pprof.Function {
		if f := funcs[name]; f != nil {
			return f
		}
		f := &pprof.Function{ID: uint64(len(funcs) + 1), Name: name}
		funcs[name] = f
		p.Function = append(p.Function, f)
		return f
	}
	for _, s := range samples {
		var locs []*pprof.Location
		for _, frame := range s.frames {
			loc := &pprof.Location{ID: uint64(len(p.Location) + 1), Address: 0x1000 + uint64(len(p.Location))}
			if frame != "" {
				for _, name := range splitInlined(frame) {
					loc.Line = append(loc.Line, pprof.Line{Function: fn(name)})
				}
			}
			p.Location = append(p.Location, loc)
			locs = append(locs, loc)
		}
		p.Sample = append(p.Sample, &pprof.Sample{Location: locs, Value: []int64{s.value}})
	}
	return p
}

func splitInlined(frame string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(frame); i++ {
		if i == len(frame) || frame[i] == '+' {
			out = append(out, frame[start:i])
			start = i + 1
		}
	}
	return out
}
