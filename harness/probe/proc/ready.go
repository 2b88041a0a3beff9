package proc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// PollInterval is the pause between two failed readiness probes. The
// address is known from the listen line before the first probe, so the
// first one nearly always succeeds; the pause only matters for a server
// that listens before it is ready, and it keeps the poll from taking a
// core from the process being measured on a small machine. It bounds the
// error a poll adds to a startup sample.
const PollInterval = 200 * time.Microsecond

// WaitHTTP polls url with GET until it answers 200, and returns the instant
// the 200's body was read. It gives up at deadline, when exited is closed
// (the server died: no point polling), or when ctx ends; the error then
// says which and what the last attempt saw.
func WaitHTTP(ctx context.Context, client *http.Client, url string, deadline time.Time, exited <-chan struct{}) (time.Time, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	last := "no attempt made"
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return time.Time{}, fmt.Errorf("GET %s: %w", url, err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now(), nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-exited:
			return time.Time{}, fmt.Errorf("GET %s: the process exited before answering 200 (last attempt: %s)", url, last)
		case <-ctx.Done():
			if time.Now().Before(deadline) {
				return time.Time{}, context.Cause(ctx)
			}
			return time.Time{}, fmt.Errorf("GET %s: no 200 within the deadline after %d attempts (last: %s)", url, attempt, last)
		case <-time.After(PollInterval):
		}
	}
}
