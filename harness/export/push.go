package export

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/hiveperf/hive/harness/results"
)

// PushTimeout bounds a push when ctx has no deadline: a gateway that
// accepts the connection and never answers must not hold a finished run.
const PushTimeout = 10 * time.Second

// Push sends f's gauges to the Pushgateway at url (e.g.
// http://pushgateway:9091), replacing the group job=job, suite=f.Suite. The
// error names the URL; the caller reports it as a warning.
func Push(ctx context.Context, url, job string, f *results.File) error {
	if url == "" {
		return fmt.Errorf("push: empty Pushgateway URL; want e.g. http://localhost:9091")
	}
	if job == "" {
		job = "hivebench"
	}
	reg, err := gauges(f, f.Suite == "")
	if err != nil {
		return fmt.Errorf("push to Pushgateway %s: %w", url, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, PushTimeout)
		defer cancel()
	}
	p := push.New(url, job).Gatherer(reg).Client(&http.Client{Timeout: PushTimeout})
	if f.Suite != "" {
		p = p.Grouping("suite", f.Suite)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push results to Pushgateway %s (job %s): %w", url, job, err)
	}
	return nil
}
