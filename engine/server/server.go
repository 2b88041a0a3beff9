package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/felixge/fgprof"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Defaults of Config's zero fields.
const (
	DefaultAddr          = "127.0.0.1:8765"
	DefaultMaxBodyBytes  = 1 << 20
	DefaultRunTimeout    = 10 * time.Minute
	DefaultShutdownGrace = 10 * time.Second
	// DefaultStreamKeepAlive is how often an SSE stream that has nothing
	// else to send sends a comment: well under the 30-60 s after which
	// proxies and client libraries give up on a silent connection.
	DefaultStreamKeepAlive = 15 * time.Second
	// DefaultStreamWriteWindow is how long one SSE write may take; the
	// deadline moves forward with every write, so only a stalled client
	// hits it.
	DefaultStreamWriteWindow = time.Minute
	// DefaultDrainTimeout bounds the wait for canceled requests at
	// shutdown. It is longer than the engine's record wait, so that a
	// canceled run whose record waits for a locked database is written
	// before Serve returns and the store is closed.
	DefaultDrainTimeout = consensus.DefaultRecordTimeout + 15*time.Second

	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 120 * time.Second
)

// ListenLinePrefix starts the line `hive serve` prints on stderr once its
// socket is bound; the rest of the line is the base URL, http://ADDR. The
// harness reads the line to learn the port of `--addr 127.0.0.1:0`, so the
// side that prints it and the side that parses it share this definition.
const ListenLinePrefix = "hive: listening on "

// Conversations is what the server reads of the store; *store.Store has it.
type Conversations interface {
	Conversation(ctx context.Context, id int64) (*store.Conversation, []store.Message, error)
}

// Config configures a Server.
type Config struct {
	// Addr is the address the server listens on. Its host decides whether
	// a token is required, and it names the server for the Host check
	// (Serve adds the listener's actual address, e.g. the port of ":0").
	Addr string
	// Token, when set, is required as "Authorization: Bearer <token>".
	Token         string
	Engine        *consensus.Engine
	Conversations Conversations
	// Registry is served on /metrics and receives the hive_http_* metrics.
	// Register the engine's metrics (consensus.WithRegisterer) and the
	// Go/process collectors on it as well.
	Registry      *prometheus.Registry
	MaxBodyBytes  int64         // default 1 MiB
	RunTimeout    time.Duration // default 10 min
	ShutdownGrace time.Duration // default 10 s
	// AllowedHosts are names accepted in Host and Origin besides the
	// listening address ("name" at any port, or "name:port"); see
	// CheckAllowedHosts.
	AllowedHosts []string
	// MaxInflight bounds the run requests in flight (0: no limit).
	MaxInflight int
	// MaxCostPerHour caps the USD cost of the runs that ended in the last
	// rolling hour (0: no cap).
	MaxCostPerHour float64
	// StreamKeepAlive is the longest an SSE stream stays silent (default
	// DefaultStreamKeepAlive); StreamWriteWindow bounds each SSE write
	// (default DefaultStreamWriteWindow).
	StreamKeepAlive   time.Duration
	StreamWriteWindow time.Duration
	// DrainTimeout bounds each wait for requests after their runs were
	// canceled at shutdown (default DefaultDrainTimeout).
	DrainTimeout time.Duration
	Logger       *slog.Logger // default: discard
}

// Server serves the API. Create it with New, run it with Serve.
type Server struct {
	cfg     Config
	handler http.Handler
	started int64 // Unix seconds of New: the models' "created"
	ready   atomic.Bool
	log     *slog.Logger
	// active counts requests being handled, so that Serve can return only
	// once none is left to touch the engine or the store.
	active handlerCount

	reqs    *prometheus.CounterVec
	reqTime *prometheus.HistogramVec

	guardState guardState
	admission  admission
	refusals   map[string]prometheus.Counter
}

// IsLoopback reports whether addr's host is a loopback address or
// "localhost". An empty host (":8765") listens on every interface, so it is
// not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckAuth refuses to serve a non-loopback address without a token. It is
// exported so that `hive serve` can fail before opening the store.
func CheckAuth(addr, token string) error {
	if token == "" && !IsLoopback(addr) {
		return exitcode.UsageError("serve: refusing to listen on %s without a token: set HIVE_API_TOKEN, or listen on a loopback address such as %s", addr, DefaultAddr)
	}
	return nil
}

// New validates cfg and builds the handler tree.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if err := CheckAuth(cfg.Addr, cfg.Token); err != nil {
		return nil, err
	}
	if cfg.Engine == nil || cfg.Registry == nil {
		return nil, errors.New("server: New needs an Engine and a Registry")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = DefaultRunTimeout
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	allowed, err := parseAllowedHosts(cfg.AllowedHosts)
	if err != nil {
		return nil, err
	}
	if err := CheckLimits(cfg.MaxInflight, cfg.MaxCostPerHour); err != nil {
		return nil, err
	}
	if cfg.StreamKeepAlive <= 0 {
		cfg.StreamKeepAlive = DefaultStreamKeepAlive
	}
	if cfg.StreamWriteWindow <= 0 {
		cfg.StreamWriteWindow = DefaultStreamWriteWindow
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	s := &Server{cfg: cfg, log: cfg.Logger, started: time.Now().Unix()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.guardState.allowed = allowed
	s.guardState.listening(cfg.Addr)
	s.admission.maxInflight = int64(cfg.MaxInflight)
	s.admission.spend.cap = cfg.MaxCostPerHour
	s.admission.now = time.Now
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hive_http_requests_total",
		Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	s.reqTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hive_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request (the whole stream, for SSE), by route pattern.",
		Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"route"})
	for _, c := range []prometheus.Collector{s.reqs, s.reqTime} {
		if err := cfg.Registry.Register(c); err != nil {
			return nil, fmt.Errorf("server: registering metrics: %w", err)
		}
	}
	if s.refusals, err = newRefusals(cfg.Registry); err == nil {
		err = s.registerAdmissionMetrics(cfg.Registry)
	}
	if err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle("POST /v1/consensus", s.requireJSON(s.admit(http.HandlerFunc(s.handleConsensus))))
	mux.Handle("POST /v1/chat/completions", s.requireJSON(s.admit(http.HandlerFunc(s.handleChat))))
	mux.HandleFunc("GET /v1/models", s.handleModels)
	mux.HandleFunc("GET /v1/conversations/{id}", s.handleConversation)
	mux.Handle("/v1/", unknownRoute(mux)) // 404 and 405 in the envelope, as every /v1 error
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{Registry: cfg.Registry}))
	// Explicit pprof routes: importing net/http/pprof also registers on
	// DefaultServeMux, which this server never serves.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/debug/fgprof", fgprof.Handler())

	s.handler = s.instrument(s.guard(s.authenticate(mux)), mux)
	return s, nil
}

