package consensus

import (
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/hiveperf/hive/internal/jsonstr"
)

// The wire form of a Result (ResultJSON) and the store's cache value
// (cachedResult) are appended by hand: encoding/json walks the structs by
// reflection on every answer, which was the largest share of the server's
// own CPU on a cache hit, and the cache value is written once per run. The
// bytes are exactly what encoding/json produces for the same values (with
// HTML escaping off, as the server's encoder had it): the tests compare the
// two on every field and on random strings.

// AppendJSON appends the wire form of r (its JSON(), as encoding/json with
// SetEscapeHTML(false) writes it, without a trailing newline). A non-finite
// float, which encoding/json refuses, is written as null so that the answer
// stays valid JSON.
//
// A Result answered from the in-memory cache carries the encoding of the
// stored run (everything up to "totals"), so a hit appends that with one
// copy instead of escaping every stage's text again; it is used only while
// the fields it encodes are unchanged.
func (r *Result) AppendJSON(b []byte) []byte {
	if w := r.wire.get(); w != nil && w.matches(r) {
		b = append(b, w.prefix...)
	} else {
		b = appendResultHead(b, r)
	}
	b = append(b, `,"wall_ms":`...)
	b = appendFloat(b, ms(r.Wall))
	b = append(b, `,"upstream_ms":`...)
	b = appendFloat(b, ms(r.Upstream))
	b = append(b, `,"overhead_ms":`...)
	b = appendFloat(b, ms(r.Overhead))
	b = append(b, `,"cached":`...)
	b = strconv.AppendBool(b, r.Cached)
	b = append(b, `,"recorded":`...)
	b = strconv.AppendBool(b, r.Recorded)
	if r.RecordErr != nil {
		if msg := r.RecordErr.Error(); msg != "" {
			b = append(b, `,"record_error":`...)
			b = jsonstr.Append(b, msg)
		}
	}
	return append(b, '}')
}

