package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	pprof "github.com/google/pprof/profile"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/exitcode"
)

// serve profiles `hive serve` under consensus load from the mock LLM.
func (c *capture) serve(ctx context.Context) ([]string, error) {
	mock, err := mockllm.New(mockllm.Config{}).Listen(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, exitcode.InfraError("hivebench profile: mock LLM: %v", err)
	}
	defer mock.Shutdown(context.Background())
	atExit := map[string]string{}
	for _, k := range c.opts.Kinds {
		if k.Path == "" {
			atExit[k.Env] = c.outPath(k.Name)
		}
	}
	srv, err := c.startServe(ctx, filepath.Join(c.scratch, "serve.db"), mock.BaseURL, atExit)
	if err != nil {
		return nil, err
	}
	defer stopServe(srv)
	c.progress("profiling `hive serve` under %d clients for %ds (%s)", c.opts.Concurrency, c.opts.Seconds, kindNames(c.opts.Kinds))

	l := startLoad(ctx, srv.URL, c.opts.Concurrency)
	written, capErr := c.captureTimed(ctx, srv.URL)
	l.end()
	if ctx.Err() != nil {
		return nil, &suite.Interrupted{Cause: context.Cause(ctx)}
	}
	if capErr != nil {
		return nil, capErr
	}
	if l.ok.Load() == 0 {
		why, _ := l.firstErr.Load().(string)
		return nil, exitcode.InfraError("hivebench profile: no consensus request succeeded under load (%d failed; first: %s)%s", l.failed.Load(), why, stderrTail(srv.Process()))
	}
	c.progress("load: %d consensus runs done, %d failed", l.ok.Load(), l.failed.Load())
	for _, k := range c.opts.Kinds {
		if k.Name == "heap" || k.Name == "allocs" {
			if err := fetchProfile(ctx, srv.URL+k.Path, c.outPath(k.Name), time.Minute); err != nil {
				return nil, err
			}
			written = append(written, c.outPath(k.Name))
		}
	}
	if err := stopServe(srv); err != nil {
		return nil, err
	}
	for _, path := range atExit {
		written = append(written, path)
	}
	sort.Strings(written)
	return written, checkWritten(written)
}

// captureTimed fetches the CPU and fgprof profiles asked for, concurrently
// with each other and with the load, over the same Seconds, and returns
// the paths written.
func (c *capture) captureTimed(ctx context.Context, base string) ([]string, error) {
	secs := c.opts.Seconds
	var written []string
	var mu sync.Mutex
	var capErr error
	var cg sync.WaitGroup
	for _, k := range c.opts.Kinds {
		if k.Name != "cpu" && k.Name != "fgprof" {
			continue
		}
		cg.Go(func() {
			err := fetchProfile(ctx, base+k.Path+"?seconds="+strconv.Itoa(secs), c.outPath(k.Name), time.Duration(secs+30)*time.Second)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				capErr = errors.Join(capErr, err)
				return
			}
			written = append(written, c.outPath(k.Name))
		})
	}
	if !hasKind(c.opts.Kinds, "cpu") && !hasKind(c.opts.Kinds, "fgprof") {
		// Nothing times the load: let it run for Seconds anyway, so heap
		// and allocs see a server that has worked.
		select {
		case <-time.After(time.Duration(secs) * time.Second):
		case <-ctx.Done():
		}
	}
	cg.Wait()
	return written, capErr
}

// load is the consensus traffic on the server while it is profiled.
type load struct {
	ok, failed atomic.Int64
	firstErr   atomic.Value // string: the first failure
	stop       context.CancelFunc
	wg         sync.WaitGroup
	client     *http.Client
}

// startLoad starts clients that each send consensus requests, one after
// the other, until end.
func startLoad(ctx context.Context, base string, clients int) *load {
	ctx, stop := context.WithCancel(ctx)
	l := &load{stop: stop, client: &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: clients + 4}, Timeout: time.Minute}}
	var seq atomic.Int64
	for w := 0; w < clients; w++ {
		l.wg.Go(func() {
			for ctx.Err() == nil {
				n := seq.Add(1)
				if err := postConsensus(ctx, l.client, base, fmt.Sprintf("profile question %d: how does a B-tree split a full node?", n)); err != nil {
					if ctx.Err() != nil {
						return
					}
					l.failed.Add(1)
					l.firstErr.CompareAndSwap(nil, err.Error())
					// A server that fails fast must not turn the load
					// into a busy loop that the profile then shows.
					select {
					case <-ctx.Done():
					case <-time.After(10 * time.Millisecond):
					}
					continue
				}
				l.ok.Add(1)
			}
		})
	}
	return l
}

// end stops the clients and waits for them.
func (l *load) end() {
	l.stop()
	l.wg.Wait()
	l.client.CloseIdleConnections()
}

// postConsensus runs one consensus request and checks that it succeeded.
func postConsensus(ctx context.Context, client *http.Client, base, question string) error {
	body, _ := json.Marshal(map[string]any{"question": question, "no_cache": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/consensus", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /v1/consensus: %s: %s", resp.Status, truncate(string(data), 200))
	}
	return nil
}

// fetchProfile GETs a profile from hive serve into path.
func fetchProfile(ctx context.Context, u, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(req)
	if err != nil {
		return exitcode.InfraError("hivebench profile: GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return exitcode.InfraError("hivebench profile: GET %s: %v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return exitcode.InfraError("hivebench profile: GET %s: %s: %s", u, resp.Status, truncate(string(data), 200))
	}
	if _, err := pprof.ParseData(data); err != nil {
		return exitcode.InfraError("hivebench profile: GET %s did not return a profile: %v", u, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
