package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateConversation inserts a conversation and returns its id. CreatedAt
// defaults to now; Status to "running".
func (s *Store) CreateConversation(ctx context.Context, c *Conversation) (int64, error) {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if c.Status == "" {
		c.Status = "running"
	}
	res, err := s.stmts.insertConversation.ExecContext(ctx, c.CreatedAt.UnixNano(), c.Question, c.Context, c.Profile,
		c.CacheKey, c.Status, c.Final, c.TotalCost, int64(c.Latency), s.owner)
	if err != nil {
		return 0, fmt.Errorf("store: create conversation: %w", err)
	}
	s.wrote()
	c.ID, err = res.LastInsertId()
	return c.ID, err
}

// FinishConversation records a conversation's outcome.
func (s *Store) FinishConversation(ctx context.Context, id int64, status, final string, cost float64, latency time.Duration) error {
	res, err := s.stmts.finishConversation.ExecContext(ctx, status, final, cost, int64(latency), id)
	if err != nil {
		return fmt.Errorf("store: finish conversation %d: %w", id, err)
	}
	s.wrote()
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish conversation %d: %w", id, ErrNotFound)
	}
	return nil
}

// InsertMessage appends one stage's message to a conversation.
func (s *Store) InsertMessage(ctx context.Context, m *Message) (int64, error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	res, err := s.stmts.insertMessage.ExecContext(ctx, m.ConversationID, m.Seq, m.Role, m.Stage, m.Model, m.Content,
		m.PromptTokens, m.CompletionTokens, m.Cost, int64(m.TTFT), int64(m.Latency), m.Status, m.Error, m.CreatedAt.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("store: insert message: %w", err)
	}
	s.wrote()
	m.ID, err = res.LastInsertId()
	return m.ID, err
}

// RecordRun writes a finished conversation and all its messages in one
// transaction: the consensus engine's path, one fsync-free commit per run
// instead of one per row.
func (s *Store) RecordRun(ctx context.Context, c *Conversation, msgs []Message) (int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: record run: %w", err)
	}
	defer tx.Rollback()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	res, err := tx.StmtContext(ctx, s.stmts.insertConversation).ExecContext(ctx, c.CreatedAt.UnixNano(), c.Question, c.Context,
		c.Profile, c.CacheKey, c.Status, c.Final, c.TotalCost, int64(c.Latency), s.owner)
	if err != nil {
		return 0, fmt.Errorf("store: record run: %w", err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	ins := tx.StmtContext(ctx, s.stmts.insertMessage)
	for i := range msgs {
		m := &msgs[i]
		m.ConversationID = c.ID
		if m.CreatedAt.IsZero() {
			m.CreatedAt = c.CreatedAt
		}
		res, err := ins.ExecContext(ctx, m.ConversationID, m.Seq, m.Role, m.Stage, m.Model, m.Content,
			m.PromptTokens, m.CompletionTokens, m.Cost, int64(m.TTFT), int64(m.Latency), m.Status, m.Error, m.CreatedAt.UnixNano())
		if err != nil {
			return 0, fmt.Errorf("store: record run: message %d: %w", i, err)
		}
		m.ID, _ = res.LastInsertId()
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: record run: %w", err)
	}
	s.wrote()
	return c.ID, nil
}

// Conversation reads a conversation and its messages in stage order.
func (s *Store) Conversation(ctx context.Context, id int64) (*Conversation, []Message, error) {
	if err := s.reads(); err != nil {
		return nil, nil, err
	}
	var c Conversation
	var created, latency int64
	err := s.stmts.getConversation.QueryRowContext(ctx, id).Scan(&c.ID, &created, &c.Question, &c.Context, &c.Profile,
		&c.CacheKey, &c.Status, &c.Final, &c.TotalCost, &latency)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("store: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: conversation %d: %w", id, err)
	}
	c.CreatedAt = time.Unix(0, created)
	c.Latency = time.Duration(latency)

	rows, err := s.stmts.listMessages.QueryContext(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("store: conversation %d messages: %w", id, err)
	}
	defer rows.Close()
	msgs := make([]Message, 0, 4)
	for rows.Next() {
		var m Message
		var ttft, lat, mc int64
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.Role, &m.Stage, &m.Model, &m.Content, &m.PromptTokens,
			&m.CompletionTokens, &m.Cost, &ttft, &lat, &m.Status, &m.Error, &mc); err != nil {
			return nil, nil, err
		}
		m.TTFT, m.Latency, m.CreatedAt = time.Duration(ttft), time.Duration(lat), time.Unix(0, mc)
		msgs = append(msgs, m)
	}
	return &c, msgs, rows.Err()
}
