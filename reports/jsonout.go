package reports

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/targets"
)

// JSONSchema is the version of the JSON report documents.
const JSONSchema = 1

type verdictCounts struct {
	Regressed    int `json:"regressed"`
	Improved     int `json:"improved"`
	Same         int `json:"same"`
	Inconclusive int `json:"inconclusive"`
}

type comparisonDoc struct {
	Kind     string            `json:"kind"`
	Schema   int               `json:"schema"`
	Base     Identity          `json:"base"`
	Head     Identity          `json:"head"`
	Counts   verdictCounts     `json:"counts"`
	Results  []compare.Result  `json:"results"`
	Tier     string            `json:"tier,omitempty"`
	Outcomes []targets.Outcome `json:"outcomes,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
	// Missing and MissingAllowed: see Comparison.
	Missing        []gate.Missing `json:"missing,omitempty"`
	MissingAllowed bool           `json:"missing_allowed,omitempty"`
}

type runDoc struct {
	Kind      string            `json:"kind"`
	Schema    int               `json:"schema"`
	Tier      string            `json:"tier,omitempty"`
	Outcomes  []targets.Outcome `json:"outcomes,omitempty"`
	Reference []targets.Outcome `json:"reference,omitempty"`
	Warnings  []string          `json:"warnings,omitempty"`
	Results   *results.File     `json:"results"`
}

func comparisonJSON(w io.Writer, c Comparison) error {
	reg, imp, same, inc := c.counts()
	rs := make([]compare.Result, 0, len(c.Results))
	for _, r := range c.rows() {
		rs = append(rs, r.Result)
	}
	return writeJSON(w, comparisonDoc{
		Kind: "comparison", Schema: JSONSchema, Base: c.baseID(), Head: c.headID(),
		Counts:  verdictCounts{reg, imp, same, inc},
		Results: rs, Tier: c.Tier, Outcomes: c.Outcomes, Warnings: c.Warnings,
		Missing: c.Missing, MissingAllowed: c.MissingAllowed && len(c.Missing) > 0,
	})
}

func runJSON(w io.Writer, r Run) error {
	return writeJSON(w, runDoc{
		Kind: "run", Schema: JSONSchema, Tier: r.Tier, Outcomes: r.Outcomes, Reference: r.Reference,
		Warnings: runWarnings(r), Results: r.File,
	})
}

// writeJSON encodes v as indented JSON in which NaN and ±Inf are null.
// encoding/json refuses them outright, and a comparison legitimately has
// them (no p-value with two samples); null is the honest "no number".
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := encodeValue(&buf, reflect.ValueOf(v)); err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

var marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()

// encodeValue follows encoding/json's rules for the types reports use
// (struct tags with omitempty and "-", slices, string-keyed maps, scalars,
// json.Marshaler) and differs only for non-finite floats.
func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	if v.Type().Implements(marshalerType) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		b, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return encodeValue(buf, v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			buf.WriteString("null")
			return nil
		}
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && isEmpty(fv) {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			buf.WriteString(strconv.Quote(name))
			buf.WriteByte(':')
			if err := encodeValue(buf, fv); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case reflect.Map:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, err := json.Marshal(k.String())
			if err != nil {
				return err
			}
			buf.Write(kb)
			buf.WriteByte(':')
			if err := encodeValue(buf, v.MapIndex(k)); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
