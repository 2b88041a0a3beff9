package consensus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Completer is what the engine needs of an LLM client; *llm.Client has it.
// onToken receives each content delta as it streams (nil: not wanted).
type Completer interface {
	Chat(ctx context.Context, req llm.Request, onToken func(delta string)) (*llm.Response, error)
}

var _ Completer = (*llm.Client)(nil)

// Store is what the engine needs of the database; *store.Store has it.
type Store interface {
	RecordRun(ctx context.Context, c *store.Conversation, msgs []store.Message) (int64, error)
	CacheGet(ctx context.Context, key string) ([]byte, bool, error)
	CachePut(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

var _ Store = (*store.Store)(nil)

// groupCommitter is a Store that can record runs off the run's path with
// group commit (*store.Store can): see store.RunRecorder.
type groupCommitter interface {
	NewRunRecorder() *store.RunRecorder
}

// ErrEmptyQuestion is returned (as a usage error) for a blank question.
var ErrEmptyQuestion = errors.New("consensus: the question is empty; ask something, e.g. hive ask \"What is a B-tree?\"")

// ErrClosed is returned by Run and Lookup after Close: the store may be
// closed next, so nothing may start that would read or write it.
var ErrClosed = errors.New("consensus: the engine is closed (shutting down); the run was not started")

// Defaults for the options.
const (
	DefaultCacheEntries = 1024
	DefaultCacheTTL     = 24 * time.Hour
	// DefaultRecordTimeout bounds how long a run waits for its record at
	// the end (for the conversation's id and the commit of its outcome). It is three times SQLite's busy timeout in the store (10 s):
	// a write waits up to that long for another process's lock, and may be
	// queued behind other runs' writes that waited too. A run that hits it
	// says so (Result.Recorded false, RecordErr) and its record is still
	// completed when the store accepts it. The wait runs on a context
	// detached from the caller's, so a canceled run is recorded too.
	DefaultRecordTimeout = 30 * time.Second
	// cacheQueue bounds write-behind cache puts; when it is full a put is
	// dropped (the in-memory LRU still has the entry), never waited for.
	cacheQueue = 256
)

// Engine runs questions through a profile's stages. It is safe for
// concurrent use; Close flushes pending run records and cache writes.
type Engine struct {
	cfg           *Config
	client        Completer
	store         Store
	runs          *store.RunRecorder // nil unless the store is a groupCommitter
	m             *metrics
	lru           *lru
	cacheTTL      time.Duration
	recordTimeout time.Duration

	// mu orders Run's and Lookup's entry (active.Add) before Close's
	// active.Wait: after Close has set closed, nothing new touches the store.
	mu     sync.RWMutex
	closed bool
	active sync.WaitGroup // Run and Lookup calls in progress
	// late counts the records finished after their run gave up waiting
	// (see record); Close waits for them before it stops the recorder.
	late      sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	puts    chan cachePut
	writerW sync.WaitGroup
	putErrs func(error)
}

type cachePut struct {
	key   string
	value []byte
}

type options struct {
	store         Store
	reg           prometheus.Registerer
	cacheEntries  int
	cacheTTL      time.Duration
	recordTimeout time.Duration
	onStoreError  func(error)
}

// Option configures New.
type Option func(*options)

// WithStore records every run and backs the cache with the store's table.
// Without it runs are not recorded (ConversationID stays 0) and the cache is
// in-memory only.
func WithStore(s Store) Option { return func(o *options) { o.store = s } }

// WithRegisterer registers the engine's metrics there (default: a private
// registry nobody scrapes). Pass the registry your /metrics serves.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.reg = r } }

// WithCache sets the in-memory LRU's size (0 disables it) and the TTL of
// cache entries in both layers (0: entries never expire).
func WithCache(entries int, ttl time.Duration) Option {
	return func(o *options) { o.cacheEntries, o.cacheTTL = entries, ttl }
}

// WithRecordTimeout sets how long a run waits for its record at the end
// (default DefaultRecordTimeout). Lower it only in tests: a value below
// the store's busy timeout turns a briefly locked database into answers
// that say they were not recorded.
func WithRecordTimeout(d time.Duration) Option { return func(o *options) { o.recordTimeout = d } }

// WithStoreErrorHandler receives errors of background store writes (cache
// puts, and the late record of a run answered as not recorded), which have
// no caller to return to (default: ignored; they are also counted in
// hive_consensus_errors_total{kind="store"}).
func WithStoreErrorHandler(f func(error)) Option { return func(o *options) { o.onStoreError = f } }

// New returns an engine for cfg (from DefaultConfig or LoadConfig) that
// sends requests through client.
func New(cfg *Config, client Completer, opts ...Option) (*Engine, error) {
	if cfg == nil || len(cfg.Profiles) == 0 {
		return nil, errors.New("consensus: New needs a config with profiles (DefaultConfig or LoadConfig)")
	}
	if client == nil {
		return nil, errors.New("consensus: New needs an LLM client")
	}
	o := options{cacheEntries: DefaultCacheEntries, cacheTTL: DefaultCacheTTL, recordTimeout: DefaultRecordTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.recordTimeout <= 0 {
		return nil, fmt.Errorf("consensus: WithRecordTimeout(%v): want a positive duration", o.recordTimeout)
	}
	if o.reg == nil {
		o.reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(o.reg)
	if err != nil {
		return nil, fmt.Errorf("consensus: registering metrics: %w", err)
	}
	e := &Engine{
		cfg: cfg, client: client, store: o.store, m: m,
		lru: newLRU(o.cacheEntries, o.cacheTTL), cacheTTL: o.cacheTTL, recordTimeout: o.recordTimeout,
		putErrs: o.onStoreError,
	}
	if e.store != nil {
		if g, ok := e.store.(groupCommitter); ok {
			e.runs = g.NewRunRecorder() // it writes the cache puts too
		} else {
			e.puts = make(chan cachePut, cacheQueue)
			e.writerW.Add(1)
			go e.writeBehind()
		}
	}
	return e, nil
}

// Config returns the engine's configuration (read-only).
func (e *Engine) Config() *Config { return e.cfg }

// Close refuses new runs (ErrClosed), waits for the runs in progress to
// return (their records queued), then for queued run records and cache
// writes to reach the store. Call it before closing the store, and cancel
// the runs' contexts first: a run that is not canceled keeps Close waiting
// until it ends. Every call returns after the work is done.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.closeOnce.Do(func() {
		e.active.Wait()
		e.late.Wait()
		if e.puts != nil {
			close(e.puts)
		}
		e.writerW.Wait()
		if e.runs != nil {
			e.closeErr = e.runs.Close()
		}
	})
	return e.closeErr
}

// enter registers a Run or Lookup in progress, unless the engine is
// closed; the caller calls e.active.Done when it returns.
func (e *Engine) enter() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return false
	}
	e.active.Add(1)
	return true
}

