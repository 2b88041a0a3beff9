package store

import (
	"errors"
	"time"
)

// ErrNotFound is returned by lookups of a row that does not exist.
var ErrNotFound = errors.New("store: not found")

// Conversation is one consensus run as asked.
type Conversation struct {
	ID        int64
	CreatedAt time.Time
	Question  string
	Context   string
	Profile   string // "balanced", "speed", ... or "direct"
	CacheKey  string
	Status    string // "running", "ok", "failed", "canceled", "budget", "abandoned"
	Final     string // the Curator's (or direct stage's) answer
	TotalCost float64
	Latency   time.Duration
}

// Message is one stage's exchange within a conversation.
type Message struct {
	ID               int64
	ConversationID   int64
	Seq              int
	Role             string // "user", "assistant"
	Stage            string // "generator", "refiner", "validator", "curator", "direct"
	Model            string
	Content          string
	PromptTokens     int
	CompletionTokens int
	Cost             float64
	TTFT             time.Duration
	Latency          time.Duration
	Status           string // "ok", "failed", "skipped"
	Error            string
	CreatedAt        time.Time
}

// FileRecord is one analysed source file with its symbols, as the analyzer
// persists it. ModTime and Size let a rerun skip hashing unchanged files.
type FileRecord struct {
	Path          string
	Hash          string // hex content hash
	Size          int64
	ModTime       int64 // unix nanoseconds
	Language      string
	Lines         int
	Code          int
	Comments      int
	Blanks        int
	Complexity    int
	Errors        int // syntax-error nodes
	SymbolCount   int
	FunctionCount int
	Imports       []string
	Symbols       []Symbol
}

// Symbol is a named declaration in a file.
type Symbol struct {
	Name       string
	Kind       string // "function", "method", "type", "class", "struct", "enum", "interface", ...
	Parent     string // receiver/enclosing type for methods
	StartLine  int
	EndLine    int
	Complexity int
}

// FileState is what a rerun needs to decide whether a file changed and to
// count it in the summary without parsing it again.
type FileState struct {
	Path          string
	Hash          string
	Size          int64
	ModTime       int64
	Language      string
	Lines         int
	Code          int
	Comments      int
	Blanks        int
	Complexity    int
	Errors        int
	SymbolCount   int
	FunctionCount int
}

// SymbolHit is one result of a symbol search.
type SymbolHit struct {
	Symbol
	Path     string
	Language string
}
