package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hiveperf/hive/harness/results"
)

// Options are the knobs of a run that are not part of the scenario.
type Options struct {
	// Declared is the declared upstream latency of one run (see
	// MockLatency.Declared); 0 when the harness did not start the mock.
	Declared time.Duration
	// SampleEvery is the server memory sampling interval (default 1 s).
	SampleEvery time.Duration
	// StopGrace is how long in-flight requests may finish after ctx is
	// canceled (Ctrl-C) before they are cut and counted as interrupted
	// (default 2 s).
	StopGrace time.Duration
	// Client overrides the HTTP client (tests); by default Run builds one
	// shared transport sized for the scenario (NewTransport).
	Client *http.Client
	// Soak, when set, fits memory growth over the run (see Soak).
	Soak *SoakConfig
	// Segment, when set, runs only that segment of the scenario (see
	// Segment in the package doc): its share of the open model's arrivals
	// or of the closed model's users. Its thresholds are not judged; the
	// merge of the N segments judges them once, on their union.
	Segment *results.Part
}

// Defaults of zero Options fields.
const (
	DefaultSampleEvery = time.Second
	DefaultStopGrace   = 2 * time.Second
	// maxBody bounds what is read of one answer; a consensus reply is a few
	// KB, a conversation a few tens.
	maxBody = 8 << 20
	// warmupWait bounds how long Run waits for the warm-up question to be
	// answered from the cache (the engine writes its cache asynchronously).
	warmupWait = 5 * time.Second
	// idPoolSize is how many recent conversation ids conversation_read
	// picks from.
	idPoolSize = 4096
)

// NewTransport is the one transport every virtual user shares: keep-alive
// connections to the one loopback host, as many idle ones as there can be
// requests in flight (so no request pays a new TCP handshake because the
// pool was too small), no proxy (the target is loopback; an HTTP_PROXY in
// the environment must not intercept it), no compression.
func NewTransport(inFlight int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        inFlight + 16,
		MaxIdleConnsPerHost: inFlight + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
}

// inFlight is the most requests a scenario can have running at once.
func (sc *Scenario) inFlight() int {
	if sc.Model == Open {
		return sc.MaxInFlight
	}
	return sc.Users
}

// sample is one finished request. at is its start on the run's clock: the
// scheduled arrival for an open model, the actual send for a closed one;
// latency runs from there to the last byte of the answer.
type sample struct {
	kind     Kind
	class    string // "" when ok
	at       time.Duration
	latency  time.Duration
	overhead time.Duration // engine overhead reported by a consensus reply; -1 when none
}

// recorder collects samples from every virtual user.
type recorder struct {
	mu       sync.Mutex
	samples  []sample
	examples map[string]string // first message seen per error class
	lastDone time.Time
	lags     []float64 // open model: scheduled arrival → handed to the client, ns
}

func (r *recorder) add(s sample, done time.Time, example string) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	if done.After(r.lastDone) {
		r.lastDone = done
	}
	if s.class != "" && example != "" {
		if _, seen := r.examples[s.class]; !seen {
			if len(example) > maxExampleMessageLen {
				example = example[:maxExampleMessageLen] + "…"
			}
			r.examples[s.class] = example
		}
	}
	r.mu.Unlock()
}

// idPool holds the ids of recent conversations for conversation_read,
// each with the replica that holds it (every replica has its own
// database).
type idPool struct {
	mu  sync.Mutex
	ids []convID
	pos int
}

type convID struct {
	id      int64
	replica int // index into runner.urls
}

func (p *idPool) put(id int64, replica int) {
	if id <= 0 {
		return
	}
	p.mu.Lock()
	if len(p.ids) < idPoolSize {
		p.ids = append(p.ids, convID{id, replica})
	} else {
		p.ids[p.pos] = convID{id, replica}
		p.pos = (p.pos + 1) % idPoolSize
	}
	p.mu.Unlock()
}

func (p *idPool) pick(u float64) (convID, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ids) == 0 {
		return convID{}, false
	}
	return p.ids[int(u*float64(len(p.ids)))%len(p.ids)], true
}