// writeBehind persists cache entries off the request path: the LRU already
// answers repeats in this process, so the store copy only has to arrive
// before the next process starts.
func (e *Engine) writeBehind() {
	defer e.writerW.Done()
	for p := range e.puts {
		ctx, cancel := context.WithTimeout(context.Background(), e.recordTimeout)
		err := e.store.CachePut(ctx, p.key, p.value, e.cacheTTL)
		cancel()
		if err != nil {
			e.storeError(err)
		}
	}
}

// storeError counts and reports an error of a background store write,
// which has no caller to return to.
func (e *Engine) storeError(err error) {
	e.m.errors.WithLabelValues(errKindStore).Inc()
	if e.putErrs != nil {
		e.putErrs(err)
	}
}

// Run answers req. It returns the Result and, when the run did not finish
// (a stage failed, the context was canceled), an error as well as the
// partial Result; a budget stop is not an error (Result.Status says so).
// Bad input (empty question, unknown profile, negative cap) is an
// exit-code-2 error with a nil Result.
func (e *Engine) Run(ctx context.Context, req Request, on EventHandler) (*Result, error) {
	start := time.Now()
	if !e.enter() {
		return nil, ErrClosed
	}
	defer e.active.Done()
	pr, err := e.prepare(req)
	if err != nil {
		return nil, err
	}
	if !req.NoCache {
		if res := e.answerFromCache(ctx, pr, start); res != nil {
			replay(on, res)
			return res, nil
		}
	}
	p, question, ctxText, key := pr.profile, pr.question, pr.context, pr.key

	e.m.inflight.Inc()
	defer e.m.inflight.Dec()

	// The conversation row is inserted while the stages run, so that its id
	// is known, without waiting on the store, when they end.
	var rw *store.RunWrite
	if e.runs != nil {
		rw = e.runs.Begin(&store.Conversation{CreatedAt: start, Question: question, Context: ctxText,
			Profile: p.Name, CacheKey: key})
	}

	res := &Result{Profile: p.Name, Question: question, Status: StatusOK, CacheKey: key,
		Stages: make([]StageRecord, len(p.plan))}
	runErr := e.runStages(ctx, p, req, question, ctxText, res, on)
	res.setFinal()

	if e.store != nil {
		res.ConversationID, res.RecordErr = e.record(ctx, rw, p.Name, ctxText, res, time.Since(start))
		res.Recorded = res.RecordErr == nil
		if res.RecordErr != nil {
			e.m.errors.WithLabelValues(errKindStore).Inc()
			e.m.unrecorded.Inc()
		}
	}
	res.Wall = time.Since(start)
	res.Overhead = max(0, res.Wall-res.Upstream)

	e.m.runs.WithLabelValues(p.Name, res.Status).Inc()
	e.m.runDuration.WithLabelValues(p.Name).Observe(res.Wall.Seconds())
	e.m.overhead.Observe(res.Overhead.Seconds())

	// An answer whose record is missing is not cached: its hits would
	// carry no conversation to read back.
	if res.Status == StatusOK && (e.store == nil || res.Recorded) {
		e.remember(key, res)
	}
	if on != nil {
		if runErr != nil {
			on(Event{Kind: EventError, Result: res, Err: runErr})
		} else {
			on(Event{Kind: EventDone, Result: res})
		}
	}
	return res, runErr
}

