package store

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// Benchmarks of every hot store operation on a file database in WAL mode.
// `make bench` runs them; per-op latency distributions are the harness's job.

func BenchmarkInsertMessage(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	id, _ := s.CreateConversation(ctx, &Conversation{Question: "q", Profile: "balanced"})
	m := &Message{ConversationID: id, Role: "assistant", Stage: "generator", Model: "openai/gpt-4o-mini",
		Content: "a reply of a few hundred bytes " + string(make([]byte, 300)), PromptTokens: 100, CompletionTokens: 300, Status: "ok"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Seq = i
		if _, err := s.InsertMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadConversation(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	var ids []int64
	for i := 0; i < 100; i++ {
		msgs := make([]Message, 4)
		for j := range msgs {
			msgs[j] = Message{Seq: j, Role: "assistant", Stage: "generator", Content: "reply text", Status: "ok"}
		}
		id, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "balanced", Status: "ok"}, msgs)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, msgs, err := s.Conversation(ctx, ids[i%len(ids)]); err != nil || len(msgs) != 4 {
			b.Fatal(err, len(msgs))
		}
	}
}

func BenchmarkRecordRun(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msgs := make([]Message, 4)
		for j := range msgs {
			msgs[j] = Message{Seq: j, Role: "assistant", Stage: "generator", Content: "reply text", Status: "ok"}
		}
		if _, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "balanced", Status: "ok"}, msgs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheGet(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	val := make([]byte, 2048)
	for i := 0; i < 1000; i++ {
		if err := s.CachePut(ctx, "key-"+strconv.Itoa(i), val, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := s.CacheGet(ctx, "key-"+strconv.Itoa(i%1000)); err != nil || !ok {
			b.Fatal(err, ok)
		}
	}
}

func BenchmarkCachePut(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	val := make([]byte, 2048)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.CachePut(ctx, "key-"+strconv.Itoa(i), val, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func fileWith50Symbols(i int) FileRecord { return opBenchFile(i) }

// The acceptance bound is < 1 ms per file with 50 symbols, FTS included.
// The file is re-upserted (replace path) half the time, as a rerun would.
func BenchmarkUpsertFile50Symbols(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	files := make([]FileRecord, 200)
	for i := range files {
		files[i] = fileWith50Symbols(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.UpsertFiles(ctx, files[i%len(files):i%len(files)+1]); err != nil {
			b.Fatal(err)
		}
	}
}

// Batches of 64 files per transaction, as the analyzer's writer sends them.
func BenchmarkUpsertFiles50SymbolsBatch64(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	files := make([]FileRecord, 64*8)
	for i := range files {
		files[i] = fileWith50Symbols(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		off := (i % 8) * 64
		if err := s.UpsertFiles(ctx, files[off:off+64]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/file")
}

func BenchmarkSearchSymbols(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	for i := 0; i < 200; i++ {
		if err := s.UpsertFiles(ctx, []FileRecord{fileWith50Symbols(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hits, err := s.SearchSymbols(ctx, "opbench"+strconv.Itoa(i%200), 20)
		if err != nil || len(hits) == 0 {
			b.Fatal(err, len(hits))
		}
	}
}

// A whole symbol name, as a user looking up one function types it; the
// benchmark above is a short prefix matching hundreds of symbols.
func BenchmarkSearchSymbolsWholeName(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	for i := 0; i < 200; i++ {
		if err := s.UpsertFiles(ctx, []FileRecord{fileWith50Symbols(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hits, err := s.SearchSymbols(ctx, "opbench"+strconv.Itoa(i%200)+"_handle"+strconv.Itoa(i%50), 20)
		if err != nil || len(hits) == 0 {
			b.Fatal(err, len(hits))
		}
	}
}