// runner is one run in progress.
type runner struct {
	sc      Scenario
	target  Target
	client  *http.Client
	rec     *recorder
	ids     idPool
	t0      time.Time
	hardCtx context.Context // cut in-flight requests; canceled only at the very end
	runID   string
	seq     atomic.Uint64
	picker  []kindWeight
	cacheQ  string
	bufs    sync.Pool
	// urls are the replicas requests are spread over (Target.URL first);
	// next picks one round robin.
	urls []string
	next atomic.Uint64
	// seg is the segment this runner offers (0/1: the whole scenario).
	seg results.Part

	issued   atomic.Int64 // closed model: requests started (the cap counts these)
	arrivals atomic.Int64 // open model: arrivals whose fate was decided
	dropped  atomic.Int64
	capHit   atomic.Bool
}

type kindWeight struct {
	kind Kind
	cum  float64 // cumulative share in (0, 1]
}

func newPicker(sc *Scenario) []kindWeight {
	var total float64
	for _, k := range Kinds {
		total += sc.Weight(k)
	}
	var out []kindWeight
	var cum float64
	for _, k := range Kinds {
		if w := sc.Weight(k); w > 0 {
			cum += w / total
			out = append(out, kindWeight{k, cum})
		}
	}
	out[len(out)-1].cum = 1
	return out
}

// pick maps u in [0, 1) to a kind in proportion to the mix weights.
func (r *runner) pick(u float64) Kind {
	for _, kw := range r.picker {
		if u < kw.cum {
			return kw.kind
		}
	}
	return r.picker[len(r.picker)-1].kind
}

// Run drives the scenario against target and returns the report, partial
// (Complete false) when ctx is canceled. Thresholds are evaluated into the
// report; Run's error is reserved for input it cannot run at all (a
// non-loopback target, an invalid scenario).
func Run(ctx context.Context, sc Scenario, target Target, opt Options) (*Report, error) {
	urls, seg, thresholds, err := checkRun(sc, target, opt)
	if err != nil {
		return nil, err
	}
	base := urls[0]
	target.URL, target.Replicas = base, urls[1:]
	if opt.SampleEvery <= 0 {
		opt.SampleEvery = DefaultSampleEvery
	}
	if opt.StopGrace <= 0 {
		opt.StopGrace = DefaultStopGrace
	}
	client := opt.Client
	if client == nil {
		tr := NewTransport(sc.inFlight())
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr}
	}
	hardCtx, cutInFlight := context.WithCancel(context.WithoutCancel(ctx))
	defer cutInFlight()

	r := &runner{
		sc: sc, target: target, client: client, hardCtx: hardCtx,
		rec:    &recorder{examples: map[string]string{}},
		runID:  strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(os.Getpid()),
		picker: newPicker(&sc),
		urls:   urls, seg: seg,
	}
	r.cacheQ = "hivebench load " + r.runID + ": what is the difference between a closed and an open load model?"
	r.bufs.New = func() any { return new(bytes.Buffer) }

	rep := &Report{Scenario: sc, Target: base, Replicas: target.Replicas, ServerPID: target.PID, Started: time.Now().UTC(), MaxRequests: sc.MaxRequestsOrDefault(), Segment: opt.Segment}
	if opt.Declared > 0 {
		rep.DeclaredMS = float64(opt.Declared) / 1e6
		rep.declared = opt.Declared
	}
	if sc.Weight(KindCacheHit) > 0 || sc.Weight(KindConversationRead) > 0 {
		rep.Warmup = r.warmup(ctx)
	}

	// One sampler per replica: each is a server of its own.
	samplers := []*sampler{newSampler(target, opt.SampleEvery)}
	for _, u := range target.Replicas {
		samplers = append(samplers, newSampler(Target{URL: u, Token: target.Token}, opt.SampleEvery))
	}
	r.t0 = time.Now()
	samplerCtx, stopSampler := context.WithCancel(context.WithoutCancel(ctx))
	var samplersDone sync.WaitGroup
	for _, s := range samplers {
		samplersDone.Go(func() { s.run(samplerCtx, r.t0) })
	}

	issueCtx, stopIssuing := context.WithDeadline(ctx, r.t0.Add(sc.Duration))
	var wg sync.WaitGroup
	if sc.Model == Open {
		// The open scheduler ends on its own schedule, not on issueCtx's
		// deadline: a scheduler running late must still decide (issue or
		// drop) every arrival scheduled inside the duration.
		r.runOpen(ctx, &wg)
	} else {
		r.runClosed(issueCtx, &wg)
	}
	stopIssuing()
	issuingEnded := time.Now()
	interrupted := r.drain(ctx, &wg, opt.StopGrace, cutInFlight)
	stopSampler()
	samplersDone.Wait()

	r.finish(rep, issuingEnded, interrupted)
	rep.Memory = samplers[0].report()
	for _, s := range samplers[1:] {
		rep.ReplicaMemory = append(rep.ReplicaMemory, s.report())
	}
	rep.build(r.rec)
	if opt.Segment == nil {
		for _, t := range thresholds {
			rep.Thresholds = append(rep.Thresholds, t.Evaluate(rep, opt.Declared))
		}
	}
	if opt.Soak != nil {
		rep.Soak = AnalyzeSoak(rep.Memory.Samples, *opt.Soak)
	}
	return rep, nil
}

