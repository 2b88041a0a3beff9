package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The commands with subcommands answer -h, -help, --help and help where the
// subcommand would be as the top level does: usage on stdout, exit 0.
func TestSubcommandHelp(t *testing.T) {
	for _, cmd := range []string{"baseline", "history", "workload"} {
		for _, h := range []string{"-h", "-help", "--help", "help"} {
			t.Run(cmd+" "+h, func(t *testing.T) {
				out, stderr, code := run(t, cmd, h)
				assert.Equal(t, 0, code, stderr)
				assert.Empty(t, stderr)
				assert.Contains(t, out, "hivebench "+cmd+" ")
			})
		}
	}
}
