package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type yamlThing struct {
	Name string `yaml:"name"`
}

func TestYAMLMessage(t *testing.T) {
	dec := yaml.NewDecoder(stringsReader("name: x\nnmae: y\n"))
	dec.KnownFields(true)
	var v yamlThing
	err := dec.Decode(&v)
	require.Error(t, err)
	msg := YAMLMessage(err, map[string]string{"cli.yamlThing": "a thing (known fields: name)"})
	assert.Contains(t, msg, `line 2: unknown field "nmae" in a thing (known fields: name)`)
	assert.NotContains(t, msg, "yaml:")

	_, err = yamlUnmarshalErr("[")
	assert.NotContains(t, YAMLMessage(err, nil), "yaml: ")
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func yamlUnmarshalErr(s string) (any, error) {
	var v any
	return v, yaml.Unmarshal([]byte(s), &v)
}
