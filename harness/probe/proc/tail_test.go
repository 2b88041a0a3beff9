package proc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTail(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)
	cases := []struct {
		name   string
		n      int
		writes []string
		want   []string
		called []string // lines seen by onLine
	}{
		{"empty", 3, nil, []string{}, nil},
		{"lines split across writes", 3, []string{"ab", "c\nde", "f\n"}, []string{"abc", "def"}, []string{"abc", "def"}},
		{"keeps the last n", 2, []string{"1\n2\n3\n4\n"}, []string{"3", "4"}, []string{"1", "2", "3", "4"}},
		{"unfinished last line is shown", 2, []string{"1\n2\n3"}, []string{"2", "3"}, []string{"1", "2"}},
		{"unfinished line counts toward n", 3, []string{"1\n2\n3"}, []string{"1", "2", "3"}, []string{"1", "2"}},
		{"empty lines are lines", 3, []string{"\n\nx\n"}, []string{"", "", "x"}, []string{"", "", "x"}},
		{"over-long line is truncated", 2, []string{long + "\nok\n"}, []string{strings.Repeat("x", maxLine) + " …(line truncated)", "ok"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var seen []string
			tl := NewTail(c.n, func(l string) { seen = append(seen, l) })
			for _, w := range c.writes {
				n, err := tl.Write([]byte(w))
				assert.NoError(t, err)
				assert.Equal(t, len(w), n)
			}
			assert.Equal(t, c.want, tl.Lines())
			assert.Equal(t, strings.Join(c.want, "\n"), tl.String())
			if c.called != nil {
				assert.Equal(t, c.called, seen)
			}
		})
	}
}

func TestTailDefaultSize(t *testing.T) {
	tl := NewTail(0, nil)
	for i := 0; i < 3*DefaultTailLines; i++ {
		_, _ = tl.Write([]byte("line\n"))
	}
	assert.Len(t, tl.Lines(), DefaultTailLines)
}

func FuzzTail(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte("c"), 2)
	f.Add([]byte(strings.Repeat("x", maxLine+1)), []byte("\n"), 1)
	f.Fuzz(func(t *testing.T, a, b []byte, n int) {
		n = n%50 + 1
		if n < 1 {
			n += 50
		}
		tl := NewTail(n, nil)
		_, _ = tl.Write(a)
		_, _ = tl.Write(b)
		lines := tl.Lines()
		assert.LessOrEqual(t, len(lines), n)
		for _, l := range lines {
			assert.LessOrEqual(t, len(l), maxLine+len(" …(line truncated)"))
			assert.NotContains(t, l, "\n")
		}
	})
}