// runStages runs p's stages in order into res, each seeing the outputs of
// those before it, and returns the error that stopped the run: a stage that
// failed, or a canceled context. It stops before a stage once the run's
// cost has reached req.MaxCost; the stages after a stop are marked skipped.
func (e *Engine) runStages(ctx context.Context, p *Profile, req Request, question, ctxText string, res *Result, on EventHandler) error {
	outputs := make([]stageOutput, 0, len(p.plan))
	var runErr error
	stopped := false
	for i := range p.plan {
		ps := &p.plan[i]
		rec := &res.Stages[i]
		rec.Stage, rec.Model = ps.name, ps.cfg.Model
		switch {
		case stopped:
			rec.Status = StatusSkipped
			continue
		case ctx.Err() != nil:
			rec.Status, rec.Error = StatusCanceled, context.Cause(ctx).Error()
			res.Status, runErr, stopped = StatusCanceled, fmt.Errorf("consensus: run canceled before the %s stage: %w", ps.name, ctx.Err()), true
			e.m.errors.WithLabelValues(errKindCanceled).Inc()
			continue
		case req.MaxCost > 0 && res.Totals.Cost >= req.MaxCost:
			rec.Status = StatusBudget
			rec.Error = fmt.Sprintf("the run had cost %.6f USD, reaching max_cost %.6f USD, before this stage", res.Totals.Cost, req.MaxCost)
			res.Status, stopped = StatusBudget, true
			e.m.errors.WithLabelValues(errKindBudget).Inc()
			continue
		}
		var sampling Sampling
		if i == len(p.plan)-1 {
			sampling = req.FinalSampling
		}
		if err := e.runStage(ctx, i, ps, sampling, question, ctxText, outputs, rec, on); err != nil {
			res.Status, stopped = StatusFailed, true
			if ctx.Err() != nil {
				res.Status = StatusCanceled
				rec.Status = StatusCanceled
			}
			runErr = fmt.Errorf("consensus: %s stage (%s): %w", ps.name, ps.cfg.Model, err)
		} else {
			outputs = append(outputs, stageOutput{ps.name, rec.Content})
		}
		res.Totals.PromptTokens += rec.PromptTokens
		res.Totals.CompletionTokens += rec.CompletionTokens
		res.Totals.Cost += rec.Cost
		res.Totals.Latency += rec.Latency
		res.Upstream += rec.Upstream
	}
	return runErr
}

