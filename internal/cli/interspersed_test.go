package cli

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestParseInterspersed(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		pos    []string
		format string
		quiet  bool
	}{
		{"flags first", []string{"--format", "json", "a", "b"}, []string{"a", "b"}, "json", false},
		{"flags after", []string{"a", "--format", "json", "b", "-q"}, []string{"a", "b"}, "json", true},
		{"flags between", []string{"a", "-q", "b", "--format", "json", "c"}, []string{"a", "b", "c"}, "json", true},
		{"double dash ends flags", []string{"a", "--", "-q", "--format"}, []string{"a", "-q", "--format"}, "table", false},
		{"a positional after -- does not restart flags", []string{"--", "a", "-q"}, []string{"a", "-q"}, "table", false},
		{"a second -- is positional", []string{"a", "--", "--", "b"}, []string{"a", "--", "b"}, "table", false},
		{"nothing", nil, nil, "table", false},
		{"a flag's value may be --", []string{"--format", "--", "a", "-q"}, []string{"a"}, "--", true},
		{"-- after a flag's value -- ends flags", []string{"--format", "--", "--", "-q"}, []string{"-q"}, "--", false},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			format := fs.String("format", "table", "")
			quiet := fs.Bool("q", false, "")
			pos, err := ParseInterspersed(fs, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.pos, pos)
			assert.Equal(t, tt.format, *format)
			assert.Equal(t, tt.quiet, *quiet)
		})
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	_, err := ParseInterspersed(fs, []string{"a", "--nope"})
	assert.Equal(t, exitcode.Usage, exitcode.Code(err), "an unknown flag after a positional is a usage error: %v", err)
}
