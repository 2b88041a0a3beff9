package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// How often progress is shown: a live status line is redrawn at most every
// LiveEvery; elsewhere (a log, a pipe, TERM=dumb) a status line is written
// at most every LineEvery, so that a CI log shows a long step is alive
// without a line per file.
const (
	LiveEvery = 100 * time.Millisecond
	LineEvery = 10 * time.Second
)

// Progress is how both binaries report a long command on stderr: steps as
// lines ("hivebench run [  12.3s] parsing: round 2/5 done"), and the state
// of the step under way as a status line that a live terminal redraws in
// place (\r and an ANSI erase) and anything else gets as a plain line now
// and then. Live means stderr is a terminal and TERM is set and not "dumb":
// a pipe, a file, an editor's shell buffer or a CI log never see a \r. It is
// safe for concurrent use.
type Progress struct {
	mu     sync.Mutex
	w      io.Writer
	live   bool
	prefix string
	now    func() time.Time
	start  time.Time
	last   time.Time // last status drawn or written (start at first)
	drawn  bool      // a live status line is on screen
}

// NewProgress reports on env.Stderr; prefix starts every step line (e.g.
// "hivebench run").
func NewProgress(env *Env, prefix string) *Progress {
	term := ""
	if env.Getenv != nil {
		term = env.Getenv("TERM")
	}
	return newProgress(env.Stderr, IsTerminal(env.Stderr) && term != "" && term != "dumb", prefix)
}

func newProgress(w io.Writer, live bool, prefix string) *Progress {
	if w == nil {
		w = io.Discard
	}
	start := time.Now()
	// A step that ends within LiveEvery (or LineEvery) shows no status:
	// nobody waited for it.
	return &Progress{w: w, live: live, prefix: prefix, now: time.Now, start: start, last: start}
}

// Live reports whether status lines are redrawn in place.
func (p *Progress) Live() bool { return p.live }

// Due reports whether a Statusf now would show anything, so a caller can
// skip computing a status nobody will see.
func (p *Progress) Due() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.due(p.now())
}

func (p *Progress) due(now time.Time) bool {
	every := LineEvery
	if p.live {
		every = LiveEvery
	}
	return now.Sub(p.last) >= every
}

// Statusf shows the state of the step under way: redrawn in place on a live
// terminal, at most every LiveEvery; elsewhere one line, at most every
// LineEvery. Calls in between are dropped.
func (p *Progress) Statusf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if !p.due(now) {
		return
	}
	p.last = now
	msg := oneLine(fmt.Sprintf(format, args...))
	if p.live {
		fmt.Fprintf(p.w, "\r\033[K%s", msg)
		p.drawn = true
		return
	}
	p.line(now, msg)
}

// Stepf writes one line for a step, stamped with the time since the start.
func (p *Progress) Stepf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.line(p.now(), oneLine(fmt.Sprintf(format, args...)))
}

func (p *Progress) line(now time.Time, msg string) {
	prefix := p.prefix
	if prefix != "" {
		prefix += " "
	}
	fmt.Fprintf(p.w, "%s[%6.1fs] %s\n", prefix, now.Sub(p.start).Seconds(), msg)
}

// Clear erases a live status line; call it before writing anything else
// on the same stream, and when the step ends.
func (p *Progress) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *Progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// oneLine keeps a message on its line: a newline or carriage return in it
// would break the in-place redraw and the one-line-per-step promise.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(strings.TrimRight(s, "\r\n"))
}

// IsTerminal reports whether w is a terminal. A character device is not
// enough: /dev/null is one too.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	return isTerminal(f)
}
