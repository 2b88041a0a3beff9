package llm

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/hiveperf/hive/internal/jsonstr"
)

// validate reports the first thing wrong with req, naming the field.
func (req *Request) validate() error {
	if req.Model == "" {
		return errors.New(`llm: Request.Model is empty: name a model, e.g. "openai/gpt-4o-mini"`)
	}
	for i, m := range req.Fallbacks {
		if m == "" {
			return fmt.Errorf("llm: Request.Fallbacks[%d] is empty: name a model or drop the entry", i)
		}
	}
	if len(req.Messages) == 0 {
		return errors.New("llm: Request.Messages is empty: give at least one message")
	}
	for i, m := range req.Messages {
		if m.Role == "" {
			return fmt.Errorf(`llm: Request.Messages[%d].Role is empty: use "system", "user" or "assistant"`, i)
		}
	}
	if t := req.Temperature; t != nil && (math.IsNaN(*t) || math.IsInf(*t, 0) || *t < 0) {
		return fmt.Errorf("llm: Request.Temperature is %v: want a finite number >= 0 (usually 0..2)", *t)
	}
	if req.MaxTokens < 0 {
		return fmt.Errorf("llm: Request.MaxTokens is %d: want 0 (server default) or a positive count", req.MaxTokens)
	}
	for i, s := range req.Stop {
		if s == "" {
			return fmt.Errorf("llm: Request.Stop[%d] is empty: a stop sequence needs at least one character", i)
		}
	}
	return nil
}

// bodyPool holds scratch buffers for encoding request bodies.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// encodeRequest returns the JSON body of req sent to model. The body is
// built in a pooled buffer and copied once into an exactly sized slice: the
// transport may read a request body after RoundTrip returns, so a body must
// not be a buffer that goes back to a pool.
func encodeRequest(req *Request, model string) []byte {
	bp := bodyPool.Get().(*[]byte)
	b := appendRequest((*bp)[:0], req, model)
	out := make([]byte, len(b))
	copy(out, b)
	if cap(b) <= 1<<20 { // do not keep a huge prompt's buffer alive
		*bp = b
		bodyPool.Put(bp)
	}
	return out
}

// appendRequest appends the JSON body of an OpenAI chat completion request.
// It is written by hand to avoid reflection: the encoding is fixed and small.
func appendRequest(b []byte, req *Request, model string) []byte {
	b = append(b, `{"model":`...)
	b = jsonstr.Append(b, model)
	b = append(b, `,"messages":[`...)
	for i := range req.Messages {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"role":`...)
		b = jsonstr.Append(b, req.Messages[i].Role)
		b = append(b, `,"content":`...)
		b = jsonstr.Append(b, req.Messages[i].Content)
		b = append(b, '}')
	}
	// include_usage asks OpenAI-style servers for a final chunk with token
	// counts; OpenRouter sends usage (and cost) with or without it.
	b = append(b, `],"stream":true,"stream_options":{"include_usage":true}`...)
	if req.Temperature != nil {
		b = append(b, `,"temperature":`...)
		b = strconv.AppendFloat(b, *req.Temperature, 'g', -1, 64)
	}
	if req.MaxTokens > 0 {
		b = append(b, `,"max_tokens":`...)
		b = strconv.AppendInt(b, int64(req.MaxTokens), 10)
	}
	if len(req.Stop) > 0 {
		b = append(b, `,"stop":[`...)
		for i, s := range req.Stop {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, s)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
