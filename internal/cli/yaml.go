package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type (\S+)`)

// YAMLMessage rewrites a yaml.v3 decoding error into words a user of the
// file can act on. With KnownFields, yaml.v3 says "field x not found in type
// pkg.yamlTier"; typeNames maps such Go type names to what the user calls
// that part of the file and which fields it takes.
func YAMLMessage(err error, typeNames map[string]string) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		if m := unknownFieldRE.FindStringSubmatch(e); m != nil {
			where := typeNames[m[2]]
			if where == "" {
				where = m[2]
			}
			prefix := e[:strings.Index(e, m[0])]
			e = fmt.Sprintf("%sunknown field %q in %s", prefix, m[1], where)
		}
		msgs = append(msgs, e)
	}
	return strings.Join(msgs, "; ")
}
