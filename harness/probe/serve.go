package probe

import (
	"context"
	"net/http"
	"time"

	"github.com/hiveperf/hive/harness/launch"
	"github.com/hiveperf/hive/harness/probe/proc"
)

// offlineLLM is a base URL nothing listens on: `hive serve` needs one to
// start but does not contact it before a request, so startup and idle
// memory are measured without any LLM.
const offlineLLM = "http://127.0.0.1:1/v1"

// server is a running `hive serve`.
type server struct {
	s     *launch.Server
	p     *proc.Process
	base  string    // http://127.0.0.1:PORT
	ready time.Time // when /healthz first answered 200
}

// startServe execs `hive serve` on a free loopback port with db and the LLM
// at llm, and returns once /healthz answered 200: the span from the fork
// (s.p.Started) to s.ready is startup.serve. client polls /healthz. The
// process is stopped when ctx ends; on error it is already stopped.
func (b *base) startServe(ctx context.Context, client *http.Client, db, llm string) (*server, error) {
	if b.sub != nil {
		return b.startSubjectServe(ctx, client, db, llm)
	}
	s, err := launch.Start(ctx, launch.Config{Bin: b.bin, DB: db, LLMBaseURL: llm, Env: b.env, Dir: b.dir,
		ReadyTimeout: b.cfg.ReadyTimeout, TimeoutName: "Config.ReadyTimeout", StopGrace: b.cfg.StopGrace, Client: client})
	if err != nil {
		return nil, failure(ctx, nil, b.named(err))
	}
	return &server{s: s, p: s.Process(), base: s.URL, ready: s.Ready}, nil
}

// stop terminates the server; a server that needed SIGKILL is an error
// (it would not shut down gracefully), reported with its stderr.
func (s *server) stop(ctx context.Context, b *base) error {
	if err := s.s.Stop(); err != nil {
		return failure(ctx, nil, b.named(err))
	}
	return nil
}
