package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hiveperf/hive/engine/consensus"
)

// The OpenAI-compatible surface: a client library pointed at
// http://127.0.0.1:8765/v1 with model "hive/balanced" gets the Curator's
// answer as the assistant message, streamed or not.

const modelPrefix = "hive/"

type chatRequest struct {
	Model         string             `json:"model"`
	Messages      []chatMessage      `json:"messages"`
	Stream        bool               `json:"stream"`
	StreamOptions *chatStreamOptions `json:"stream_options"`
	// The sampling of the answer: passed to the last stage
	// (consensus.Sampling). max_completion_tokens is OpenAI's newer name
	// of max_tokens.
	Temperature         *float64      `json:"temperature"`
	MaxTokens           *int          `json:"max_tokens"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	Stop                stopSequences `json:"stop"`
	// Extensions, as a client's "extra body" fields: the same meaning as in
	// POST /v1/consensus.
	MaxCost float64 `json:"max_cost"`
	NoCache bool    `json:"no_cache"`
}

type chatStreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// stopSequences accepts OpenAI's forms of stop: a string, an array of
// strings, or null.
type stopSequences []string

func (s *stopSequences) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*s = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stopSequences{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return &paramError{param: "stop", msg: "stop must be a string or an array of strings"}
	}
	*s = many
	return nil
}

// sampling checks the request's sampling fields that the engine cannot
// tell apart (which name max tokens came under, and 0, which the engine
// reads as "the profile's") and returns what the last stage gets; the
// engine checks the values.
func (req *chatRequest) sampling() (consensus.Sampling, *apiError) {
	s := consensus.Sampling{Temperature: req.Temperature, Stop: req.Stop}
	for _, f := range []struct {
		name string
		v    *int
	}{{"max_tokens", req.MaxTokens}, {"max_completion_tokens", req.MaxCompletionTokens}} {
		switch {
		case f.v == nil:
			continue
		case *f.v <= 0:
			e := badRequest(f.name, "%s is %d; want a positive count, or leave it out for the profile's", f.name, *f.v)
			return s, &e
		case s.MaxTokens != 0 && s.MaxTokens != *f.v:
			e := badRequest(f.name, "max_tokens is %d and max_completion_tokens is %d; they mean the same here: give one", s.MaxTokens, *f.v)
			return s, &e
		}
		s.MaxTokens = *f.v
	}
	return s, nil
}

type chatMessage struct {
	Role    string      `json:"role"`
	Content chatContent `json:"content"`
}

// chatContent accepts both OpenAI content shapes: a string, or an array of
// parts of which the text parts are joined.
type chatContent string

func (c *chatContent) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = chatContent(s)
		return nil
	}
	if string(b) == "null" {
		*c = ""
		return nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &parts); err != nil {
		return &paramError{param: "messages", msg: "message content must be a string or an array of {type, text} parts"}
	}
	// One newline between each two text parts, empty ones included, so
	// that where a part stands does not change what it contributes.
	var sb strings.Builder
	first := true
	for _, p := range parts {
		if p.Type == "text" {
			if !first {
				sb.WriteByte('\n')
			}
			first = false
			sb.WriteString(p.Text)
		}
	}
	*c = chatContent(sb.String())
	return nil
}

type chatUsage struct {
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	TotalTokens      int     `json:"total_tokens"`
	Cost             float64 `json:"cost"`
}

type chatChoice struct {
	Index        int         `json:"index"`
	Message      *chatOutMsg `json:"message,omitempty"`
	Delta        *chatDelta  `json:"delta,omitempty"`
	FinishReason *string     `json:"finish_reason"`
}

// chatOutMsg is the answer's message: its content is always there, "" for
// an empty answer (a message without content reads as a tool call).
type chatOutMsg struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatDelta is a chunk's change to the message; the first chunk carries
// the role and "content": "", as OpenAI's do, the last one nothing.
type chatDelta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

type chatResponse struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []chatChoice `json:"choices"`
	Usage   *chatUsage   `json:"usage,omitempty"`
	// Hive is an extension: the conversation id and whether it was cached.
	Hive *chatHive `json:"hive,omitempty"`
}

type chatHive struct {
	ConversationID int64   `json:"conversation_id"`
	Status         string  `json:"status"`
	Cached         bool    `json:"cached"`
	OverheadMS     float64 `json:"overhead_ms"`
	// Recorded and RecordError: as in consensus.ResultJSON.
	Recorded    bool   `json:"recorded"`
	RecordError string `json:"record_error,omitempty"`
}

var chatSeq atomic.Int64

func usageOf(res *consensus.Result) *chatUsage {
	t := res.Totals
	return &chatUsage{PromptTokens: t.PromptTokens, CompletionTokens: t.CompletionTokens,
		TotalTokens: t.PromptTokens + t.CompletionTokens, Cost: t.Cost}
}

// splitChat takes the last user message as the question and renders the
// messages before it as context, so a multi-turn client keeps its history.
func splitChat(msgs []chatMessage) (question, context string, err error) {
	last := -1
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			last = i
			break
		}
	}
	if last < 0 {
		return "", "", errors.New("messages has no user message; the last user message is the question")
	}
	var sb strings.Builder
	for i, m := range msgs {
		if i == last {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(m.Role)
		sb.WriteString(": ")
		sb.WriteString(string(m.Content))
	}
	return string(msgs[last].Content), sb.String(), nil
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !s.decodeBody(w, r, &req, false) {
		return
	}
	profile, aerr := s.chatProfile(req.Model)
	if aerr != nil {
		writeError(w, *aerr)
		return
	}
	if req.StreamOptions != nil && !req.Stream {
		writeError(w, badRequest("stream_options", "stream_options is only allowed with \"stream\": true"))
		return
	}
	sampling, aerr := req.sampling()
	if aerr != nil {
		writeError(w, *aerr)
		return
	}
	model := modelPrefix + profile.Name
	question, history, err := splitChat(req.Messages)
	if err != nil {
		writeError(w, badRequest("messages", "%s", err.Error()))
		return
	}
	ctx, cancel := s.runContext(w, r)
	defer cancel()
	// Answered once recorded: see handleConsensus.
	creq := consensus.Request{Question: question, Context: history, Profile: profile.Name,
		MaxCost: req.MaxCost, NoCache: req.NoCache, FinalSampling: sampling}
	id := fmt.Sprintf("chatcmpl-hive-%d-%d", time.Now().UnixNano(), chatSeq.Add(1))
	created := time.Now().Unix()

	if !req.Stream {
		s.answerChat(ctx, w, creq, chatResponse{ID: id, Object: "chat.completion", Created: created, Model: model})
		return
	}

	// Only the last stage's tokens are the assistant's message; earlier
	// stages show up as SSE comments, which keep proxies from timing out
	// the connection during a long pipeline and which clients ignore.
	finalIdx := len(profile.Stages()) - 1
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	ctx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	sse := s.newSSEWriter(w, cancelRun)
	defer sse.close()
	roleSent := false
	chunk := func(choices []chatChoice, usage *chatUsage, hive *chatHive) {
		sse.event("", chatResponse{ID: id, Object: "chat.completion.chunk", Created: created, Model: model,
			Choices: choices, Usage: usage, Hive: hive})
	}
	delta := func(d *chatDelta, finish *string, usage *chatUsage, hive *chatHive) {
		chunk([]chatChoice{{Delta: d, FinishReason: finish}}, usage, hive)
	}
	res, err := s.cfg.Engine.Run(ctx, creq, func(ev consensus.Event) {
		switch ev.Kind {
		case consensus.EventStageStarted:
			sse.raw(": hive stage " + ev.Stage + " started\n\n")
			if !roleSent && ev.Index == finalIdx {
				roleSent = true
				empty := ""
				delta(&chatDelta{Role: "assistant", Content: &empty}, nil, nil, nil)
			}
		case consensus.EventToken:
			if ev.Index == finalIdx {
				text := ev.Delta
				delta(&chatDelta{Content: &text}, nil, nil, nil)
			}
		case consensus.EventDone:
			if !roleSent {
				// A budget stop before the last stage: send what there is.
				roleSent = true
				final := ev.Result.Final
				delta(&chatDelta{Role: "assistant", Content: &final}, nil, nil, nil)
			}
			stop := finishReason(ev.Result)
			if includeUsage {
				// OpenAI's form: usage in a chunk of its own, with no
				// choices, after the finishing one.
				delta(&chatDelta{}, &stop, nil, hiveExt(ev.Result))
				chunk([]chatChoice{}, usageOf(ev.Result), nil)
			} else {
				delta(&chatDelta{}, &stop, usageOf(ev.Result), hiveExt(ev.Result))
			}
			sse.raw("data: [DONE]\n\n")
		case consensus.EventError:
			sse.event("", runError(ctx, ev.Err).body(nil))
		}
	})
	sse.close()
	s.logRun(res, err)
	if res == nil && !sse.isStarted() {
		writeError(w, runError(ctx, err))
	}
}

// answerChat runs a non-streaming chat request and writes its answer into
// head (which carries the id, object, creation time and model).
func (s *Server) answerChat(ctx context.Context, w http.ResponseWriter, creq consensus.Request, head chatResponse) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.RunTimeout + answerMargin))
	res, err := s.cfg.Engine.Run(ctx, creq, nil)
	s.logRun(res, err)
	if err != nil {
		writeError(w, runError(ctx, err))
		return
	}
	stop := finishReason(res)
	head.Choices = []chatChoice{{Message: &chatOutMsg{Role: "assistant", Content: res.Final}, FinishReason: &stop}}
	head.Usage, head.Hive = usageOf(res), hiveExt(res)
	writeJSON(w, http.StatusOK, head)
}

// chatProfile resolves a chat request's model: "hive/<profile>", or "hive"
// for the default profile. Anything else is 404 model_not_found, naming
// the models there are (GET /v1/models).
func (s *Server) chatProfile(model string) (*consensus.Profile, *apiError) {
	if model == "" {
		e := badRequest("model", "model is missing; want hive/<profile>, one of %s", s.modelList())
		return nil, &e
	}
	name, ok := strings.CutPrefix(model, modelPrefix)
	switch {
	case model == "hive":
		name = "" // the default profile
	case !ok || name == "":
		e := notFound("model_not_found", "model", "model %q does not exist: want hive/<profile>, one of %s", model, s.modelList())
		return nil, &e
	}
	profile, err := s.cfg.Engine.Config().Profile(name)
	if err != nil {
		e := notFound("model_not_found", "model", "model %q does not exist: unknown profile; want one of %s", model, s.modelList())
		return nil, &e
	}
	return profile, nil
}

// finishReason is "stop", or "length" when the answer is incomplete: the
// last stage's max tokens cut it, or the budget cut the pipeline short
// (incomplete in the same sense as a token limit).
func finishReason(res *consensus.Result) string {
	if res.Status == consensus.StatusBudget {
		return "length"
	}
	if n := len(res.Stages); n > 0 && res.Stages[n-1].FinishReason == "length" {
		return "length"
	}
	return "stop"
}

func hiveExt(res *consensus.Result) *chatHive {
	h := &chatHive{ConversationID: res.ConversationID, Status: res.Status, Cached: res.Cached,
		OverheadMS: float64(res.Overhead) / float64(time.Millisecond), Recorded: res.Recorded}
	if res.RecordErr != nil {
		h.RecordError = res.RecordErr.Error()
	}
	return h
}

func (s *Server) modelList() string {
	names := s.cfg.Engine.Config().ProfileNames()
	for i, n := range names {
		names[i] = modelPrefix + n
	}
	return strings.Join(names, ", ")
}

// handleModels lists the profiles as OpenAI models. created is when this
// server started: a profile has no date of its own, and the set is fixed
// for the server's life.
func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
		Desc    string `json:"description,omitempty"`
	}
	cfg := s.cfg.Engine.Config()
	out := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list"}
	for _, n := range cfg.ProfileNames() {
		out.Data = append(out.Data, model{ID: modelPrefix + n, Object: "model", Created: s.started, OwnedBy: "hive", Desc: cfg.Profiles[n].Description})
	}
	writeJSON(w, http.StatusOK, out)
}
