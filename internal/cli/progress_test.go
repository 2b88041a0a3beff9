package cli

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/testhive"
)

// terminalCase is a stderr and a TERM, and whether progress may draw in
// place there.
type terminalCase struct {
	name     string
	stderr   func(t *testing.T) (w *os.File, read func() string) // nil: a bytes.Buffer
	term     string
	wantLive bool
}

func TestProgressLiveOnlyOnCapableTerminals(t *testing.T) {
	devNull := func(t *testing.T) (*os.File, func() string) {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		return f, func() string { return "" }
	}
	pipe := func(t *testing.T) (*os.File, func() string) {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		t.Cleanup(func() { r.Close(); w.Close() })
		return w, func() string {
			w.Close()
			var b bytes.Buffer
			b.ReadFrom(r)
			return b.String()
		}
	}
	openPTY := func(t *testing.T) (*os.File, func() string) {
		p, err := testhive.OpenPTY()
		if err != nil {
			t.Skipf("no pseudo-terminal here: %v", err)
		}
		t.Cleanup(p.Close)
		return p.Terminal, p.Output
	}
	cases := []terminalCase{
		{"buffer", nil, "xterm-256color", false},
		{"pipe", pipe, "xterm-256color", false},
		{"/dev/null is a character device, not a terminal", devNull, "xterm", false},
		{"terminal", openPTY, "xterm-256color", true},
		{"terminal with TERM=dumb", openPTY, "dumb", false},
		{"terminal without TERM", openPTY, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			env := &Env{Stderr: &buf, Getenv: func(k string) string {
				if k == "TERM" {
					return c.term
				}
				return ""
			}}
			read := buf.String
			if c.stderr != nil {
				var f *os.File
				f, read = c.stderr(t)
				env.Stderr = f
			}
			p := NewProgress(env, "hive analyze")
			assert.Equal(t, c.wantLive, p.Live())
			clock := p.start
			p.now = func() time.Time { return clock }
			p.Statusf("1/40 files") // at once: nobody has waited yet
			clock = clock.Add(LineEvery)
			assert.True(t, p.Due())
			p.Statusf("12/40 files")
			assert.False(t, p.Due())
			p.Statusf("13/40 files") // too soon: dropped either way
			p.Stepf("walk done")
			p.Clear()
			out := read()
			if c.name == "/dev/null is a character device, not a terminal" {
				return
			}
			if c.wantLive {
				assert.Contains(t, out, "\r\033[K12/40 files")
				assert.Contains(t, out, "\r\033[Khive analyze [")
			} else {
				assert.NotContains(t, out, "\r")
				assert.NotContains(t, out, "\033")
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				require.Len(t, lines, 2, "one line per status shown and per step: %q", out)
				assert.Equal(t, "hive analyze [  10.0s] 12/40 files", lines[0])
				assert.Equal(t, "hive analyze [  10.0s] walk done", lines[1])
			}
			assert.NotContains(t, out, "13/40")
			assert.NotContains(t, out, "1/40")
		})
	}
}

func TestProgressKeepsMessagesOnOneLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, false, "")
	p.Stepf("a\nb\r\nc\rd\n")
	assert.Equal(t, "[", buf.String()[:1])
	assert.True(t, strings.HasSuffix(buf.String(), "] a b c d\n"), "%q", buf.String())
}

// Steps and statuses from several goroutines (a gate measures base and
// head at once) come out as whole lines.
func TestProgressConcurrentSteps(t *testing.T) {
	var buf syncBuffer
	p := newProgress(&buf, false, "hivebench gate")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				p.Stepf("goroutine %d step %d", g, i)
				p.Statusf("status")
				_ = p.Due()
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 8*50)
	for _, l := range lines {
		assert.Regexp(t, `^hivebench gate \[ +\d+\.\ds\] goroutine \d step \d+$`, l)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