// setFinal sets the answer: the last stage's, or on a budget stop the last
// completed stage's.
func (r *Result) setFinal() {
	switch r.Status {
	case StatusOK:
		r.Final = r.Stages[len(r.Stages)-1].Content
	case StatusBudget:
		for i := len(r.Stages) - 1; i >= 0; i-- {
			if r.Stages[i].Status == StatusOK {
				r.Final = r.Stages[i].Content
				break
			}
		}
	}
}

// Lookup answers req from the response cache as Run would, without
// running anything: a Result with Cached set on a hit, nil on a miss or when
// req.NoCache is set. It refuses bad input as Run does. A caller that runs
// the question after a miss should set NoCache on the Run, so that the
// cache is not searched (nor the miss counted) twice.
//
// hive serve uses it to answer a hit before it prepares the connection for
// a run that may take minutes (deadlines, a timeout context), which a hit
// does not need.
func (e *Engine) Lookup(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if !e.enter() {
		return nil, ErrClosed
	}
	defer e.active.Done()
	pr, err := e.prepare(req)
	if err != nil || req.NoCache {
		return nil, err
	}
	return e.answerFromCache(ctx, pr, start), nil
}

// prepared is a validated request with its cache key.
type prepared struct {
	profile  *Profile
	question string // trimmed
	context  string // trimmed
	key      string
}

// prepare validates req and computes its cache key.
func (e *Engine) prepare(req Request) (prepared, error) {
	question := strings.TrimSpace(req.Question)
	norm := normalizeText(question)
	if norm == "" {
		return prepared{}, exitcode.With(exitcode.Usage, ErrEmptyQuestion)
	}
	if req.MaxCost < 0 || math.IsNaN(req.MaxCost) || math.IsInf(req.MaxCost, 0) {
		return prepared{}, exitcode.UsageError("consensus: max_cost is %v; want 0 (no cap) or a positive USD amount", req.MaxCost)
	}
	p, err := e.cfg.Profile(req.Profile)
	if err != nil {
		return prepared{}, err
	}
	if err := req.FinalSampling.check(); err != nil {
		return prepared{}, err
	}
	ctxText := strings.TrimSpace(req.Context)
	return prepared{profile: p, question: question, context: ctxText, key: cacheKey(p, norm, ctxText, req.FinalSampling)}, nil
}

// answerFromCache returns the cached answer to pr as a new Result (Cached,
// timed from start), or nil after counting a miss.
func (e *Engine) answerFromCache(ctx context.Context, pr prepared, start time.Time) *Result {
	hit, layer := e.lookup(ctx, pr.profile, pr.key, start)
	if hit == nil {
		e.m.cacheMisses.Inc()
		return nil
	}
	res := hit.clone()
	res.Question, res.Cached, res.CacheKey, res.Status = pr.question, true, pr.key, StatusOK
	res.Upstream = 0
	res.Wall = time.Since(start)
	res.Overhead = res.Wall
	e.m.cacheHits.WithLabelValues(layer).Inc()
	e.m.runs.WithLabelValues(pr.profile.Name, "cached").Inc()
	e.m.runDuration.WithLabelValues(pr.profile.Name).Observe(res.Wall.Seconds())
	return res
}

