package consensus

import (
	"encoding/json"
	"time"
)

// Statuses of a run (Result.Status) and of a stage (StageRecord.Status).
const (
	StatusOK       = "ok"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
	StatusBudget   = "budget"  // the cost cap was reached before this stage
	StatusSkipped  = "skipped" // an earlier stage failed or hit the budget
)

// Request is one question to the pipeline.
type Request struct {
	Question string
	Context  string  // optional background the stages see before the question
	Profile  string  // "" means the config's default profile
	NoCache  bool    // do not answer from the cache (the answer still refreshes it)
	MaxCost  float64 // USD cap for the run; 0 means no cap
	// FinalSampling overrides the last stage's temperature, max tokens and
	// stop sequences (see Sampling); it is part of the cache key.
	FinalSampling Sampling
}

// Result is a finished (or stopped) run. Its JSON form is the wire format of
// POST /v1/consensus and `hive ask --json`.
type Result struct {
	ConversationID int64
	Profile        string
	Question       string // as normalised for the cache key
	Status         string
	Final          string // the last stage's answer; on a budget stop, the last completed stage's
	Stages         []StageRecord
	Totals         Totals
	Wall           time.Duration // Run call start to return, recording included
	Upstream       time.Duration // Σ stages' time waiting on upstream
	Overhead       time.Duration // Wall − Upstream: the engine's own time
	Cached         bool          // answered from the cache; Stages and Totals are the original run's
	CacheKey       string
	// Recorded says the run, its outcome and its messages are committed
	// to the store under ConversationID (for a cache hit: the original
	// run). False for an engine without a store.
	Recorded bool
	// RecordErr is set when the run could not be written to the store
	// (Recorded is false). The answer is still valid; callers should warn,
	// not fail.
	RecordErr error

	// wire encodes the head of a cached run once for all its hits (see
	// AppendJSON); nil for runs not answered from the cache.
	wire *wireCell
}

// StageRecord is one stage's outcome.
type StageRecord struct {
	Stage            string
	Model            string // the model that answered (after fallback), else the configured one
	Content          string // on failure, the partial text that had streamed
	PromptTokens     int
	CompletionTokens int
	Cost             float64
	CostEstimated    bool // from configured prices, not reported by upstream
	TTFT             time.Duration
	Latency          time.Duration
	Upstream         time.Duration
	Attempts         int
	Status           string
	// FinishReason is upstream's: "stop", or "length" when the stage's
	// max tokens cut its answer ("" when the stage did not finish).
	FinishReason string
	Error        string
}

// Totals sums the stages.
type Totals struct {
	PromptTokens     int
	CompletionTokens int
	Cost             float64
	Latency          time.Duration // Σ stage latency
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ResultJSON is the wire form of a Result.
type ResultJSON struct {
	ConversationID int64             `json:"conversation_id"`
	Profile        string            `json:"profile"`
	Status         string            `json:"status"`
	Final          string            `json:"final"`
	Stages         []StageRecordJSON `json:"stages"`
	Totals         TotalsJSON        `json:"totals"`
	WallMS         float64           `json:"wall_ms"`
	UpstreamMS     float64           `json:"upstream_ms"`
	OverheadMS     float64           `json:"overhead_ms"`
	Cached         bool              `json:"cached"`
	// Recorded is false when the run is not in the store; record_error
	// then says why (and conversation_id may be 0).
	Recorded    bool   `json:"recorded"`
	RecordError string `json:"record_error,omitempty"`
}

// StageRecordJSON is the wire form of a StageRecord.
type StageRecordJSON struct {
	Stage            string  `json:"stage"`
	Model            string  `json:"model"`
	Content          string  `json:"content"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	Cost             float64 `json:"cost"`
	CostEstimated    bool    `json:"cost_estimated,omitempty"`
	TTFTMS           float64 `json:"ttft_ms"`
	LatencyMS        float64 `json:"latency_ms"`
	// UpstreamMS is the part of latency_ms spent waiting on upstream
	// (llm.Response.Upstream); the rest is the client's own time.
	UpstreamMS float64 `json:"upstream_ms"`
	Attempts   int     `json:"attempts"`
	Status     string  `json:"status"`
	// FinishReason is upstream's finish_reason: "length" when the stage's
	// max tokens cut its answer.
	FinishReason string `json:"finish_reason,omitempty"`
	Error        string `json:"error,omitempty"`
}

// TotalsJSON is the wire form of Totals.
type TotalsJSON struct {
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	Cost             float64 `json:"cost"`
	LatencyMS        float64 `json:"latency_ms"`
}

// JSON converts the record to its wire form.
func (s *StageRecord) JSON() StageRecordJSON {
	return StageRecordJSON{
		Stage: s.Stage, Model: s.Model, Content: s.Content,
		PromptTokens: s.PromptTokens, CompletionTokens: s.CompletionTokens,
		Cost: s.Cost, CostEstimated: s.CostEstimated,
		TTFTMS: ms(s.TTFT), LatencyMS: ms(s.Latency), UpstreamMS: ms(s.Upstream), Attempts: s.Attempts,
		Status: s.Status, FinishReason: s.FinishReason, Error: s.Error,
	}
}

// JSON converts the result to its wire form.
func (r *Result) JSON() ResultJSON {
	out := ResultJSON{
		ConversationID: r.ConversationID, Profile: r.Profile, Status: r.Status, Final: r.Final,
		Stages: make([]StageRecordJSON, len(r.Stages)),
		Totals: TotalsJSON{PromptTokens: r.Totals.PromptTokens, CompletionTokens: r.Totals.CompletionTokens,
			Cost: r.Totals.Cost, LatencyMS: ms(r.Totals.Latency)},
		WallMS: ms(r.Wall), UpstreamMS: ms(r.Upstream), OverheadMS: ms(r.Overhead), Cached: r.Cached,
		Recorded: r.Recorded,
	}
	for i := range r.Stages {
		out.Stages[i] = r.Stages[i].JSON()
	}
	if r.RecordErr != nil {
		out.RecordError = r.RecordErr.Error()
	}
	return out
}

// MarshalJSON writes the wire form.
func (r *Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSON()) }

// cachedResult is the store's cache value: what a hit needs to answer, in a
// form that keeps durations exact (nanoseconds), unlike the wire form.
type cachedResult struct {
	ConversationID int64         `json:"conversation_id"`
	Profile        string        `json:"profile"`
	Final          string        `json:"final"`
	Stages         []StageRecord `json:"stages"`
	Totals         Totals        `json:"totals"`
	Upstream       time.Duration `json:"upstream_ns"`
	Wall           time.Duration `json:"wall_ns"`
}

func (r *Result) clone() *Result {
	c := *r
	c.Stages = append([]StageRecord(nil), r.Stages...)
	return &c
}
