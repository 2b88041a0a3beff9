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
	"github.com/hiveperf/hive/internal/exitcode"
)

// The OpenAI-compatible surface: a client library pointed at
// http://127.0.0.1:8765/v1 with model "hive/balanced" gets the Curator's
// answer as the assistant message, streamed or not.

const modelPrefix = "hive/"

type chatRequest struct {
	Model    string        `json:"model"`
	Messages []chatMessage `json:"messages"`
	Stream   bool          `json:"stream"`
	// Extensions, as a client's "extra body" fields: the same meaning as in
	// POST /v1/consensus.
	MaxCost float64 `json:"max_cost"`
	NoCache bool    `json:"no_cache"`
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
		return errors.New("message content must be a string or an array of {type, text} parts")
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
	Delta        *chatOutMsg `json:"delta,omitempty"`
	FinishReason *string     `json:"finish_reason"`
}

type chatOutMsg struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content,omitempty"`
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

// openAIError is OpenAI's error envelope; param and code are null when
// there is nothing to say, as OpenAI sends them.
type openAIError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}

func writeOpenAIError(w http.ResponseWriter, status int, typ, code, msg string) {
	var e openAIError
	e.Error.Message, e.Error.Type = msg, typ
	if code != "" {
		e.Error.Code = &code
	}
	writeJSON(w, status, e)
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
	profileName, ok := strings.CutPrefix(req.Model, modelPrefix)
	switch {
	case req.Model == "hive":
		profileName = "" // the default profile
	case !ok || profileName == "":
		writeOpenAIError(w, http.StatusBadRequest, "invalid_request_error", "model_not_found",
			fmt.Sprintf("model %q: want hive/<profile>, one of %s", req.Model, s.modelList()))
		return
	}
	cfg := s.cfg.Engine.Config()
	profile, err := cfg.Profile(profileName)
	if err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "invalid_request_error", "model_not_found",
			fmt.Sprintf("model %q: unknown profile; want one of %s", req.Model, s.modelList()))
		return
	}
	model := modelPrefix + profile.Name
	question, history, err := splitChat(req.Messages)
	if err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "invalid_request_error", "", err.Error())
		return
	}
	ctx, cancel := s.runContext(w, r)
	defer cancel()
	// Answered once recorded: see handleConsensus.
	creq := consensus.Request{Question: question, Context: history, Profile: profile.Name,
		MaxCost: req.MaxCost, NoCache: req.NoCache}
	id := fmt.Sprintf("chatcmpl-hive-%d-%d", time.Now().UnixNano(), chatSeq.Add(1))
	created := time.Now().Unix()

	if !req.Stream {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.RunTimeout + answerMargin))
		res, err := s.cfg.Engine.Run(ctx, creq, nil)
		s.logRun(res, err)
		if err != nil {
			s.chatRunError(w, ctx, err)
			return
		}
		stop := finishReason(res)
		writeJSON(w, http.StatusOK, chatResponse{
			ID: id, Object: "chat.completion", Created: created, Model: model,
			Choices: []chatChoice{{Message: &chatOutMsg{Role: "assistant", Content: res.Final}, FinishReason: &stop}},
			Usage:   usageOf(res),
			Hive:    hiveExt(res),
		})
		return
	}

	// Only the last stage's tokens are the assistant's message; earlier
	// stages show up as SSE comments, which keep proxies from timing out
	// the connection during a long pipeline and which clients ignore.
	finalIdx := len(profile.Stages()) - 1
	ctx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	sse := s.newSSEWriter(w, cancelRun)
	defer sse.close()
	roleSent := false
	chunk := func(delta *chatOutMsg, finish *string, usage *chatUsage, hive *chatHive) {
		sse.event("", chatResponse{ID: id, Object: "chat.completion.chunk", Created: created, Model: model,
			Choices: []chatChoice{{Delta: delta, FinishReason: finish}}, Usage: usage, Hive: hive})
	}
	res, err := s.cfg.Engine.Run(ctx, creq, func(ev consensus.Event) {
		switch ev.Kind {
		case consensus.EventStageStarted:
			sse.raw(": hive stage " + ev.Stage + " started\n\n")
			if !roleSent && ev.Index == finalIdx {
				roleSent = true
				chunk(&chatOutMsg{Role: "assistant"}, nil, nil, nil)
			}
		case consensus.EventToken:
			if ev.Index == finalIdx {
				chunk(&chatOutMsg{Content: ev.Delta}, nil, nil, nil)
			}
		case consensus.EventDone:
			if !roleSent {
				// A budget stop before the last stage: send what there is.
				roleSent = true
				chunk(&chatOutMsg{Role: "assistant", Content: ev.Result.Final}, nil, nil, nil)
			}
			stop := finishReason(ev.Result)
			chunk(&chatOutMsg{}, &stop, usageOf(ev.Result), hiveExt(ev.Result))
			sse.raw("data: [DONE]\n\n")
		case consensus.EventError:
			var e openAIError
			e.Error.Message, e.Error.Type = ev.Err.Error(), "upstream_error"
			sse.event("", e)
		}
	})
	sse.close()
	s.logRun(res, err)
	if res == nil && !sse.isStarted() {
		s.chatRunError(w, ctx, err)
	}
}

func (s *Server) chatRunError(w http.ResponseWriter, ctx context.Context, err error) {
	status := runStatus(ctx, err)
	typ := "upstream_error"
	if exitcode.Code(err) == exitcode.Usage {
		typ = "invalid_request_error"
	}
	writeOpenAIError(w, status, typ, "", err.Error())
}

// finishReason is "stop", or "length" when the budget cut the pipeline
// short (the answer is incomplete in the same sense as a token limit).
func finishReason(res *consensus.Result) string {
	if res.Status == consensus.StatusBudget {
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

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		OwnedBy string `json:"owned_by"`
		Desc    string `json:"description,omitempty"`
	}
	cfg := s.cfg.Engine.Config()
	out := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list"}
	for _, n := range cfg.ProfileNames() {
		out.Data = append(out.Data, model{ID: modelPrefix + n, Object: "model", OwnedBy: "hive", Desc: cfg.Profiles[n].Description})
	}
	writeJSON(w, http.StatusOK, out)
}
