package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults for the client's timeouts and retries. A timeout of 0 disables it.
const (
	// DefaultAttemptTimeout bounds one HTTP attempt, headers to last byte.
	// Long answers from slow models take minutes.
	DefaultAttemptTimeout = 5 * time.Minute
	// DefaultTTFTTimeout bounds the wait from the start of an attempt to its
	// first content delta. Reasoning models think for a while first.
	DefaultTTFTTimeout = 2 * time.Minute
	// DefaultIdleTimeout bounds the silence between two reads of a stream.
	// Keep-alive comments count as reads, so a server that sends them (as
	// OpenRouter does while a model thinks) is not idle.
	DefaultIdleTimeout = 60 * time.Second
	DefaultMaxRetries  = 2
	DefaultBaseBackoff = 250 * time.Millisecond
	DefaultMaxBackoff  = 8 * time.Second
	// MaxRetryAfter caps how long a Retry-After header can make the client
	// wait; a server asking for longer gets a retry after this long.
	MaxRetryAfter = 60 * time.Second
	// DefaultMaxAnswerBytes caps the content of one answer: a model that
	// loops, or a server that never stops, must not grow memory (and the
	// bill) without bound. A long answer is a few tens of KB.
	DefaultMaxAnswerBytes = 1 << 20
)

// Client sends chat completions to one OpenAI-compatible endpoint. It is safe
// for concurrent use; make one and share it, since its connection pool is
// what keeps many concurrent runs cheap.
type Client struct {
	base       string
	chatURL    string
	modelsURL  string
	urlErr     error // a base URL that does not parse; returned by every call
	apiKey     string
	header     http.Header // complete request headers, shared read-only by all requests
	extra      http.Header
	hc         *http.Client
	attemptTO  time.Duration
	ttftTO     time.Duration
	idleTO     time.Duration
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
	maxAnswer  int
	// sleep waits between attempts; tests replace it to observe waits
	// without taking them.
	sleep func(ctx context.Context, d time.Duration) error
	// drains counts background drains of finished streams (see drain).
	drains sync.WaitGroup
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the endpoint's base URL (the part before
// "/chat/completions"); empty means DefaultBaseURL.
func WithBaseURL(u string) Option { return func(c *Client) { c.base = normalizeBaseURL(u) } }

// WithAPIKey sets the bearer token; empty sends no Authorization header.
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithHTTPClient makes the client use hc. hc.Timeout, if set, applies on top
// of the client's own timeouts and would cut long streams; leave it 0.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithTransport makes the client use rt instead of the shared transport.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *Client) { c.hc = &http.Client{Transport: rt} }
}

// WithAttemptTimeout bounds each HTTP attempt from its start to the stream's
// last byte. 0 disables it.
func WithAttemptTimeout(d time.Duration) Option { return func(c *Client) { c.attemptTO = d } }

// WithTTFTTimeout bounds the time from an attempt's start to its first
// content delta; keep-alive comments and role-only chunks do not stop it.
// 0 disables it.
func WithTTFTTimeout(d time.Duration) Option { return func(c *Client) { c.ttftTO = d } }

// WithIdleTimeout aborts a stream that sends no bytes for longer than d once
// response headers have arrived. 0 disables it.
func WithIdleTimeout(d time.Duration) Option { return func(c *Client) { c.idleTO = d } }

// WithMaxAnswerBytes caps the content of one answer at n bytes (default
// DefaultMaxAnswerBytes; 0 removes the cap). Past it the call fails with
// ErrAnswerTooLarge, naming the cap, and the upstream request is aborted;
// the Response keeps the content that arrived within the cap.
func WithMaxAnswerBytes(n int) Option { return func(c *Client) { c.maxAnswer = max(n, 0) } }

// WithRetry sets how often one model is retried after a retryable failure
// (so a model gets maxRetries+1 attempts) and the exponential backoff between
// attempts: baseBackoff doubling per retry, capped at maxBackoff, with jitter.
func WithRetry(maxRetries int, baseBackoff, maxBackoff time.Duration) Option {
	return func(c *Client) {
		c.maxRetries = max(maxRetries, 0)
		c.backoff = max(baseBackoff, 0)
		c.maxBackoff = max(maxBackoff, c.backoff)
	}
}

// WithHeader adds a header to every request, replacing a default of the same
// name (the defaults are HTTP-Referer and X-Title, which OpenRouter uses to
// attribute traffic, and User-Agent).
func WithHeader(key, value string) Option {
	return func(c *Client) {
		if c.extra == nil {
			c.extra = http.Header{}
		}
		c.extra.Set(key, value)
	}
}

// New returns a client. Without options it talks to OpenRouter with no key,
// which fails with ErrNoEndpoint; see ConfigFromEnv.
func New(opts ...Option) *Client {
	c := &Client{
		base:       DefaultBaseURL,
		attemptTO:  DefaultAttemptTimeout,
		ttftTO:     DefaultTTFTTimeout,
		idleTO:     DefaultIdleTimeout,
		maxRetries: DefaultMaxRetries,
		backoff:    DefaultBaseBackoff,
		maxBackoff: DefaultMaxBackoff,
		maxAnswer:  DefaultMaxAnswerBytes,
		sleep:      sleepCtx,
	}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: SharedTransport()}
	}
	if _, err := parseBaseURL(c.base); err != nil {
		c.urlErr = err
	}
	c.chatURL = c.base + "/chat/completions"
	c.modelsURL = c.base + "/models"
	h := http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"text/event-stream"},
		"User-Agent":   {"hive-llm/1"},
		"Http-Referer": {"https://github.com/hiveperf/hive"},
		"X-Title":      {"hive"},
	}
	if c.apiKey != "" {
		h.Set("Authorization", "Bearer "+c.apiKey)
	}
	for k, v := range c.extra {
		h[k] = v
	}
	c.header = h
	return c
}

// BaseURL returns the base URL requests go to.
func (c *Client) BaseURL() string { return c.base }

// check returns the error every call returns before touching the network.
func (c *Client) check() error {
	if c.urlErr != nil {
		return c.urlErr
	}
	if c.apiKey == "" && c.base == DefaultBaseURL {
		return ErrNoEndpoint
	}
	return nil
}

var sharedTransport = sync.OnceValue(NewTransport)

// NewTransport returns a transport configured for LLM streaming: keep-alive
// pooling with up to 256 idle connections per host, HTTP/2 where the server
// offers it over TLS, no transparent compression. Clients share one (see
// SharedTransport) unless given their own.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   15 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2: true,
		// 100+ concurrent runs against one host each hold a connection
		// while streaming; the default of 2 idle per host would close and
		// redial most of them after every call.
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Transparent gzip would make the stream arrive in compressor-sized
		// bursts and hide real time-to-first-token; SSE is small anyway.
		DisableCompression: true,
	}
}

// SharedTransport returns the transport (from NewTransport) that all clients
// share unless given their own.
func SharedTransport() *http.Transport { return sharedTransport() }

// Models lists the model IDs the endpoint offers (GET {base}/models). It is
// a single attempt bounded by the attempt timeout; it is for humans and
// setup checks, not the hot path.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if c.attemptTO > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.attemptTO)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.modelsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("llm: models: %w", err)
	}
	req.Header = c.header.Clone()
	req.Header.Set("Accept", "application/json")
	req.Header.Del("Content-Type")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("llm: GET %s: %w", c.modelsURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, c.statusError(resp, "")
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&list); err != nil {
		return nil, fmt.Errorf("llm: GET %s: decoding the model list: %w", c.modelsURL, err)
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		if m.ID != "" {
			ids = append(ids, m.ID)
		}
	}
	return ids, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
