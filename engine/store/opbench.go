package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// OpNames are the store operations MeasureOps times, in the order it runs them.
var OpNames = []string{"insert_message", "read_conversation", "cache_put", "cache_get", "upsert_file_50_symbols", "search_symbols", "record_run"}

// MeasureOps times n of each hot store operation on s, one sample per
// operation in nanoseconds. It is how `hive db bench` lets the harness
// measure the store of a given hive binary (the gate compares binaries, so
// the measurement has to run inside the binary under test). Rows it writes
// are ordinary rows; point it at a scratch database.
func MeasureOps(ctx context.Context, s *Store, n int) (map[string][]float64, error) {
	if n <= 0 {
		return nil, fmt.Errorf("store: MeasureOps needs n > 0, got %d", n)
	}
	out := make(map[string][]float64, len(OpNames))
	time1 := func(name string, op func(i int) error) error {
		samples := make([]float64, 0, n)
		for i := 0; i < n; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			start := time.Now()
			err := op(i)
			d := time.Since(start)
			if err != nil {
				return fmt.Errorf("store: measuring %s: %w", name, err)
			}
			samples = append(samples, float64(d.Nanoseconds()))
		}
		out[name] = samples
		return nil
	}
	conv := &Conversation{Question: "what does the store cost?", Profile: "balanced"}
	convID, err := s.CreateConversation(ctx, conv)
	if err != nil {
		return nil, err
	}
	reply := "a stage reply of a realistic few hundred bytes, repeated to length. "
	for len(reply) < 400 {
		reply += reply
	}
	value := make([]byte, 2048)
	files := make([]FileRecord, n)
	for i := range files {
		files[i] = opBenchFile(i)
	}
	// Conversations to read back, made before any timing starts.
	runIDs := make([]int64, 0, 64)
	for j := 0; j < 64; j++ {
		id, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "balanced", Status: "ok"}, fourStages(reply))
		if err != nil {
			return nil, err
		}
		runIDs = append(runIDs, id)
	}
	steps := []struct {
		name string
		op   func(i int) error
	}{
		{"insert_message", func(i int) error {
			_, err := s.InsertMessage(ctx, &Message{ConversationID: convID, Seq: i, Role: "assistant", Stage: "generator",
				Model: "openai/gpt-4o-mini", Content: reply, PromptTokens: 120, CompletionTokens: 300, Status: "ok"})
			return err
		}},
		{"read_conversation", func(i int) error {
			_, msgs, err := s.Conversation(ctx, runIDs[i%len(runIDs)])
			if err == nil && len(msgs) != 4 {
				err = fmt.Errorf("read %d messages, want 4", len(msgs))
			}
			return err
		}},
		{"cache_put", func(i int) error { return s.CachePut(ctx, "opbench-"+strconv.Itoa(i), value, time.Hour) }},
		{"cache_get", func(i int) error {
			_, ok, err := s.CacheGet(ctx, "opbench-"+strconv.Itoa(i))
			if err == nil && !ok {
				err = fmt.Errorf("cache miss on a key just put")
			}
			return err
		}},
		{"upsert_file_50_symbols", func(i int) error { return s.UpsertFiles(ctx, files[i:i+1]) }},
		{"search_symbols", func(i int) error {
			hits, err := s.SearchSymbols(ctx, "opbench"+strconv.Itoa(i), 20)
			if err == nil && len(hits) == 0 {
				err = fmt.Errorf("search found nothing for a stored symbol")
			}
			return err
		}},
		{"record_run", func(i int) error {
			_, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "balanced", Status: "ok"}, fourStages(reply))
			return err
		}},
	}
	for _, st := range steps {
		if err := time1(st.name, st.op); err != nil {
			return out, err
		}
	}
	return out, nil
}

func fourStages(content string) []Message {
	msgs := make([]Message, 4)
	for i, stage := range []string{"generator", "refiner", "validator", "curator"} {
		msgs[i] = Message{Seq: i, Role: "assistant", Stage: stage, Model: "m", Content: content, Status: "ok"}
	}
	return msgs
}

// opBenchFile is a realistic analysed file: 50 symbols with distinct names.
func opBenchFile(i int) FileRecord {
	f := FileRecord{Path: fmt.Sprintf("/opbench/pkg%d/file%d.go", i%50, i), Hash: "0123456789abcdef0123456789abcdef",
		Size: 4096, ModTime: int64(i), Language: "go", Lines: 400, Code: 300, Comments: 60, Blanks: 40, Complexity: 80,
		SymbolCount: 50, FunctionCount: 40, Imports: []string{"fmt", "os", "strings"}}
	f.Symbols = make([]Symbol, 50)
	for j := range f.Symbols {
		f.Symbols[j] = Symbol{Name: fmt.Sprintf("opbench%d_handle%d", i, j), Kind: "function", StartLine: j * 8, EndLine: j*8 + 7, Complexity: 2}
	}
	return f
}