// runStage sends one stage, with sampling over its profile's settings, and
// fills rec. It returns the stage's error.
func (e *Engine) runStage(ctx context.Context, i int, ps *plannedStage, sampling Sampling, question, ctxText string,
	outputs []stageOutput, rec *StageRecord, on EventHandler) error {
	var onToken func(string)
	if on != nil {
		on(Event{Kind: EventStageStarted, Index: i, Stage: ps.name, Model: ps.cfg.Model})
		onToken = func(d string) { on(Event{Kind: EventToken, Index: i, Stage: ps.name, Delta: d}) }
	}
	lreq := llm.Request{
		Model:       ps.cfg.Model,
		Fallbacks:   ps.cfg.Fallbacks,
		Messages:    buildMessages(ps.name, question, ctxText, outputs),
		Temperature: ps.cfg.Temperature,
		MaxTokens:   ps.cfg.MaxTokens,
	}
	sampling.apply(&lreq)
	t0 := time.Now()
	resp, err := e.client.Chat(ctx, lreq, onToken)
	elapsed := time.Since(t0)

	if resp != nil {
		if resp.Model != "" {
			rec.Model = resp.Model
		}
		rec.Content, rec.FinishReason = resp.Content, resp.FinishReason
		rec.PromptTokens, rec.CompletionTokens = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
		rec.Cost = resp.Usage.Cost
		if !resp.Usage.CostReported {
			rec.Cost, rec.CostEstimated = e.estimateCost(rec.Model, ps.cfg.Model, resp.Usage)
		}
		rec.TTFT, rec.Latency, rec.Upstream, rec.Attempts = resp.TTFT, resp.Latency, resp.Upstream, resp.Attempts
		if rec.Latency == 0 {
			rec.Latency = elapsed
		}
	} else {
		// No response at all (every attempt failed before a byte): the
		// time went to upstream attempts, not to the engine.
		rec.Latency, rec.Upstream = elapsed, elapsed
	}
	sm := e.m.byStage[ps.name]
	if err != nil {
		rec.Status, rec.Error = StatusFailed, err.Error()
		e.m.errors.WithLabelValues(errorKind(err)).Inc()
	} else {
		rec.Status = StatusOK
		if rec.TTFT > 0 {
			sm.ttft.Observe(rec.TTFT.Seconds())
		}
	}
	e.m.stageLatency.WithLabelValues(ps.name, rec.Status).Observe(rec.Latency.Seconds())
	sm.promptTokens.Add(float64(rec.PromptTokens))
	sm.completionTokens.Add(float64(rec.CompletionTokens))
	sm.cost.Add(rec.Cost)
	if on != nil {
		on(Event{Kind: EventStageCompleted, Index: i, Stage: ps.name, Model: rec.Model, Record: rec})
	}
	return err
}

// estimateCost prices usage from the configured table, trying the model
// that answered and then the configured one.
func (e *Engine) estimateCost(answered, configured string, u llm.Usage) (float64, bool) {
	pr, ok := e.cfg.Prices[answered]
	if !ok {
		pr, ok = e.cfg.Prices[configured]
	}
	if !ok || (u.PromptTokens == 0 && u.CompletionTokens == 0) {
		return 0, false
	}
	return (float64(u.PromptTokens)*pr.Prompt + float64(u.CompletionTokens)*pr.Completion) / 1e6, true
}