// appendResultHead appends the part of the wire form that a cache hit
// repeats unchanged: from the opening brace to the end of "totals".
func appendResultHead(b []byte, r *Result) []byte {
	b = append(b, `{"conversation_id":`...)
	b = strconv.AppendInt(b, r.ConversationID, 10)
	b = append(b, `,"profile":`...)
	b = jsonstr.Append(b, r.Profile)
	b = append(b, `,"status":`...)
	b = jsonstr.Append(b, r.Status)
	b = append(b, `,"final":`...)
	b = jsonstr.Append(b, r.Final)
	b = append(b, `,"stages":[`...)
	for i := range r.Stages {
		if i > 0 {
			b = append(b, ',')
		}
		b = r.Stages[i].appendJSON(b)
	}
	b = append(b, `],"totals":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(r.Totals.PromptTokens), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(r.Totals.CompletionTokens), 10)
	b = append(b, `,"cost":`...)
	b = appendFloat(b, r.Totals.Cost)
	b = append(b, `,"latency_ms":`...)
	b = appendFloat(b, ms(r.Totals.Latency))
	return append(b, '}')
}

// appendJSON appends the wire form of s (StageRecordJSON).
func (s *StageRecord) appendJSON(b []byte) []byte {
	b = append(b, `{"stage":`...)
	b = jsonstr.Append(b, s.Stage)
	b = append(b, `,"model":`...)
	b = jsonstr.Append(b, s.Model)
	b = append(b, `,"content":`...)
	b = jsonstr.Append(b, s.Content)
	b = append(b, `,"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(s.PromptTokens), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(s.CompletionTokens), 10)
	b = append(b, `,"cost":`...)
	b = appendFloat(b, s.Cost)
	if s.CostEstimated {
		b = append(b, `,"cost_estimated":true`...)
	}
	b = append(b, `,"ttft_ms":`...)
	b = appendFloat(b, ms(s.TTFT))
	b = append(b, `,"latency_ms":`...)
	b = appendFloat(b, ms(s.Latency))
	b = append(b, `,"upstream_ms":`...)
	b = appendFloat(b, ms(s.Upstream))
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(s.Attempts), 10)
	b = append(b, `,"status":`...)
	b = jsonstr.Append(b, s.Status)
	if s.FinishReason != "" {
		b = append(b, `,"finish_reason":`...)
		b = jsonstr.Append(b, s.FinishReason)
	}
	if s.Error != "" {
		b = append(b, `,"error":`...)
		b = jsonstr.Append(b, s.Error)
	}
	return append(b, '}')
}

// wirePrefix is appendResultHead's output for a cached run, with the
// values it encoded, so that AppendJSON can tell whether the Result it is
// given still has them (a caller may have changed its copy).
type wirePrefix struct {
	prefix  []byte
	convID  int64
	profile string
	status  string
	final   string
	stages  []StageRecord
	totals  Totals
}

func newWirePrefix(r *Result) *wirePrefix {
	return &wirePrefix{prefix: appendResultHead(make([]byte, 0, encodedSize(r.Final, r.Stages)), r),
		convID: r.ConversationID, profile: r.Profile, status: r.Status, final: r.Final, stages: r.Stages, totals: r.Totals}
}

// wireCell encodes a cached Result's head on the first hit that needs it,
// not when the run is cached: most runs are never asked for again.
type wireCell struct {
	once sync.Once
	src  *Result // the cache's own copy, never changed
	w    *wirePrefix
}

func newWireCell(src *Result) *wireCell { return &wireCell{src: src} }

// get returns the encoded head, or nil for a Result that has no cell.
func (c *wireCell) get() *wirePrefix {
	if c == nil {
		return nil
	}
	c.once.Do(func() { c.w = newWirePrefix(c.src) })
	return c.w
}

// encodedSize is a guess at the bytes an encoding of a run takes, so that
// the buffer is allocated once: the texts plus room for the fields.
func encodedSize(final string, stages []StageRecord) int {
	n := 256 + len(final)
	for i := range stages {
		s := &stages[i]
		n += 340 + len(s.Stage) + len(s.Model) + len(s.Content) + len(s.Error)
	}
	return n + n/16 // escapes
}

// matches reports whether r has the values w encoded. Strings shared with
// the cached copy compare by pointer first, so this costs a few
// comparisons, not a scan of the text.
func (w *wirePrefix) matches(r *Result) bool {
	if r.ConversationID != w.convID || r.Profile != w.profile || r.Status != w.status || r.Final != w.final ||
		r.Totals != w.totals || len(r.Stages) != len(w.stages) {
		return false
	}
	for i := range r.Stages {
		if r.Stages[i] != w.stages[i] {
			return false
		}
	}
	return true
}

// appendCached appends the store's cache value for c; json.Unmarshal
// reads it back into a cachedResult (lookup).
func appendCached(b []byte, c *cachedResult) []byte {
	b = slices.Grow(b, encodedSize(c.Final, c.Stages))
	b = append(b, `{"conversation_id":`...)
	b = strconv.AppendInt(b, c.ConversationID, 10)
	b = append(b, `,"profile":`...)
	b = jsonstr.Append(b, c.Profile)
	b = append(b, `,"final":`...)
	b = jsonstr.Append(b, c.Final)
	b = append(b, `,"stages":`...)
	if c.Stages == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range c.Stages {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStoredStage(b, &c.Stages[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"totals":{"PromptTokens":`...)
	b = strconv.AppendInt(b, int64(c.Totals.PromptTokens), 10)
	b = append(b, `,"CompletionTokens":`...)
	b = strconv.AppendInt(b, int64(c.Totals.CompletionTokens), 10)
	b = append(b, `,"Cost":`...)
	b = appendFloat(b, c.Totals.Cost)
	b = append(b, `,"Latency":`...)
	b = strconv.AppendInt(b, int64(c.Totals.Latency), 10)
	b = append(b, `},"upstream_ns":`...)
	b = strconv.AppendInt(b, int64(c.Upstream), 10)
	b = append(b, `,"wall_ns":`...)
	b = strconv.AppendInt(b, int64(c.Wall), 10)
	return append(b, '}')
}

// appendStoredStage appends s as encoding/json writes a StageRecord (it has
// no tags: field names as declared, durations in nanoseconds).
func appendStoredStage(b []byte, s *StageRecord) []byte {
	b = append(b, `{"Stage":`...)
	b = jsonstr.Append(b, s.Stage)
	b = append(b, `,"Model":`...)
	b = jsonstr.Append(b, s.Model)
	b = append(b, `,"Content":`...)
	b = jsonstr.Append(b, s.Content)
	b = append(b, `,"PromptTokens":`...)
	b = strconv.AppendInt(b, int64(s.PromptTokens), 10)
	b = append(b, `,"CompletionTokens":`...)
	b = strconv.AppendInt(b, int64(s.CompletionTokens), 10)
	b = append(b, `,"Cost":`...)
	b = appendFloat(b, s.Cost)
	b = append(b, `,"CostEstimated":`...)
	b = strconv.AppendBool(b, s.CostEstimated)
	b = append(b, `,"TTFT":`...)
	b = strconv.AppendInt(b, int64(s.TTFT), 10)
	b = append(b, `,"Latency":`...)
	b = strconv.AppendInt(b, int64(s.Latency), 10)
	b = append(b, `,"Upstream":`...)
	b = strconv.AppendInt(b, int64(s.Upstream), 10)
	b = append(b, `,"Attempts":`...)
	b = strconv.AppendInt(b, int64(s.Attempts), 10)
	b = append(b, `,"Status":`...)
	b = jsonstr.Append(b, s.Status)
	b = append(b, `,"FinishReason":`...)
	b = jsonstr.Append(b, s.FinishReason)
	b = append(b, `,"Error":`...)
	b = jsonstr.Append(b, s.Error)
	return append(b, '}')
}

// appendFloat appends f as encoding/json does (ES6 number formatting: %f
// between 1e-6 and 1e21, else the shortest %e without a padded exponent).
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
