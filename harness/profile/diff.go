package profile

import (
	"math"
	"sort"

	pprof "github.com/google/pprof/profile"
)

// Skip says why a diff was not computed.
type Skip int

const (
	// NotSkipped: Deltas holds the diff.
	NotSkipped Skip = iota
	// SkipTypes: the two profiles have different sample types.
	SkipTypes
	// SkipEmpty: one of the profiles has no samples.
	SkipEmpty
)

// Delta is the change of one function's flat share between base and head.
type Delta struct {
	Name               string
	Base, Head         float64 // flat share of the total, percent
	BaseFlat, HeadFlat int64   // flat value, in the profiles' unit
}

// Diff is head's functions compared with base's.
type Diff struct {
	BasePath, HeadPath string
	BaseType, BaseUnit string
	HeadType, HeadUnit string
	BaseTotal          int64
	HeadTotal          int64
	Skipped            Skip
	// N is how many changes were asked for; Deltas holds at most N, the
	// largest changes of share first, ties by name. A function whose
	// share did not change is not listed.
	N      int
	Deltas []Delta
}

// Compare returns the n functions whose share of the total changed most
// between base and head. Shares, not raw values, because two captures of
// different lengths (or load) differ in total for no reason in the code.
func Compare(basePath string, base *pprof.Profile, headPath string, head *pprof.Profile, n int) Diff {
	bs, bt, btyp := aggregate(base)
	hs, ht, htyp := aggregate(head)
	d := Diff{BasePath: basePath, HeadPath: headPath, BaseType: btyp.Type, BaseUnit: btyp.Unit, HeadType: htyp.Type, HeadUnit: htyp.Unit,
		BaseTotal: bt, HeadTotal: ht, N: n}
	switch {
	case btyp.Type != htyp.Type || btyp.Unit != htyp.Unit:
		d.Skipped = SkipTypes
		return d
	case bt == 0 || ht == 0:
		d.Skipped = SkipEmpty
		return d
	}
	names := map[string]bool{}
	for k := range bs {
		names[k] = true
	}
	for k := range hs {
		names[k] = true
	}
	var ds []Delta
	for name := range names {
		dl := Delta{Name: name}
		if s := bs[name]; s != nil {
			dl.Base, dl.BaseFlat = Share(s.Flat, bt), s.Flat
		}
		if s := hs[name]; s != nil {
			dl.Head, dl.HeadFlat = Share(s.Flat, ht), s.Flat
		}
		if dl.Base != dl.Head {
			ds = append(ds, dl)
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		a, b := math.Abs(ds[i].Head-ds[i].Base), math.Abs(ds[j].Head-ds[j].Base)
		if a != b {
			return a > b
		}
		return ds[i].Name < ds[j].Name
	})
	d.Deltas = ds[:min(n, len(ds))]
	return d
}
