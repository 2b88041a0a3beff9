package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/hiveperf/hive/engine/store"
)

type conversationJSON struct {
	ID        int64         `json:"id"`
	CreatedAt time.Time     `json:"created_at"`
	Question  string        `json:"question"`
	Context   string        `json:"context,omitempty"`
	Profile   string        `json:"profile"`
	Status    string        `json:"status"`
	Final     string        `json:"final"`
	TotalCost float64       `json:"total_cost"`
	LatencyMS float64       `json:"latency_ms"`
	Messages  []messageJSON `json:"messages"`
}

type messageJSON struct {
	Seq              int     `json:"seq"`
	Stage            string  `json:"stage"`
	Role             string  `json:"role"`
	Model            string  `json:"model"`
	Content          string  `json:"content"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	Cost             float64 `json:"cost"`
	TTFTMS           float64 `json:"ttft_ms"`
	LatencyMS        float64 `json:"latency_ms"`
	Status           string  `json:"status"`
	Error            string  `json:"error,omitempty"`
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (s *Server) handleConversation(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Conversations == nil {
		writeError(w, notFound("conversation_not_found", "id", "this server records no conversations (it runs without a store)"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, badRequest("id", "conversation id %q: want a positive integer, as returned in conversation_id", r.PathValue("id")))
		return
	}
	c, msgs, err := s.cfg.Conversations.Conversation(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, notFound("conversation_not_found", "id", "conversation %d not found", id))
		return
	}
	if err != nil {
		writeError(w, apiError{status: http.StatusInternalServerError, typ: typeServer, msg: err.Error()})
		return
	}
	out := conversationJSON{ID: c.ID, CreatedAt: c.CreatedAt.UTC(), Question: c.Question, Context: c.Context,
		Profile: c.Profile, Status: c.Status, Final: c.Final, TotalCost: c.TotalCost, LatencyMS: msOf(c.Latency),
		Messages: make([]messageJSON, len(msgs))}
	for i, m := range msgs {
		out.Messages[i] = messageJSON{Seq: m.Seq, Stage: m.Stage, Role: m.Role, Model: m.Model, Content: m.Content,
			PromptTokens: m.PromptTokens, CompletionTokens: m.CompletionTokens, Cost: m.Cost,
			TTFTMS: msOf(m.TTFT), LatencyMS: msOf(m.Latency), Status: m.Status, Error: m.Error}
	}
	writeJSON(w, http.StatusOK, out)
}
