package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
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

// codeCorpus is a tree of files whose symbols read like real code: 2,048
// files, ~25 symbols each (51,200 in all), named from a shared vocabulary in
// Go (camelCase, methods on types), Python (snake_case) and C
// (module_verb_noun) style, so a search word expands to the dozens of
// indexed words and hundreds of symbols a real tree gives. The opbench
// files above have one word per file and are kept for continuity.
func codeCorpus(b *testing.B) *Store {
	b.Helper()
	verbs := []string{"get", "set", "new", "parse", "read", "write", "load", "save", "handle", "init", "close", "open",
		"start", "stop", "run", "make", "build", "find", "update", "delete", "create", "check", "validate", "format",
		"render", "encode", "decode", "marshal", "apply", "merge", "resolve", "register", "compute", "emit", "flush", "reset"}
	nouns := []string{"config", "file", "path", "node", "tree", "token", "buffer", "request", "response", "client",
		"server", "conn", "session", "user", "cache", "index", "symbol", "query", "result", "error", "header", "body",
		"message", "stream", "writer", "reader", "context", "options", "state", "event", "handler", "manager", "store",
		"table", "row", "column", "key", "value", "list", "entry", "record", "schema", "version", "worker", "pool"}
	title := func(w string) string { return strings.ToUpper(w[:1]) + w[1:] }
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(ws []string) string { return ws[rng.IntN(len(ws))] }
	s := openTemp(b)
	ctx := context.Background()
	const files, perFile, batch = 2048, 25, 64
	recs := make([]FileRecord, 0, batch)
	for i := 0; i < files; i++ {
		lang, ext := []string{"go", "python", "c"}[i%3], []string{"go", "py", "c"}[i%3]
		f := FileRecord{Path: fmt.Sprintf("/corpus/%s/pkg%d/%s_%d.%s", lang, i%97, pick(nouns), i, ext), Hash: "h",
			Size: 6000, Language: lang, Lines: 300, Code: 220, SymbolCount: perFile, FunctionCount: perFile}
		module := pick(nouns)
		for j := 0; j < perFile; j++ {
			verb, noun := pick(verbs), pick(nouns)
			var name, parent string
			switch {
			case lang == "go" && j%5 == 0:
				name = title(noun) + title(pick(nouns)) // a type
			case lang == "go" && j%2 == 0:
				name, parent = title(verb)+title(noun), title(module) // a method
			case lang == "go":
				name = verb + title(noun)
			case lang == "python":
				name = verb + "_" + noun
				if j%3 == 0 {
					name = "_" + name + "_" + pick(nouns)
				}
			default:
				name = module + "_" + verb + "_" + noun
			}
			f.Symbols = append(f.Symbols, Symbol{Name: name, Kind: "function", Parent: parent, StartLine: j * 12, EndLine: j*12 + 10})
		}
		recs = append(recs, f)
		if len(recs) == batch {
			if err := s.UpsertFiles(ctx, recs); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	return s
}

// Search words a user types against a code tree: short prefixes that match
// many symbols, whole words, and two-word queries.
func BenchmarkSearchSymbolsCodeCorpus(b *testing.B) {
	s := codeCorpus(b)
	ctx := context.Background()
	queries := []string{"parse", "get", "handle", "conf", "read_header", "write", "NewClient", "set_value",
		"validate", "cache", "Config", "encode", "resolve_path", "flush", "open_conn", "re", "store_get", "merge"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.SearchSymbols(ctx, queries[i%len(queries)], 20); err != nil {
			b.Fatal(err)
		}
	}
}
