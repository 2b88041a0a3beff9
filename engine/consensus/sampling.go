package consensus

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/internal/exitcode"
)

// MaxStopSequences is how many stop sequences a request may give, as in
// OpenAI's API.
const MaxStopSequences = 4

// Sampling is what a request may set of a stage's generation for one run.
// The zero value keeps the profile's settings.
//
// It applies to the last stage only (Request.FinalSampling): that stage's
// answer is the message a client receives, which is what OpenAI's
// temperature, max_tokens and stop describe. The earlier stages are the
// profile's deliberation, tuned per stage (a creative generator, a strict
// validator); one value for all of them would undo that.
type Sampling struct {
	Temperature *float64 // nil: the profile's
	MaxTokens   int      // 0: the profile's
	Stop        []string // up to MaxStopSequences; none: no stop sequence
}

// FieldError is bad input in one field of a request, named as the wire
// names it (temperature, max_tokens, stop), so that an API can point at it.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return "consensus: " + e.Problem }

func fieldError(field, format string, a ...any) error {
	return exitcode.With(exitcode.Usage, &FieldError{Field: field, Problem: fmt.Sprintf(format, a...)})
}

// check refuses what no upstream would take, naming the field.
func (s Sampling) check() error {
	if t := s.Temperature; t != nil && !(*t >= 0 && *t <= 2) {
		return fieldError("temperature", "temperature is %v; want a number in [0, 2], or leave it out for the profile's", *t)
	}
	if s.MaxTokens < 0 {
		return fieldError("max_tokens", "max_tokens is %d; want a positive count, or leave it out for the profile's", s.MaxTokens)
	}
	if len(s.Stop) > MaxStopSequences {
		return fieldError("stop", "stop has %d sequences; at most %d are allowed", len(s.Stop), MaxStopSequences)
	}
	for i, seq := range s.Stop {
		if seq == "" {
			return fieldError("stop", "stop[%d] is empty; a stop sequence needs at least one character", i)
		}
	}
	return nil
}

// apply sets s over a stage's request.
func (s Sampling) apply(r *llm.Request) {
	if s.Temperature != nil {
		r.Temperature = s.Temperature
	}
	if s.MaxTokens > 0 {
		r.MaxTokens = s.MaxTokens
	}
	if len(s.Stop) > 0 {
		r.Stop = s.Stop
	}
}

// appendKey appends s's contribution to the cache key, length-prefixed
// like the rest of it: another temperature, cap or stop is another answer.
func (s Sampling) appendKey(b []byte) []byte {
	if s.Temperature == nil {
		b = append(b, 0)
	} else {
		t := *s.Temperature
		if t == 0 {
			t = 0 // -0 samples as 0 does: one key for both
		}
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(t))
	}
	b = binary.AppendUvarint(b, uint64(s.MaxTokens))
	b = binary.AppendUvarint(b, uint64(len(s.Stop)))
	for _, seq := range s.Stop {
		b = binary.AppendUvarint(b, uint64(len(seq)))
		b = append(b, seq...)
	}
	return b
}