// record writes the run's outcome and messages and waits for the commit:
// the answer that follows is a run the database holds. It runs detached
// from ctx: a run canceled by its caller is still worth recording.
//
// The wait is bounded by the record timeout. When the id has not come by
// then (the insert is still queued behind a locked database), the outcome
// is handed to a goroutine that writes it once the row exists, so the row
// does not stay "running"; the answer says it was not recorded, since it
// cannot carry the id.
func (e *Engine) record(ctx context.Context, rw *store.RunWrite, profile, ctxText string,
	res *Result, latency time.Duration) (int64, error) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.recordTimeout)
	defer cancel()
	now := time.Now()
	conv := &store.Conversation{
		CreatedAt: now.Add(-latency), Question: res.Question, Context: ctxText, Profile: profile,
		CacheKey: res.CacheKey, Status: res.Status, Final: res.Final, TotalCost: res.Totals.Cost, Latency: latency,
	}
	msgs := make([]store.Message, len(res.Stages))
	for i := range res.Stages {
		s := &res.Stages[i]
		msgs[i] = store.Message{
			Seq: i, Role: "assistant", Stage: s.Stage, Model: s.Model, Content: s.Content,
			PromptTokens: s.PromptTokens, CompletionTokens: s.CompletionTokens, Cost: s.Cost,
			TTFT: s.TTFT, Latency: s.Latency, Status: s.Status, Error: s.Error, CreatedAt: now,
		}
	}
	if rw == nil {
		id, err := e.store.RecordRun(wctx, conv, msgs)
		if err != nil {
			return 0, fmt.Errorf("consensus: recording the run: %w", err)
		}
		return id, nil
	}
	id, err := rw.ID(wctx)
	if err != nil {
		if wctx.Err() == nil {
			return 0, fmt.Errorf("consensus: recording the run: %w", err)
		}
		e.late.Add(1)
		go func() {
			defer e.late.Done()
			rw.Finish(conv, msgs, func(err error) {
				e.storeError(fmt.Errorf("consensus: completing the record of a run answered as not recorded: %w", err))
			})
		}()
		return 0, fmt.Errorf("consensus: the store did not record the run within %s (the record is still queued and "+
			"will be written when the database accepts it, under an id this answer cannot carry): %w", e.recordTimeout, err)
	}
	if res.Status == StatusOK {
		// The store's copy of the answer commits with the record, in
		// its transaction (see store.RunWrite.FinishCached); remember
		// then only fills the in-memory layer. Its wall time is the run's
		// until now: the record's own wait is not known yet, and nothing
		// reads it back.
		data := appendCached(nil, &cachedResult{ConversationID: id, Profile: res.Profile, Final: res.Final,
			Stages: res.Stages, Totals: res.Totals, Upstream: res.Upstream, Wall: latency})
		rw.FinishCached(conv, msgs, res.CacheKey, data, e.cacheTTL, nil)
	} else {
		rw.Finish(conv, msgs, nil)
	}
	if err := rw.Wait(wctx); err != nil {
		return id, fmt.Errorf("consensus: recording the run: %w", err)
	}
	return id, nil
}

// lookup checks the LRU, then the store. It returns the layer that hit.
func (e *Engine) lookup(ctx context.Context, p *Profile, key string, now time.Time) (*Result, string) {
	if r, ok := e.lru.get(key, now); ok {
		return r, "memory"
	}
	if e.store == nil {
		return nil, ""
	}
	data, ok, err := e.store.CacheGet(ctx, key)
	if err != nil {
		// A broken cache must not fail the run: count it and run upstream.
		e.m.errors.WithLabelValues(errKindStore).Inc()
		return nil, ""
	}
	if !ok {
		return nil, ""
	}
	r, err := decodeCached(data, p)
	if err != nil {
		e.m.errors.WithLabelValues(errKindStore).Inc()
		return nil, ""
	}
	r.wire = newWireCell(r)
	// The store's TTL already decided freshness; keep it in memory for at
	// most one more TTL.
	e.lru.put(key, r, now, time.Time{})
	return r, "store"
}

// remember puts a successful run in both cache layers; the store write is
// queued, not waited for.
func (e *Engine) remember(key string, res *Result) {
	kept := res.clone()
	kept.RecordErr = nil
	kept.wire = newWireCell(kept)
	e.lru.put(key, kept, time.Now(), time.Time{})
	if e.store == nil || e.runs != nil {
		return // with e.runs, record committed the store's copy
	}
	data := appendCached(nil, &cachedResult{ConversationID: res.ConversationID, Profile: res.Profile, Final: res.Final,
		Stages: res.Stages, Totals: res.Totals, Upstream: res.Upstream, Wall: res.Wall})
	// remember runs inside Run, which Close waits for before it closes
	// puts: it is still open here.
	select {
	case e.puts <- cachePut{key, data}:
	default:
		e.m.errors.WithLabelValues(errKindStore).Inc()
	}
}

// replay sends a cached result as the events a live run would have sent,
// each stage's text as one token event, so streaming clients need no
// special case for hits.
func replay(on EventHandler, res *Result) {
	if on == nil {
		return
	}
	for i := range res.Stages {
		s := &res.Stages[i]
		on(Event{Kind: EventStageStarted, Index: i, Stage: s.Stage, Model: s.Model})
		if s.Content != "" {
			on(Event{Kind: EventToken, Index: i, Stage: s.Stage, Delta: s.Content})
		}
		on(Event{Kind: EventStageCompleted, Index: i, Stage: s.Stage, Model: s.Model, Record: s})
	}
	on(Event{Kind: EventDone, Result: res})
}