// checkRun checks what Run is given before anything starts: the scenario,
// the target's URLs (the first is the target, the rest replicas), the
// segment and the thresholds.
func checkRun(sc Scenario, target Target, opt Options) ([]string, results.Part, []Threshold, error) {
	seg := results.Part{Index: 0, Count: 1}
	if err := sc.Validate(); err != nil {
		return nil, seg, nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	urls, err := target.checkedURLs()
	if err != nil {
		return nil, seg, nil, err
	}
	if opt.Segment != nil {
		seg = *opt.Segment
		if err := sc.CheckSegment(seg); err != nil {
			return nil, seg, nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
	}
	var thresholds []Threshold
	for _, e := range sc.Thresholds {
		t, err := ParseThreshold(e)
		if err != nil {
			return nil, seg, nil, err
		}
		thresholds = append(thresholds, t)
	}
	return urls, seg, thresholds, nil
}

// drain lets the requests in flight finish once issuing has stopped:
// every one within its own timeout after a normal end, stopGrace after an
// interrupt; then it cuts the rest (they are counted as interrupted, not
// as errors). It reports whether the run was interrupted, before the
// drain or during it.
func (r *runner) drain(ctx context.Context, wg *sync.WaitGroup, stopGrace time.Duration, cutInFlight context.CancelFunc) bool {
	interrupted := ctx.Err() != nil
	drained := make(chan struct{})
	go func() { wg.Wait(); close(drained) }()
	grace := r.sc.Timeout + time.Second
	cancelled := ctx.Done()
	if interrupted {
		grace, cancelled = stopGrace, nil
	}
	graceTimer := time.NewTimer(grace)
	defer graceTimer.Stop()
	select {
	case <-drained:
	case <-graceTimer.C:
		cutInFlight()
		<-drained
	case <-cancelled:
		// Ctrl-C during the drain: wait only as briefly as during the run.
		interrupted = true
		select {
		case <-drained:
		case <-time.After(stopGrace):
			cutInFlight()
			<-drained
		}
	}
	return interrupted
}

// finish records in rep how long the run issued and lasted, whether it is
// complete (or why not), and the fate of the open model's arrivals.
func (r *runner) finish(rep *Report, issuingEnded time.Time, interrupted bool) {
	end := r.rec.lastDone
	if end.Before(issuingEnded) {
		end = issuingEnded
	}
	rep.Elapsed = end.Sub(r.t0)
	rep.t0 = r.t0
	rep.Window = issuingEnded.Sub(r.t0)
	switch {
	case interrupted:
		rep.IncompleteReason = fmt.Sprintf("interrupted after %.1fs of %v; partial results", issuingEnded.Sub(r.t0).Seconds(), r.sc.Duration)
	case r.capHit.Load():
		rep.IncompleteReason = fmt.Sprintf("stopped after %.1fs of %v: the request cap (%d) was reached", issuingEnded.Sub(r.t0).Seconds(), r.sc.Duration, rep.MaxRequests)
	default:
		rep.Complete = true
	}
	rep.Arrivals = r.arrivals.Load()
	rep.Dropped = r.dropped.Load()
}

// runClosed starts Users virtual users; each sends, waits for the answer,
// thinks, and repeats until issueCtx ends or the request cap is reached.
// Latency is measured from the actual send: a closed model has no
// schedule to fall behind.
func (r *runner) runClosed(issueCtx context.Context, wg *sync.WaitGroup) {
	limit := r.sc.segmentCap(r.seg)
	// The segment's users are the scenario's users u ≡ I (mod N), each
	// with its own random stream, so the N segments' users are the
	// unsegmented run's.
	for u := r.seg.Index; u < r.sc.Users; u += r.seg.Count {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(r.sc.Seed, uint64(u)))
			timer := time.NewTimer(time.Hour)
			timer.Stop()
			for issueCtx.Err() == nil {
				if r.issued.Add(1) > limit {
					r.issued.Add(-1)
					r.capHit.Store(true)
					return
				}
				kind := r.pick(rng.Float64())
				r.do(kind, time.Now(), rng.Float64())
				think := r.sc.Think
				if j := r.sc.ThinkJitter; j > 0 {
					think += time.Duration((rng.Float64()*2 - 1) * float64(j))
				}
				if think > 0 && !sleepUntil(issueCtx, timer, time.Now().Add(think)) {
					return
				}
			}
		}()
	}
	// Issuing ends at the deadline, or earlier when every user stopped at
	// the request cap.
	usersDone := make(chan struct{})
	go func() { wg.Wait(); close(usersDone) }()
	select {
	case <-issueCtx.Done():
	case <-usersDone:
	}
}

