package results

import (
	"fmt"
	"strings"
)

// Units are strings in results files and targets.yaml ("ns", "ms/file",
// "MB", "files/s"). They are parsed here, in one table, so that a results
// file, a target bound and a report agree on what "MB" means.
//
// The grammar is NUM or NUM/DEN:
//
//   - a time (ns, us, µs, ms, s), a size (B, KB, MB, GB, KiB, MiB, GiB) or a
//     count noun (files, ops, requests, rows, messages, items, tokens) as the
//     numerator;
//   - a time as the denominator makes a rate (files/s, MB/s, ops/s);
//   - a count noun as the denominator ("ms/file", "ns/op") labels what one
//     sample is. It does not change the dimension: 5 ms/file converts to
//     5000000 ns, because a per-file latency sample *is* a time.
//
// Sizes are SI (1 KB = 1000 B, 1 MB = 10^6 B) and the binary forms are
// spelled KiB/MiB/GiB. The seed report wrote "MB" without saying which; we
// read it literally as SI and say so in targets.yaml.

// Unit is a parsed unit: values in this unit times Scale are values in the
// dimension's base unit (ns, B, count, per second).
type Unit struct {
	// Name is the unit as written.
	Name string
	// Dim is the physical dimension, e.g. "time", "bytes", "files/time".
	// Two units convert into each other exactly when their Dims are equal.
	Dim string
	// Scale converts to the base unit of Dim.
	Scale float64
}

type unitPart struct {
	dim   string
	scale float64
}

var timeUnits = map[string]float64{
	"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9,
}

var sizeUnits = map[string]float64{
	"B": 1, "byte": 1, "bytes": 1,
	"KB": 1e3, "kB": 1e3, "MB": 1e6, "GB": 1e9,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
}

// countNouns maps the accepted spellings of a count noun to its canonical
// (plural) form, so "file" and "files" are the same dimension.
var countNouns = map[string]string{
	"file": "files", "files": "files",
	"op": "ops", "ops": "ops",
	"request": "requests", "requests": "requests", "req": "requests",
	"row": "rows", "rows": "rows",
	"message": "messages", "messages": "messages",
	"item": "items", "items": "items",
	"token": "tokens", "tokens": "tokens",
	// allocs is the count of `go test -benchmem` (allocs/op), so imported
	// Go benchmarks keep their allocation counts.
	"alloc": "allocs", "allocs": "allocs",
	// runs count the runs of an imported command (hyperfine's exit
	// codes); values are plain numbers a tool reported without a unit
	// (a k6 trend that contains neither time nor data).
	"run": "runs", "runs": "runs",
	"value": "values", "values": "values",
}

// ratioUnits spell a dimensionless ratio ("1.21x the baseline's time").
var ratioUnits = map[string]bool{"x": true, "×": true, "ratio": true}

// KnownUnits is the list shown in "unknown unit" errors.
const KnownUnits = "times ns, us (µs), ms, s; sizes B, KB, MB, GB (SI), KiB, MiB, GiB; counts files, ops, requests, rows, messages, items, tokens, allocs, runs, values; ratios x; " +
	"rates as COUNT/TIME or SIZE/TIME (files/s, MB/s); per-item labels as TIME/NOUN or SIZE/NOUN (ms/file, ns/op)"

func parsePart(s string) (unitPart, bool) {
	if f, ok := timeUnits[s]; ok {
		return unitPart{"time", f}, true
	}
	if f, ok := sizeUnits[s]; ok {
		return unitPart{"bytes", f}, true
	}
	if n, ok := countNouns[s]; ok {
		return unitPart{n, 1}, true
	}
	if ratioUnits[s] {
		return unitPart{"ratio", 1}, true
	}
	return unitPart{}, false
}

// ParseUnit parses a unit string. The error names the unit and lists what
// would be right.
func ParseUnit(s string) (Unit, error) {
	u := Unit{Name: s}
	if s == "" {
		return u, fmt.Errorf("empty unit; use one of: %s", KnownUnits)
	}
	num, den, hasDen := strings.Cut(s, "/")
	n, ok := parsePart(strings.TrimSpace(num))
	if !ok {
		return u, fmt.Errorf("unknown unit %q; use one of: %s", s, KnownUnits)
	}
	if !hasDen {
		u.Dim, u.Scale = n.dim, n.scale
		return u, nil
	}
	d, ok := parsePart(strings.TrimSpace(den))
	if !ok {
		return u, fmt.Errorf("unknown unit %q: denominator %q is neither a time nor a count noun; use one of: %s", s, den, KnownUnits)
	}
	switch {
	case d.dim == "time" && n.dim != "time":
		// A rate: per second is the base, so scale by 1e9/denominator-ns.
		u.Dim = n.dim + "/time"
		u.Scale = n.scale * 1e9 / d.scale
	case d.dim != "time" && d.dim != "bytes" && (n.dim == "time" || n.dim == "bytes"):
		// A per-item label: the sample is still a time or a size.
		u.Dim, u.Scale = n.dim, n.scale
	default:
		return u, fmt.Errorf("unit %q is not a rate (COUNT/TIME, SIZE/TIME) or a per-item quantity (TIME/NOUN, SIZE/NOUN); use one of: %s", s, KnownUnits)
	}
	return u, nil
}

// Convert converts v from one unit to another of the same dimension.
func Convert(v float64, from, to string) (float64, error) {
	f, err := ParseUnit(from)
	if err != nil {
		return 0, err
	}
	t, err := ParseUnit(to)
	if err != nil {
		return 0, err
	}
	if f.Dim != t.Dim {
		return 0, fmt.Errorf("cannot convert %s (%s) to %s (%s)", from, f.Dim, to, t.Dim)
	}
	if f.Scale == t.Scale {
		return v, nil
	}
	return v * f.Scale / t.Scale, nil
}

// Compatible reports whether values in units a and b can be converted into
// each other.
func Compatible(a, b string) bool {
	ua, err := ParseUnit(a)
	if err != nil {
		return false
	}
	ub, err := ParseUnit(b)
	if err != nil {
		return false
	}
	return ua.Dim == ub.Dim
}
