package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Read reads and checks a results file. Every error names the file and is a
// usage error (exit 2): a results file is input the user handed us. The
// exception is a file that exists but cannot be read (permissions, I/O),
// which is an infrastructure error.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, exitcode.UsageError("results file %s does not exist", path)
		}
		if errors.Is(err, os.ErrPermission) {
			return nil, exitcode.UsageError("results file %s cannot be read: %v", path, err)
		}
		return nil, exitcode.InfraError("read results file %s: %v", path, err)
	}
	return Decode(path, data)
}

// Decode parses a results file's bytes; name is used in errors. The checks
// run from the outside in, so the first thing a user learns is the most
// fundamental: not JSON, then the wrong schema version, then unknown
// fields, then wrong types, then missing or inconsistent values.
func Decode(name string, data []byte) (*File, error) {
	usage := func(format string, args ...any) error {
		return exitcode.UsageError("results file %s: "+format, append([]any{name}, args...)...)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, usage("is empty; expected a JSON object with \"schema\": %d", Schema)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// encoding/json counts the offending byte as read; point at it
			// instead, so the line and column are where an editor should go.
			off := se.Offset
			if strings.HasPrefix(se.Error(), "invalid character") && off > 0 {
				off--
			}
			return nil, usage("corrupt or truncated JSON at byte offset %d (%s): %v", off, lineCol(data, off), se)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, usage("top level is a JSON %s; expected an object with \"schema\": %d", te.Value, Schema)
		}
		return nil, usage("%v", err)
	}
	if top == nil {
		return nil, usage("top level is null; expected an object with \"schema\": %d", Schema)
	}
	rawSchema, ok := top["schema"]
	if !ok {
		return nil, usage("missing required field schema (this hivebench reads schema %d)", Schema)
	}
	var schema int
	if err := json.Unmarshal(rawSchema, &schema); err != nil {
		return nil, usage("schema is %s; expected the integer %d", truncate(string(rawSchema), 40), Schema)
	}
	if schema != Schema {
		return nil, exitcode.UsageError("results file %s has schema %d; this hivebench reads schema %d (re-run the benchmarks, or use the hivebench version that wrote it)", name, schema, Schema)
	}
	if unknown := unknownFields(data, reflect.TypeOf(File{}), ""); len(unknown) > 0 {
		return nil, usage("unknown field(s) %s for schema %d; check the spelling (field names are lower case with underscores)", strings.Join(unknown, ", "), Schema)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = "(top level)"
			}
			return nil, usage("field %s is a JSON %s at byte offset %d (%s); expected %s", field, te.Value, te.Offset, lineCol(data, te.Offset), jsonKind(te.Type))
		}
		// env.date is the only time in the format; time.Time reports its
		// parse error without naming the field.
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return nil, usage("env.date %q is not an RFC 3339 time (e.g. 2025-11-26T06:00:00Z)", pe.Value)
		}
		return nil, usage("%v", err)
	}
	f.Source = name
	if err := f.Validate(); err != nil {
		return nil, exitcode.With(exitcode.Usage, err)
	}
	return &f, nil
}

// unknownFields walks raw JSON alongside the Go type and returns the paths
// of object keys the type does not have. encoding/json would drop them
// silently (and match keys case-insensitively); for a results file a typo
// like "sampels" must not turn into "no samples".
func unknownFields(raw []byte, t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil // a type error; the typed decode reports it with an offset
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if !sf.IsExported() || tag == "-" {
				continue
			}
			if tag == "" {
				tag = sf.Name
			}
			fields[tag] = sf.Type
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				out = append(out, joinPath(path, k))
				continue
			}
			out = append(out, unknownFields(obj[k], ft, joinPath(path, k))...)
		}
	case reflect.Slice, reflect.Array:
		if !holdsStruct(t.Elem()) {
			return nil // samples: nothing to misspell, and 10k elements to skip
		}
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return nil
		}
		for i, el := range arr {
			out = append(out, unknownFields(el, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// holdsStruct reports whether values of t can contain JSON objects.
func holdsStruct(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Map || t.Kind() == reflect.Interface
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lineCol turns a byte offset into "line L, column C" (1-based), which is
// what an editor jumps to.
func lineCol(data []byte, off int64) string {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