// runOpen schedules arrival i at t0 + i/rate, for every i with a scheduled
// time inside the duration. An arrival starts as soon as an in-flight slot
// is free; if none frees up before the next arrival's time (its slot), it
// is dropped and counted. Latency runs from the scheduled time, so time an
// arrival spent waiting — for a slot, or for a generator that fell behind —
// is charged to it rather than omitted. A scheduler that falls behind
// still decides every arrival of the duration, late (its slot then has
// passed: it starts only if a slot is free at once); only ctx (Ctrl-C)
// stops it early.
func (r *runner) runOpen(ctx context.Context, wg *sync.WaitGroup) {
	// An arrival takes one of MaxInFlight slots (a send on slots succeeds
	// while fewer are taken) and is queued for the workers, who free its
	// slot when its request is done. Slots are counted, not idle workers:
	// whether a worker goroutine has been scheduled back to its receive
	// yet is the harness's own CPU starvation on a loaded machine, not a
	// full in-flight window, and dropping an arrival for it would report
	// the generator's lag as the server's. (An unbuffered hand-off to idle
	// workers did drop arrivals at 200/s with load average 30 on 2 cores.)
	// Long-lived workers keep their grown stacks and connections, which a
	// goroutine per request would pay for on every arrival.
	type arrival struct {
		kind  Kind
		sched time.Time
		u     float64
	}
	inflight := share(r.sc.MaxInFlight, r.seg)
	slots := make(chan struct{}, inflight)
	work := make(chan arrival, inflight)
	defer close(work)
	for w := 0; w < inflight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				r.do(a.kind, a.sched, a.u)
				<-slots
			}
		}()
	}
	limit := r.sc.MaxRequestsOrDefault()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	// The segment's arrivals are the schedule's arrivals i ≡ I (mod N): the
	// N segments' arrivals are the schedule, each once.
	step := int64(r.seg.Count)
	for i := int64(r.seg.Index); ; i += step {
		if !r.sc.scheduled(i) {
			return
		}
		off := r.sc.Rate.offset(i)
		if i >= limit {
			r.capHit.Store(true)
			return
		}
		sched := r.t0.Add(off)
		if !sleepUntil(ctx, timer, sched) {
			return
		}
		a := arrival{kind: r.pick(unit(splitmix64(r.sc.Seed ^ splitmix64(uint64(i))))), sched: sched, u: unit(splitmix64(uint64(i) ^ 0x5bd1e995))}
		select {
		case slots <- struct{}{}:
		default:
			if !sendBy(ctx, slots, struct{}{}, timer, r.t0.Add(r.sc.Rate.offset(i+step))) {
				if ctx.Err() != nil {
					return // interrupted while waiting: this arrival's fate is unknown
				}
				r.arrivals.Add(1)
				r.dropped.Add(1)
				continue
			}
		}
		work <- a // never blocks: work holds as many as there are slots
		r.arrivals.Add(1)
		lag := time.Since(sched)
		r.rec.mu.Lock()
		r.rec.lags = append(r.rec.lags, float64(lag))
		r.rec.mu.Unlock()
	}
}

