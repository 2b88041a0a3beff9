package probe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestDatabaseRound(t *testing.T) {
	p, err := ByFamily(Database, Config{DBOps: 5})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()

	for round := 0; round < 2; round++ {
		got, err := s.Round(t.Context())
		require.NoError(t, err)
		require.Len(t, got, len(DefaultDBOps))
		for _, m := range p.Metrics() {
			require.Len(t, got[m.Name], 5, m.Name)
			for _, v := range got[m.Name] {
				assert.Positive(t, v, m.Name)
				assert.Less(t, v, 60e9, "%s is in ns: a minute per store call would be a unit error", m.Name)
			}
		}
	}
	assertNoneRunning(t, hiveBin)
}

func TestDatabaseUnknownOp(t *testing.T) {
	p, err := ByFamily(Database, Config{DBOps: 1, DBOpNames: []string{"insert_message", "teleport"}})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Round(t.Context())
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), `no samples for operation "teleport"`)
	assert.Contains(t, err.Error(), "insert_message", "the error lists what the binary does report")
}

// An older binary without `hive db bench`, or one that prints something
// else, is an infrastructure error quoting what it said.
func TestDatabaseBrokenBinaries(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"no bench subcommand", `echo 'hive db: unknown subcommand "bench"; usage: hive db path|stats' >&2; exit 2`, `unknown subcommand "bench"`},
		{"prints a table", `echo "insert_message 40us"; exit 0`, "is not {\"ops\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ByFamily(Database, Config{DBOps: 1})
			require.NoError(t, err)
			bin := script(t, c.body)
			s, err := p.Setup(t.Context(), Target{Name: "old", HiveBin: bin, WorkDir: t.TempDir()})
			require.NoError(t, err)
			defer s.Close()
			_, err = s.Round(t.Context())
			require.Error(t, err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
			t.Log(err)
		})
	}
}
