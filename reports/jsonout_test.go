package reports

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/targets"
)

// jsonFields lists a struct's JSON fields in order as "GoName tag".
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if tag := f.Tag.Get("json"); f.IsExported() && tag != "-" {
			out = append(out, f.Name+" "+tag)
		}
	}
	return out
}

// plainFloat reports whether a float64 (or float32) that is not a jsonFloat
// is reachable through t's JSON fields: encoding/json would refuse it if it
// were NaN or ±Inf.
func plainFloat(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] || t == reflect.TypeFor[jsonFloat]() {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return plainFloat(t.Elem(), seen)
	case reflect.Struct:
		for f := range t.Fields() {
			if f.IsExported() && f.Tag.Get("json") != "-" && plainFloat(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// The JSON documents mirror harness types so that their floats can be
// jsonFloat. A field added to an original must be added to its mirror, or
// the report would silently leave it out.
func TestJSONDocsMirrorTheirTypes(t *testing.T) {
	pairs := []struct{ orig, mirror reflect.Type }{
		{reflect.TypeFor[compare.Result](), reflect.TypeFor[resultJSON]()},
		{reflect.TypeFor[stats.Summary](), reflect.TypeFor[summaryJSON]()},
		{reflect.TypeFor[stats.Interval](), reflect.TypeFor[intervalJSON]()},
		{reflect.TypeFor[targets.Outcome](), reflect.TypeFor[outcomeJSON]()},
		{reflect.TypeFor[targets.Target](), reflect.TypeFor[targetJSON]()},
		{reflect.TypeFor[stats.QuantileBounds](), reflect.TypeFor[boundsJSON]()},
		{reflect.TypeFor[results.File](), reflect.TypeFor[fileJSON]()},
		{reflect.TypeFor[results.Benchmark](), reflect.TypeFor[benchmarkJSON]()},
		{reflect.TypeFor[results.Figure](), reflect.TypeFor[figureJSON]()},
		{reflect.TypeFor[results.LoadCounts](), reflect.TypeFor[loadCountsJSON]()},
		{reflect.TypeFor[results.LoadKind](), reflect.TypeFor[loadKindJSON]()},
	}
	for _, p := range pairs {
		assert.Equal(t, jsonFields(p.orig), jsonFields(p.mirror), "%v mirrors %v", p.mirror, p.orig)
	}
	for _, doc := range []reflect.Type{reflect.TypeFor[comparisonDoc](), reflect.TypeFor[runDoc]()} {
		assert.False(t, plainFloat(doc, map[reflect.Type]bool{}), "%v reaches a float64 that is not a jsonFloat", doc)
	}
}