// sleepUntil waits until t or until ctx ends; it reports whether t came.
func sleepUntil(ctx context.Context, timer *time.Timer, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(d)
	select {
	case <-timer.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		timer.Stop()
		return false
	}
}

// sendBy sends v on ch (takes a slot), waiting until deadline at most.
func sendBy[T any](ctx context.Context, ch chan<- T, v T, timer *time.Timer, deadline time.Time) bool {
	d := time.Until(deadline)
	if d <= 0 {
		select {
		case ch <- v:
			return true
		default:
			return false
		}
	}
	timer.Reset(d)
	select {
	case ch <- v:
		timer.Stop()
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		timer.Stop()
		return false
	}
}

// consensusBody is the request of POST /v1/consensus.
type consensusBody struct {
	Question string `json:"question"`
	Profile  string `json:"profile"`
	NoCache  bool   `json:"no_cache"`
}

// consensusReply is what the generator reads of a POST /v1/consensus answer.
type consensusReply struct {
	ConversationID int64   `json:"conversation_id"`
	Status         string  `json:"status"`
	OverheadMS     float64 `json:"overhead_ms"`
	Cached         bool    `json:"cached"`
}

// do sends one request of kind k that started (or was scheduled) at start,
// reads the whole answer and records it. u is a uniform draw for choices
// inside the request (which conversation to read).
func (r *runner) do(k Kind, start time.Time, u float64) {
	ctx, cancel := context.WithTimeout(r.hardCtx, r.sc.Timeout)
	defer cancel()
	s := sample{kind: k, at: start.Sub(r.t0), overhead: -1}
	replica := int(r.next.Add(1)-1) % len(r.urls)

	var req *http.Request
	var err error
	switch k {
	case KindConsensus:
		q := fmt.Sprintf("hivebench load %s #%d: how should a service shed load when its queue grows?", r.runID, r.seq.Add(1))
		req, err = r.consensusRequest(ctx, replica, q, true)
	case KindCacheHit:
		req, err = r.consensusRequest(ctx, replica, r.cacheQ, false)
	case KindConversationRead:
		c, ok := r.ids.pick(u)
		if !ok {
			s.class = ClassNoConversation
			s.latency = time.Since(start)
			r.rec.add(s, time.Now(), "no conversation had been created yet to read (the warm-up failed and no consensus request succeeded)")
			return
		}
		// The conversation lives on the replica that created it.
		replica = c.replica
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, r.urls[replica]+"/v1/conversations/"+strconv.FormatInt(c.id, 10), nil)
	}
	if err != nil {
		s.class = ClassOther
		r.rec.add(s, time.Now(), err.Error())
		return
	}
	if r.target.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.target.Token)
	}

	buf := r.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.bufs.Put(buf)
	resp, err := r.client.Do(req)
	if err == nil {
		_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
	}
	done := time.Now()
	s.latency = done.Sub(start)
	if err != nil {
		s.class = classify(err, ctx, r.hardCtx)
		r.rec.add(s, done, err.Error())
		return
	}
	if resp.StatusCode != http.StatusOK {
		s.class = httpClass(resp.StatusCode)
		r.rec.add(s, done, string(bytes.TrimSpace(buf.Bytes())))
		return
	}
	example := ""
	switch k {
	case KindConsensus, KindCacheHit:
		var rep consensusReply
		switch err := json.Unmarshal(buf.Bytes(), &rep); {
		case err != nil:
			s.class, example = ClassBadResponse, "decoding the consensus reply: "+err.Error()
		case rep.Status != "ok":
			s.class, example = ClassRunStatus, fmt.Sprintf("run status %q (conversation %d)", rep.Status, rep.ConversationID)
		case k == KindCacheHit && !rep.Cached:
			s.class, example = ClassCacheMiss, "the repeated question was not answered from the cache"
		case k == KindConsensus:
			if rep.Cached {
				s.class, example = ClassBadResponse, "a no_cache request was answered from the cache"
				break
			}
			s.overhead = time.Duration(rep.OverheadMS * 1e6)
			r.ids.put(rep.ConversationID, replica)
		}
	case KindConversationRead:
		var c struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(buf.Bytes(), &c); err != nil || c.ID <= 0 {
			s.class, example = ClassBadResponse, fmt.Sprintf("decoding the conversation: id %d, %v", c.ID, err)
		}
	}
	r.rec.add(s, done, example)
}

