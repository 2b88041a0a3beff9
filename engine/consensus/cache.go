package consensus

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// cacheKeyVersion changes whenever the prompts, the way stages combine or
// what a cached run must carry change, so that answers produced by an
// older pipeline are not served for a newer one. v2: the key covers the
// request's FinalSampling, and a cached run carries each stage's finish
// reason (a v1 entry of a cut answer would be served as complete).
const cacheKeyVersion = "hive-consensus/v2"

// normalizeText trims and collapses every run of whitespace to one space, so
// that "What is Go?\n" and "What  is Go?" share a cache entry.
func normalizeText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// signature is the profile's contribution to the cache key: its name and
// every stage's model, fallbacks, temperature and max tokens. Built once per
// profile, so a lookup hashes only the question and context on top.
func (p *Profile) signature() []byte {
	var b []byte
	field := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	field(cacheKeyVersion)
	field(promptsDigest)
	field(p.Name)
	for _, s := range p.plan {
		field(s.name)
		field(s.cfg.Model)
		b = binary.AppendUvarint(b, uint64(len(s.cfg.Fallbacks)))
		for _, f := range s.cfg.Fallbacks {
			field(f)
		}
		if s.cfg.Temperature == nil {
			b = append(b, 0)
		} else {
			b = append(b, 1)
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(*s.cfg.Temperature))
		}
		b = binary.AppendUvarint(b, uint64(s.cfg.MaxTokens))
	}
	return b
}

// cacheKey is the hex SHA-256 of the normalised request. Fields are
// length-prefixed so that no two different requests serialise alike.
func cacheKey(p *Profile, question, context string, final Sampling) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write(p.sig)
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(question)))])
	h.Write([]byte(question))
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(context)))])
	h.Write([]byte(context))
	var sb [64]byte
	h.Write(final.appendKey(sb[:0]))
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// lru is a bounded, TTL-aware map from cache key to a finished Result. It
// sits in front of the store's cache table so that a repeated question in
// the same process costs a map lookup, not a SQLite read and a JSON decode.
type lru struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	ll      *list.List // front = most recently used
	entries map[string]*list.Element
}

type lruEntry struct {
	key     string
	res     *Result
	expires time.Time // zero: never
}

func newLRU(max int, ttl time.Duration) *lru {
	return &lru{max: max, ttl: ttl, ll: list.New(), entries: make(map[string]*list.Element, min(max, 1024))}
}

func (c *lru) get(key string, now time.Time) (*Result, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*lruEntry)
	if !e.expires.IsZero() && !now.Before(e.expires) {
		c.ll.Remove(el)
		delete(c.entries, key)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return e.res, true
}

// put stores res until expires (zero: the cache's TTL from now).
func (c *lru) put(key string, res *Result, now, expires time.Time) {
	if c.max <= 0 {
		return
	}
	if expires.IsZero() && c.ttl > 0 {
		expires = now.Add(c.ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*lruEntry)
		e.res, e.expires = res, expires
		c.ll.MoveToFront(el)
		return
	}
	c.entries[key] = c.ll.PushFront(&lruEntry{key: key, res: res, expires: expires})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.entries, old.Value.(*lruEntry).key)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// decodeCached reads a cache value back from the store (appendCached wrote
// it) into the Result a hit on profile p answers with. The bytes come from
// a file another process, an older hive or a disk error may have written,
// so a value is only served when it is a whole successful run of p's
// stages with its record: the same stage names in the same order, every
// stage "ok", the final answer equal to the last stage's, a conversation
// id, no negative count, cost or duration, and totals that are the sums
// of the stages. Anything else is an error, and the question runs again.
func decodeCached(data []byte, p *Profile) (*Result, error) {
	var c cachedResult
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("consensus: cache entry is not a cached run: %w", err)
	}
	bad := func(format string, a ...any) (*Result, error) {
		return nil, fmt.Errorf("consensus: cache entry for profile %q: "+format, append([]any{p.Name}, a...)...)
	}
	switch {
	case c.ConversationID <= 0:
		return bad("conversation_id %d: the run has no record to read back", c.ConversationID)
	case c.Profile != p.Name:
		return bad("it holds a run of profile %q", c.Profile)
	case len(c.Stages) != len(p.plan):
		return bad("%d stages; the profile has %d", len(c.Stages), len(p.plan))
	case c.Final != c.Stages[len(c.Stages)-1].Content:
		return bad("the final answer is not the last stage's")
	case c.Upstream < 0 || c.Wall < 0:
		return bad("negative upstream or wall time")
	}
	var sum Totals
	for i := range c.Stages {
		s := &c.Stages[i]
		switch {
		case s.Stage != p.plan[i].name:
			return bad("stage %d is %q; want %q", i, s.Stage, p.plan[i].name)
		case s.Status != StatusOK:
			return bad("stage %s has status %q; only successful runs are cached", s.Stage, s.Status)
		case s.PromptTokens < 0 || s.CompletionTokens < 0 || s.Attempts < 0 || !(s.Cost >= 0) ||
			s.TTFT < 0 || s.Latency < 0 || s.Upstream < 0:
			return bad("stage %s has a negative count, cost or duration", s.Stage)
		}
		sum.PromptTokens += s.PromptTokens
		sum.CompletionTokens += s.CompletionTokens
		sum.Cost += s.Cost
		sum.Latency += s.Latency
	}
	if sum != c.Totals {
		return bad("totals %+v are not the sums of the stages %+v", c.Totals, sum)
	}
	return &Result{ConversationID: c.ConversationID, Profile: c.Profile, Final: c.Final, Stages: c.Stages,
		Totals: c.Totals, Status: StatusOK, Recorded: true}, nil
}
