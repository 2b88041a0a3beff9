package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLastLines(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, "no output"},
		{" \n\t\n", 3, "no output"},
		{"one", 3, "one"},
		{"a\nb\nc\nd\n", 2, "c | d"},
		{"a\nb\n", 5, "a | b"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, LastLines(c.in, c.n), "%q", c.in)
	}
}
