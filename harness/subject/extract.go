package subject

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Extract says where a number is in a command's stdout: "json:FIELD" (a
// top-level number of the one JSON object stdout holds; FIELD may be a
// dotted path, a.b) or "regex:RE" (the first match's one capture group,
// a number).
type Extract struct {
	Spec string
	re   *regexp.Regexp
}

// UnmarshalYAML reads the spec as a plain string.
func (e *Extract) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a string json:FIELD or regex:RE", n.Line)
	}
	e.Spec = n.Value
	return nil
}

// IsZero reports an unset spec.
func (e Extract) IsZero() bool { return e.Spec == "" }

func (e *Extract) compile(field string) error {
	kind, arg, ok := strings.Cut(e.Spec, ":")
	switch {
	case !ok || arg == "":
		return fmt.Errorf("%s %q: want json:FIELD or regex:RE", field, e.Spec)
	case kind == "json":
		for _, part := range strings.Split(arg, ".") {
			if part == "" {
				return fmt.Errorf("%s %q: empty part in the field path", field, e.Spec)
			}
		}
	case kind == "regex":
		re, err := regexp.Compile(arg)
		if err != nil {
			return fmt.Errorf("%s %q: %v", field, e.Spec, err)
		}
		if re.NumSubexp() != 1 {
			return fmt.Errorf("%s %q: the regular expression has %d capture groups; want exactly one, around the number", field, e.Spec, re.NumSubexp())
		}
		e.re = re
	default:
		return fmt.Errorf("%s %q: unknown kind %q; want json:FIELD or regex:RE", field, e.Spec, kind)
	}
	return nil
}

// Read finds the number in stdout. It must be finite and not negative.
func (e Extract) Read(stdout []byte) (float64, error) {
	kind, arg, _ := strings.Cut(e.Spec, ":")
	var v float64
	switch kind {
	case "json":
		var doc any
		dec := json.NewDecoder(strings.NewReader(string(stdout)))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return 0, fmt.Errorf("%s: stdout is not one JSON object: %v", e.Spec, err)
		}
		for _, part := range strings.Split(arg, ".") {
			m, ok := doc.(map[string]any)
			if !ok {
				return 0, fmt.Errorf("%s: no object at %q in stdout", e.Spec, part)
			}
			if doc, ok = m[part]; !ok {
				return 0, fmt.Errorf("%s: stdout has no field %q", e.Spec, part)
			}
		}
		n, ok := doc.(json.Number)
		if !ok {
			return 0, fmt.Errorf("%s: the field is %v, not a number", e.Spec, doc)
		}
		f, err := n.Float64()
		if err != nil {
			return 0, fmt.Errorf("%s: %v", e.Spec, err)
		}
		v = f
	case "regex":
		re := e.re
		if re == nil {
			var err error
			if re, err = regexp.Compile(arg); err != nil {
				return 0, fmt.Errorf("%s: %v", e.Spec, err)
			}
		}
		m := re.FindSubmatch(stdout)
		if m == nil || len(m) < 2 {
			return 0, fmt.Errorf("%s: no match in stdout", e.Spec)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(string(m[1])), 64)
		if err != nil {
			return 0, fmt.Errorf("%s: matched %q, not a number", e.Spec, m[1])
		}
		v = f
	default:
		return 0, fmt.Errorf("%q: not a json: or regex: spec", e.Spec)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("%s: %v is not a count", e.Spec, v)
	}
	return v, nil
}

func sortStrings(s []string) { sort.Strings(s) }
