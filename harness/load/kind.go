package load

import (
	"fmt"
	"strings"
)

// Kind is a request kind of the scenario mix. Each kind is one real
// endpoint of `hive serve`, exercised the way a user would.
type Kind string

// The request kinds.
const (
	// KindConsensus is POST /v1/consensus with a question never asked
	// before and "no_cache": true: a full four-stage run upstream.
	KindConsensus Kind = "consensus"
	// KindCacheHit is POST /v1/consensus with one repeated question, answered
	// from the response cache; a reply that is not "cached": true is counted
	// as a cache_miss error, not as a fast consensus.
	KindCacheHit Kind = "cache_hit"
	// KindConversationRead is GET /v1/conversations/{id} of a conversation
	// created earlier in the same run (or by the warm-up).
	KindConversationRead Kind = "conversation_read"
)

// Kinds lists every kind in report order.
var Kinds = []Kind{KindConsensus, KindCacheHit, KindConversationRead}

// unsupportedKinds are kinds a reader of the issue may expect that hive
// serve does not offer; naming one gets an error that says why instead of
// "unknown kind".
var unsupportedKinds = map[string]string{
	"analyze_small": "hive serve has no analysis endpoint (its routes are POST /v1/consensus, POST /v1/chat/completions, " +
		"GET /v1/models, GET /v1/conversations/{id}); analysis runs only as the `hive analyze` CLI, so the load generator does not offer this kind",
}

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	if why, ok := unsupportedKinds[s]; ok {
		return "", fmt.Errorf("request kind %q is not supported: %s", s, why)
	}
	return "", fmt.Errorf("unknown request kind %q; want one of %s", s, kindList())
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func kindIndex(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return -1
}