// Handler returns the server's root handler (guard, auth, metrics,
// routes). Until Serve runs, the guard knows only Config.Addr: with port 0
// it accepts no Host but the AllowedHosts.
func (s *Server) Handler() http.Handler { return s.handler }

// SetReady flips /healthz between 200 and 503. Serve sets it; tests that
// mount Handler on their own listener set it themselves.
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// Serve serves on ln until ctx is canceled, then shuts down: /healthz turns
// 503, new connections are refused, in-flight requests get ShutdownGrace to
// finish, and then their contexts are canceled (runs stop and are recorded
// as canceled). It returns only when no handler is left running (see
// drain), so the caller may close the engine and the store; nil after a
// clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.guardState.listening(s.cfg.Addr, ln.Addr().String())
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	s.ready.Store(true)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		s.ready.Store(false)
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.ready.Store(false)
	graceCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	err := srv.Shutdown(graceCtx)
	cancel()
	if err != nil {
		s.log.Warn("shutdown grace period over; canceling in-flight requests", "grace", s.cfg.ShutdownGrace)
		cancelBase()
		if err := s.drain(srv); err != nil {
			<-errc
			return err
		}
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// drain waits for the handlers whose runs were just canceled. A canceled
// run still records itself, which can wait for a locked database (up to
// the engine's record timeout), so the wait is DrainTimeout, longer than
// that. Then the connections are closed, which unblocks handlers stuck
// writing to clients that stopped reading, and the handlers are waited for
// once more: http.Server.Close does not wait for them, and one returning
// after Serve could write to a store its caller has closed.
func (s *Server) drain(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	err := srv.Shutdown(ctx)
	cancel()
	if err == nil {
		err = s.active.wait(s.cfg.DrainTimeout)
	}
	if err == nil {
		return nil
	}
	srv.Close()
	if err := s.active.wait(s.cfg.DrainTimeout); err != nil {
		return fmt.Errorf("server: %w after their runs were canceled; the engine's Close waits for their runs", err)
	}
	return nil
}

// unknownRoute answers what no /v1 route matches: 405 with Allow when the
// path exists under another method, else 404. The mux decides which, so
// the routes stay listed in New alone.
func unknownRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/v1/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, apiError{status: http.StatusMethodNotAllowed, typ: typeInvalidRequest, code: "method_not_allowed",
				msg: fmt.Sprintf("%s %s is not allowed; use %s", r.Method, r.URL.Path, strings.Join(allow, " or "))})
			return
		}
		writeError(w, notFound("unknown_url", "", "no route %s %s; `hive serve -h` lists the API", r.Method, r.URL.Path))
	})
}

// authenticate checks the bearer token on everything but /healthz, which
// orchestrators probe without credentials.
func (s *Server) authenticate(next http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return next
	}
	want := []byte("Bearer " + s.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			got := []byte(r.Header.Get("Authorization"))
			if subtle.ConstantTimeCompare(got, want) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="hive"`)
				writeError(w, errUnauthorized)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// instrument counts requests by the mux's route pattern (bounded, unlike
// raw paths) and status.
func (s *Server) instrument(next http.Handler, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.active.add()
		defer s.active.done()
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			// Rejected before routing (401) or unmatched (404, 405).
			if _, p := mux.Handler(r); p != "" {
				route = p
			} else {
				route = "unmatched"
			}
		}
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		s.reqs.WithLabelValues(route, strconv.Itoa(code)).Inc()
		s.reqTime.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter records the status code. Unwrap lets http.ResponseController
// reach the real writer for Flush and SetWriteDeadline.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush is here too because some handlers (pprof, promhttp) assert
// http.Flusher directly instead of using a ResponseController.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable"}` + "\n"))
		return
	}
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// answerBuffers holds the buffers answers are encoded into; a buffer that
// grew past maxPooledAnswer is dropped rather than kept.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledAnswer = 256 << 10

// writeResult writes res's wire form (consensus.ResultJSON, the same bytes
// writeJSON would write) with its Content-Length, so a client reads one
// unchunked body whatever its size.
func writeResult(w http.ResponseWriter, code int, res *consensus.Result) {
	bp := answerBuffers.Get().(*[]byte)
	b := append(res.AppendJSON((*bp)[:0]), '\n')
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(code)
	_, _ = w.Write(b)
	if cap(b) <= maxPooledAnswer {
		*bp = b
		answerBuffers.Put(bp)
	}
}

// contentTypeJSON is shared by every answer; the server only reads it.
var contentTypeJSON = []string{"application/json"}
