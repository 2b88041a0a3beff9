package load

import (
	"context"
	"fmt"
	"time"

	"github.com/hiveperf/hive/harness/mockllm"
)

// LocalConfig is a server for a run that the harness starts itself.
type LocalConfig struct {
	// HiveBin is the hive binary to serve (StartServe).
	HiveBin string
	// Mock is the latency the mock LLM declares; Profile the consensus
	// profile of the requests, whose stages the declared latency counts.
	Mock    MockLatency
	Profile string
	// Dir is a scratch directory for the server (ServeConfig.Dir); the
	// caller removes it after Close.
	Dir string
}

// Local is a mock LLM and a `hive serve` talking to it, both on loopback,
// started by StartLocal.
type Local struct {
	Served *Served
	// MockURL is the mock LLM's base URL.
	MockURL string
	// Stages is the upstream calls of one run of the profile, and
	// Declared the declared upstream latency of one run
	// (MockLatency.Declared): what Options.Declared wants.
	Stages   int
	Declared time.Duration
	cfg      LocalConfig
	mock     *mockllm.Running
	stopMock context.CancelFunc
}

// StartLocal starts the mock LLM with cfg.Mock's exact latency and then
// `hive serve` against it (StartServe). Both outlive ctx on purpose: after
// a Ctrl-C the server must still answer the requests in flight while the
// partial report is made; Close stops them.
func StartLocal(ctx context.Context, cfg LocalConfig) (*Local, error) {
	stages, err := ProfileStages(cfg.Profile)
	if err != nil {
		return nil, err
	}
	mock := mockllm.New(mockllm.Config{Seed: 1, Models: []string{"mock/default"},
		Latency: mockllm.Latency{TTFT: cfg.Mock.TTFT, ITL: cfg.Mock.ITL, Tokens: cfg.Mock.Tokens}})
	mctx, stopMock := context.WithCancel(context.WithoutCancel(ctx))
	run, err := mock.Listen(mctx, "127.0.0.1:0")
	if err != nil {
		stopMock()
		return nil, err
	}
	l := &Local{MockURL: run.BaseURL, Stages: stages, Declared: cfg.Mock.Declared(stages), cfg: cfg, mock: run, stopMock: stopMock}
	l.Served, err = StartServe(context.WithoutCancel(ctx), ServeConfig{Bin: cfg.HiveBin, LLMBaseURL: run.BaseURL, Dir: cfg.Dir})
	if err != nil {
		l.stop()
		return nil, err
	}
	return l, nil
}

// Target is the server as Run loads it: its RSS is read from /proc.
func (l *Local) Target() Target { return Target{URL: l.Served.URL, PID: l.Served.PID()} }

// String says what runs where and the latency declared per run.
func (l *Local) String() string {
	m := l.cfg.Mock
	return fmt.Sprintf("hive serve (%s) on %s, pid %d; mock LLM %s (declared latency per run %v = %d × (%v + %d × %v))",
		l.cfg.HiveBin, l.Served.URL, l.Served.PID(), l.MockURL, l.Declared, l.Stages, m.TTFT, m.tokens(), m.ITL)
}

// Close stops the server, then the mock. An error says the server had to
// be killed or exited badly (Served.Stop); the mock is stopped anyway.
func (l *Local) Close() error {
	err := l.Served.Stop()
	l.stop()
	return err
}

func (l *Local) stop() {
	_ = l.mock.Shutdown(context.Background())
	l.stopMock()
}
