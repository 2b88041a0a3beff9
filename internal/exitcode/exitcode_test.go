package exitcode

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCode(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, OK},
		{"plain error is infra", errors.New("boom"), Infra},
		{"usage", UsageError("bad flag %s", "--x"), Usage},
		{"regression", RegressionError("slower"), Regression},
		{"infra", InfraError("no binary"), Infra},
		{"wrapped usage keeps its code", fmt.Errorf("context: %w", UsageError("bad")), Usage},
		{"With nil stays nil", With(Usage, nil), OK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Code(c.err))
		})
	}
}

func TestMessageIsKept(t *testing.T) {
	err := UsageError("--db %s: not a SQLite database", "/etc/hostname")
	assert.Equal(t, "--db /etc/hostname: not a SQLite database", err.Error())
}