func (r *runner) consensusRequest(ctx context.Context, replica int, question string, noCache bool) (*http.Request, error) {
	body, err := json.Marshal(consensusBody{Question: question, Profile: r.sc.Profile, NoCache: noCache})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.urls[replica]+"/v1/consensus", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// warmup asks the cache question once on every replica (it creates a
// conversation and fills that replica's cache) and waits until each
// answers it from the cache, so that cache_hit requests measure hits and
// conversation_read has an id from the start. Its requests are not
// measured. It returns what happened, for the report; a failure does not
// stop the run (the measured requests will show the errors).
func (r *runner) warmup(ctx context.Context) string {
	var out []string
	for i := range r.urls {
		msg := r.warmupReplica(ctx, i)
		if len(r.urls) > 1 {
			msg = r.urls[i] + ": " + msg
		}
		out = append(out, msg)
	}
	return strings.Join(out, "; ")
}

func (r *runner) warmupReplica(ctx context.Context, replica int) string {
	ctx, cancel := context.WithTimeout(ctx, r.sc.Timeout+warmupWait)
	defer cancel()
	ask := func() (consensusReply, error) {
		var rep consensusReply
		req, err := r.consensusRequest(ctx, replica, r.cacheQ, false)
		if err != nil {
			return rep, err
		}
		if r.target.Token != "" {
			req.Header.Set("Authorization", "Bearer "+r.target.Token)
		}
		resp, err := r.client.Do(req)
		if err != nil {
			return rep, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			return rep, err
		}
		if resp.StatusCode != http.StatusOK {
			return rep, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(body[:min(len(body), 200)]))
		}
		return rep, json.Unmarshal(body, &rep)
	}
	first, err := ask()
	if err != nil {
		return "failed: " + err.Error()
	}
	r.ids.put(first.ConversationID, replica)
	deadline := time.Now().Add(warmupWait)
	for time.Now().Before(deadline) {
		rep, err := ask()
		if err != nil {
			return "failed while waiting for the cache: " + err.Error()
		}
		if rep.Cached {
			return fmt.Sprintf("ok: conversation %d created, its question answered from the cache", first.ConversationID)
		}
		select {
		case <-ctx.Done():
			return "interrupted"
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Sprintf("the warm-up question was not answered from the cache within %v; cache_hit requests will count cache_miss errors", warmupWait)
}

// splitmix64 mixes a 64-bit value (Steele, Lea, Flood 2014): the open
// model draws each arrival's kind from hash(seed, i), so the mix of a run
// is reproducible and independent of goroutine timing.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps r to [0, 1).
func unit(r uint64) float64 { return float64(r>>11) / (1 << 53) }
