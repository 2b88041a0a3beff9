package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hiveperf/hive/harness/probe/proc"
)

// MemSample is one reading of the server's memory and goroutines, T
// seconds after the load started. A zero field was not available.
type MemSample struct {
	T          float64 `json:"t_s"`
	RSS        int64   `json:"rss_bytes,omitempty"`
	HeapAlloc  int64   `json:"heap_alloc_bytes,omitempty"`
	Goroutines int64   `json:"goroutines,omitempty"`
}

// MemoryReport is the server's memory over the run.
type MemoryReport struct {
	// RSSSource says where RSS came from: /proc/PID/status (VmRSS) when the
	// harness started the server, else /metrics
	// (process_resident_memory_bytes).
	RSSSource string      `json:"rss_source"`
	Samples   []MemSample `json:"samples"`
	// PeakRSS is VmHWM from /proc/PID/status at the end of the run: the
	// kernel's high-water mark, which sees peaks between two samples.
	PeakRSS int64 `json:"peak_rss_bytes,omitempty"`
	// Failures counts samples that could not be taken; LastFailure says why.
	Failures    int    `json:"failures,omitempty"`
	LastFailure string `json:"last_failure,omitempty"`
}

// The three series read from /metrics; all three are unlabeled gauges of
// client_golang's Go and process collectors, which `hive serve` registers.
const (
	metricRSS        = "process_resident_memory_bytes"
	metricHeap       = "go_memstats_heap_alloc_bytes"
	metricGoroutines = "go_goroutines"
)

// sampler reads the server's memory every interval.
type sampler struct {
	target  Target
	every   time.Duration
	client  *http.Client
	mu      sync.Mutex
	samples []MemSample
	fails   int
	lastErr string
}

func newSampler(t Target, every time.Duration) *sampler {
	// Its own connection: a sample must not queue behind the load.
	return &sampler{target: t, every: every, client: &http.Client{
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1, DisableCompression: true},
		Timeout:   2 * time.Second,
	}}
}

// run samples at once, then every interval, then once more when ctx ends.
func (s *sampler) run(ctx context.Context, t0 time.Time) {
	defer s.client.CloseIdleConnections()
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	s.take(t0)
	for {
		select {
		case <-ctx.Done():
			s.take(t0)
			return
		case <-tick.C:
			s.take(t0)
		}
	}
}

func (s *sampler) take(t0 time.Time) {
	m := MemSample{T: time.Since(t0).Seconds()}
	var problems []string
	metrics, err := s.scrape()
	if err != nil {
		problems = append(problems, err.Error())
	}
	m.HeapAlloc = int64(metrics[metricHeap])
	m.Goroutines = int64(metrics[metricGoroutines])
	if s.target.PID > 0 {
		st, err := proc.ReadStatus(s.target.PID)
		if err != nil {
			problems = append(problems, err.Error())
		}
		m.RSS = st.RSS
	} else {
		m.RSS = int64(metrics[metricRSS])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(problems) > 0 {
		s.fails++
		s.lastErr = strings.Join(problems, "; ")
	}
	if m.RSS > 0 || m.HeapAlloc > 0 || m.Goroutines > 0 {
		s.samples = append(s.samples, m)
	}
}

func (s *sampler) scrape() (map[string]float64, error) {
	req, err := http.NewRequest(http.MethodGet, s.target.URL+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	if s.target.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.target.Token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: HTTP %d", resp.StatusCode)
	}
	return ParseMetrics(io.LimitReader(resp.Body, 16<<20), metricRSS, metricHeap, metricGoroutines)
}

func (s *sampler) report() MemoryReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := MemoryReport{Samples: s.samples, Failures: s.fails, LastFailure: s.lastErr}
	if s.target.PID > 0 {
		rep.RSSSource = fmt.Sprintf("/proc/%d/status VmRSS", s.target.PID)
		if st, err := proc.ReadStatus(s.target.PID); err == nil {
			rep.PeakRSS = st.HWM
		}
	} else {
		rep.RSSSource = "/metrics " + metricRSS
	}
	return rep
}

// ParseMetrics reads a Prometheus text exposition and returns the values of
// the named unlabeled series. It is deliberately narrow: comment lines and
// every other series are skipped, a wanted name with labels is skipped, and
// a wanted series whose value does not parse is an error naming the line.
// A wanted series that is absent is simply missing from the map.
func ParseMetrics(r io.Reader, names ...string) (map[string]float64, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		name, rest, ok := bytes.Cut(b, []byte{' '})
		if !ok || !want[string(name)] {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) == 0 || len(f) > 2 {
			return out, fmt.Errorf("metrics line %d: %q: want NAME VALUE [TIMESTAMP]", line, b)
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return out, fmt.Errorf("metrics line %d: %s has value %q; want a finite number", line, name, f[0])
		}
		out[string(name)] = v
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return out, fmt.Errorf("metrics line %d is over 1 MiB", line+1)
		}
		return out, err
	}
	return out, nil
}
