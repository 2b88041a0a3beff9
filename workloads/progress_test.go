package workloads

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestProgressFinalLine(t *testing.T) {
	var lines bytes.Buffer
	p := startProgress(&lines, false, "fetch demo: downloading", 2_000_000, func() int64 { return 1_500_000 })
	p.stop(true)
	p.stop(true) // idempotent
	assert.Equal(t, 1, strings.Count(lines.String(), "\n"), "a log gets one final line, not a bar")
	assert.Contains(t, lines.String(), "fetch demo: downloading: done, 1.5 MB in")
	assert.NotContains(t, lines.String(), "\r")

	var term bytes.Buffer
	p = startProgress(&term, true, "fetch demo: unpacking", 0, func() int64 { return 10 })
	p.draw(10)
	p.stop(false)
	assert.Contains(t, term.String(), "\r\033[K", "a terminal line is overwritten in place")
	assert.Contains(t, term.String(), "fetch demo: unpacking: stopped, 10 B")

	var bar bytes.Buffer
	p = &progress{w: &bar, terminal: true, label: "x", total: 100, current: func() int64 { return 50 }}
	p.draw(50)
	assert.Contains(t, bar.String(), "(50%)")

	startProgress(nil, true, "silent", 1, func() int64 { return 0 }).stop(true)
}
