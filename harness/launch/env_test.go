package launch

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnv(t *testing.T) {
	cases := []struct {
		name  string
		base  []string
		conf  string
		extra []string
		want  []string
	}{
		{"the user's hive settings and key are dropped; the target's are kept, last",
			[]string{"PATH=/bin", "HIVE_DB=/home/u/hive.db", "OPENROUTER_API_KEY=sk-secret", "XDG_CONFIG_HOME=/home/u/.config", "HOME=/home/u"},
			"/scratch/config", []string{"HIVE_CONFIG=/t/profiles.yaml", "GOGC=200"},
			[]string{"PATH=/bin", "HOME=/home/u", "XDG_CONFIG_HOME=/scratch/config", "HIVE_CONFIG=/t/profiles.yaml", "GOGC=200"}},
		{"token, data home and every HIVE_ variable dropped",
			[]string{"PATH=/bin", "HIVE_API_TOKEN=s3cret", "HIVE_DB=/home/u/hive.db", "OPENROUTER_API_KEY=k", "XDG_CONFIG_HOME=/home/u/.config", "XDG_DATA_HOME=/x", "GOGC=200"},
			"/tmp/c", nil,
			[]string{"PATH=/bin", "GOGC=200", "XDG_CONFIG_HOME=/tmp/c"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Env(c.base, c.conf, c.extra...))
		})
	}
}
