package proc

import (
	"strings"
	"sync"
)

// DefaultTailLines is how many stderr lines a Process keeps when
// Spec.TailLines is 0: enough for a Go panic's first frames or a usage
// message, short enough to print inside an error.
const DefaultTailLines = 20

// maxLine bounds one kept line. A process that writes megabytes without a
// newline must not make the harness hold megabytes.
const maxLine = 4 << 10

// Tail is an io.Writer that keeps the last n lines written to it and calls
// onLine for every complete line. It is safe for one writer and many
// readers.
type Tail struct {
	mu      sync.Mutex
	n       int
	lines   []string // ring buffer of complete lines
	next    int      // index of the oldest line once the ring is full
	partial strings.Builder
	cut     bool // the partial line was truncated at maxLine
	onLine  func(string)
}

// NewTail returns a Tail keeping the last n lines (DefaultTailLines if
// n <= 0). onLine may be nil; it is called without the Tail's lock held and
// without the trailing newline.
func NewTail(n int, onLine func(string)) *Tail {
	if n <= 0 {
		n = DefaultTailLines
	}
	return &Tail{n: n, onLine: onLine}
}

// Write splits p into lines. It never fails.
func (t *Tail) Write(p []byte) (int, error) {
	var done []string
	t.mu.Lock()
	rest := p
	for len(rest) > 0 {
		i := indexNL(rest)
		chunk := rest
		if i >= 0 {
			chunk = rest[:i]
		}
		if room := maxLine - t.partial.Len(); room < len(chunk) {
			if room > 0 {
				t.partial.Write(chunk[:room])
			}
			t.cut = true
		} else {
			t.partial.Write(chunk)
		}
		if i < 0 {
			break
		}
		line := t.partial.String()
		if t.cut {
			line += " …(line truncated)"
		}
		t.partial.Reset()
		t.cut = false
		t.push(line)
		done = append(done, line)
		rest = rest[i+1:]
	}
	t.mu.Unlock()
	if t.onLine != nil {
		for _, l := range done {
			t.onLine(l)
		}
	}
	return len(p), nil
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

func (t *Tail) push(line string) {
	if len(t.lines) < t.n {
		t.lines = append(t.lines, line)
		return
	}
	t.lines[t.next] = line
	t.next = (t.next + 1) % t.n
}

// Lines returns the kept lines, oldest first, including an unfinished last
// line if there is one (a crash often ends without a newline).
func (t *Tail) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.lines)+1)
	out = append(out, t.lines[t.next:]...)
	out = append(out, t.lines[:t.next]...)
	if t.partial.Len() > 0 {
		out = append(out, t.partial.String())
		if len(out) > t.n {
			out = out[1:]
		}
	}
	return out
}

// String returns the kept lines joined by newlines.
func (t *Tail) String() string { return strings.Join(t.Lines(), "\n") }
