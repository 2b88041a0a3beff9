package workloads

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hiveperf/hive/internal/cli"
)

// progress reports a long step (a download, an unpack) through
// cli.Progress: a bar redrawn in place on a terminal that can, a line every
// cli.LineEvery elsewhere, so that a CI log shows the fetch is alive
// without thousands of lines, and a final line either way.
type progress struct {
	p       *cli.Progress
	label   string
	total   int64
	current func() int64
	start   time.Time

	stopOnce sync.Once
	done     chan struct{}
	finished chan struct{}
}

// pollEvery is how often the step is looked at; current is called only
// when p would show it (it may walk a directory).
const pollEvery = 200 * time.Millisecond

// startProgress starts reporting; total 0 means unknown. A nil p reports
// nothing.
func startProgress(p *cli.Progress, label string, total int64, current func() int64) *progress {
	pr := &progress{p: p, label: label, total: total, current: current, start: time.Now(),
		done: make(chan struct{}), finished: make(chan struct{})}
	if p == nil {
		close(pr.finished)
		return pr
	}
	go func() {
		defer close(pr.finished)
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for {
			select {
			case <-pr.done:
				return
			case <-t.C:
				if p.Due() {
					pr.draw(pr.current())
				}
			}
		}
	}()
	return pr
}

// stop ends the report with a final line (ok false: the step failed, the
// line says where it stopped).
func (pr *progress) stop(ok bool) {
	pr.stopOnce.Do(func() {
		close(pr.done)
		<-pr.finished
		if pr.p == nil {
			return
		}
		state := "done"
		if !ok {
			state = "stopped"
		}
		pr.p.Stepf("%s: %s, %s in %s", pr.label, state, FormatBytes(pr.current()), time.Since(pr.start).Round(100*time.Millisecond))
	})
}

func (pr *progress) draw(n int64) {
	rate := ""
	if s := time.Since(pr.start).Seconds(); s > 0 && n > 0 {
		rate = fmt.Sprintf(", %s/s", FormatBytes(int64(float64(n)/s)))
	}
	switch {
	case pr.p.Live() && pr.total > 0:
		const width = 30
		fill := int(min(n, pr.total) * width / pr.total)
		pr.p.Statusf("%s [%s%s] %s / %s (%d%%)%s", pr.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
			FormatBytes(n), FormatBytes(pr.total), min(n, pr.total)*100/pr.total, rate)
	case pr.p.Live():
		pr.p.Statusf("%s %s%s", pr.label, FormatBytes(n), rate)
	case pr.total > 0:
		pr.p.Statusf("%s: %s of %s (%d%%)%s", pr.label, FormatBytes(n), FormatBytes(pr.total), min(n, pr.total)*100/pr.total, rate)
	default:
		pr.p.Statusf("%s: %s%s", pr.label, FormatBytes(n), rate)
	}
}
