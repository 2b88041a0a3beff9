package profile

import (
	"fmt"
	"sort"

	pprof "github.com/google/pprof/profile"
)

// FuncStat is one function's part of a profile, in the profile's unit.
type FuncStat struct {
	Name      string
	Flat, Cum int64
}

// Top is a profile summarized by function.
type Top struct {
	Path       string
	Type, Unit string // the sample type read (see the package doc)
	Total      int64
	Stacks     int // distinct stacks: the profile's samples
	// N is how many functions were asked for; ByFlat and ByCum hold at most
	// N, sorted by flat and by cumulative value, largest first, ties by
	// name.
	N             int
	ByFlat, ByCum []FuncStat
}

// Share is v as a percentage of total; 0 for a zero total.
func Share(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(v) / float64(total)
}

// Summarize returns the top n functions of p (read from path) by flat and by
// cumulative value.
func Summarize(path string, p *pprof.Profile, n int) Top {
	stats, total, typ := aggregate(p)
	t := Top{Path: path, Type: typ.Type, Unit: typ.Unit, Total: total, Stacks: len(p.Sample), N: n}
	if total == 0 {
		return t
	}
	list := make([]FuncStat, 0, len(stats))
	for _, s := range stats {
		list = append(list, *s)
	}
	for _, by := range []string{"flat", "cum"} {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i].Flat, list[j].Flat
			if by == "cum" {
				a, b = list[i].Cum, list[j].Cum
			}
			if a != b {
				return a > b
			}
			return list[i].Name < list[j].Name
		})
		top := append([]FuncStat(nil), list[:min(n, len(list))]...)
		if by == "flat" {
			t.ByFlat = top
		} else {
			t.ByCum = top
		}
	}
	return t
}

// sampleIndex is the sample type a profile is read by: its default, else
// the last one (cpu nanoseconds, fgprof time, mutex delay), as pprof does.
func sampleIndex(p *pprof.Profile) int {
	if p.DefaultSampleType != "" {
		for i, st := range p.SampleType {
			if st.Type == p.DefaultSampleType {
				return i
			}
		}
	}
	return len(p.SampleType) - 1
}

// aggregate sums a profile's samples by function: flat is the value of
// samples whose innermost frame is the function, cum of samples with the
// function anywhere on the stack (counted once per sample).
func aggregate(p *pprof.Profile) (stats map[string]*FuncStat, total int64, typ *pprof.ValueType) {
	stats = map[string]*FuncStat{}
	if len(p.SampleType) == 0 {
		return stats, 0, &pprof.ValueType{}
	}
	idx := sampleIndex(p)
	get := func(name string) *FuncStat {
		s := stats[name]
		if s == nil {
			s = &FuncStat{Name: name}
			stats[name] = s
		}
		return s
	}
	for _, s := range p.Sample {
		if idx >= len(s.Value) {
			continue
		}
		v := s.Value[idx]
		total += v
		seen := map[string]bool{}
		for li, loc := range s.Location {
			for j, ln := range frames(loc) {
				if li == 0 && j == 0 {
					get(ln).Flat += v
				}
				if !seen[ln] {
					seen[ln] = true
					get(ln).Cum += v
				}
			}
		}
	}
	return stats, total, p.SampleType[idx]
}

// frames are a location's function names, innermost (inlined) first.
func frames(loc *pprof.Location) []string {
	if len(loc.Line) == 0 {
		return []string{fmt.Sprintf("0x%x", loc.Address)}
	}
	out := make([]string, len(loc.Line))
	for i, ln := range loc.Line {
		if ln.Function != nil && ln.Function.Name != "" {
			out[i] = ln.Function.Name
		} else {
			out[i] = fmt.Sprintf("0x%x", loc.Address)
		}
	}
	return out
}
