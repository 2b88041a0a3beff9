package workloads

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress reports a long step (a download, an unpack) on stderr: a
// self-overwriting bar on a terminal, a line every lineEvery otherwise, so
// a CI log shows the fetch is alive without thousands of lines.
type progress struct {
	w        io.Writer
	terminal bool
	label    string
	total    int64
	current  func() int64
	start    time.Time

	stopOnce sync.Once
	done     chan struct{}
	finished chan struct{}
}

const (
	barEvery  = 200 * time.Millisecond
	lineEvery = 10 * time.Second
)

// startProgress starts reporting; current is polled (it may walk a
// directory, so it is called at most every barEvery). total 0 means
// unknown. A nil w reports nothing.
func startProgress(w io.Writer, terminal bool, label string, total int64, current func() int64) *progress {
	p := &progress{w: w, terminal: terminal, label: label, total: total, current: current, start: time.Now(),
		done: make(chan struct{}), finished: make(chan struct{})}
	if w == nil {
		close(p.finished)
		return p
	}
	every := lineEvery
	if terminal {
		every = barEvery
	}
	go func() {
		defer close(p.finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.draw(p.current())
			}
		}
	}()
	return p
}

// stop ends the report with a final line (ok false: the step failed, the
// line says where it stopped).
func (p *progress) stop(ok bool) {
	p.stopOnce.Do(func() {
		close(p.done)
		<-p.finished
		if p.w == nil {
			return
		}
		n := p.current()
		if p.terminal {
			fmt.Fprint(p.w, "\r\033[K")
		}
		state := "done"
		if !ok {
			state = "stopped"
		}
		fmt.Fprintf(p.w, "%s: %s, %s in %s\n", p.label, state, FormatBytes(n), time.Since(p.start).Round(100*time.Millisecond))
	})
}

func (p *progress) draw(n int64) {
	el := time.Since(p.start)
	rate := ""
	if s := el.Seconds(); s > 0 && n > 0 {
		rate = fmt.Sprintf(", %s/s", FormatBytes(int64(float64(n)/s)))
	}
	if p.terminal {
		const width = 30
		if p.total > 0 {
			fill := int(min(n, p.total) * width / p.total)
			fmt.Fprintf(p.w, "\r\033[K%s [%s%s] %s / %s (%d%%)%s", p.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
				FormatBytes(n), FormatBytes(p.total), min(n, p.total)*100/p.total, rate)
		} else {
			fmt.Fprintf(p.w, "\r\033[K%s %s%s", p.label, FormatBytes(n), rate)
		}
		return
	}
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %s of %s (%d%%)%s, %s\n", p.label, FormatBytes(n), FormatBytes(p.total), min(n, p.total)*100/p.total, rate, el.Round(time.Second))
	} else {
		fmt.Fprintf(p.w, "%s: %s%s, %s\n", p.label, FormatBytes(n), rate, el.Round(time.Second))
	}
}
