package workloads

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/testhive"
)

func TestProgressFinalLine(t *testing.T) {
	var lines bytes.Buffer
	p := startProgress(cli.NewProgress(&cli.Env{Stderr: &lines}, "hivebench workload"), "fetch demo: downloading", 2_000_000, func() int64 { return 1_500_000 })
	p.stop(true)
	p.stop(true) // idempotent
	assert.Equal(t, 1, strings.Count(lines.String(), "\n"), "a log gets one final line, not a bar")
	assert.Regexp(t, `^hivebench workload \[ +\d+\.\ds\] fetch demo: downloading: done, 1.5 MB in`, lines.String())
	assert.NotContains(t, lines.String(), "\r")

	startProgress(nil, "silent", 1, func() int64 { return 0 }).stop(true)
}

// On a terminal, a fetch's progress is redrawn in place only when TERM
// says the terminal can: with TERM=dumb it is whole lines, as in a log.
func TestProgressOnATerminal(t *testing.T) {
	for _, c := range []struct {
		term     string
		wantLive bool
	}{{"xterm-256color", true}, {"dumb", false}} {
		t.Run("TERM="+c.term, func(t *testing.T) {
			pty, err := testhive.OpenPTY()
			if err != nil {
				t.Skipf("no pseudo-terminal here: %v", err)
			}
			defer pty.Close()
			env := &cli.Env{Stderr: pty.Terminal, Getenv: func(k string) string {
				if k == "TERM" {
					return c.term
				}
				return ""
			}}
			cp := cli.NewProgress(env, "hivebench workload")
			require.Equal(t, c.wantLive, cp.Live())
			p := &progress{p: cp, label: "fetch demo: unpacking", total: 100, current: func() int64 { return 50 },
				start: time.Now(), done: make(chan struct{}), finished: make(chan struct{})}
			close(p.finished)
			// Wait out the first redraw interval, so a live terminal draws.
			time.Sleep(cli.LiveEvery + 50*time.Millisecond)
			p.draw(50)
			p.stop(false)
			out := pty.Output()
			assert.Contains(t, out, "fetch demo: unpacking: stopped, 50 B")
			if c.wantLive {
				assert.Contains(t, out, "\r\033[Kfetch demo: unpacking [===============               ] 50 B / 100 B (50%)")
			} else {
				assert.NotContains(t, out, "\r")
				assert.NotContains(t, out, "\033")
			}
		})
	}
}
