package consensus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// FuzzParseConfig feeds arbitrary bytes through the path a user config file
// takes: strict parse, merge, validate, cache signature. It must never
// panic, and every rejection must be a usage error (exit 2).
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzParseConfig -fuzztime 30s ./engine/consensus
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(testProfiles))
	f.Add([]byte("default_profile: x\nprofiles:\n  x:\n    direct: {model: a, temperature: 3}\n"))
	f.Add([]byte("profiles:\n  x:\n    generator: {model: a}\n    refiner: {model: b}\n    validator: {model: c}\n    curator: {model: d, fallbacks: [e]}\n"))
	f.Add([]byte("default_profile: [\n"))
	f.Add([]byte("prices:\n  a: {prompt: .nan}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		over, err := ParseConfig(data, "fuzz.yaml")
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("parse error is not a usage error: %v", err)
			}
			return
		}
		// A small base built in Go keeps each execution cheap; the embedded
		// defaults are covered by TestDefaultProfiles.
		base := &Config{DefaultProfile: "x"}
		base.merge(over)
		if err := base.validate("fuzz.yaml"); err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("validation error is not a usage error: %v", err)
			}
			return
		}
		for _, n := range base.ProfileNames() {
			p, err := base.Profile(n)
			if err != nil {
				t.Fatalf("validated profile %q not usable: %v", n, err)
			}
			if len(p.Stages()) != 1 && len(p.Stages()) != 4 {
				t.Fatalf("profile %q has %d stages", n, len(p.Stages()))
			}
			if len(cacheKey(p, "q", "c", Sampling{})) != 64 {
				t.Fatal("cache key is not a hex SHA-256")
			}
		}
	})
}

// storedRun is the cache value a successful run of profile p leaves in the
// store, as remember writes it.
func storedRun(p *Profile) []byte {
	r := &Result{ConversationID: 7, Profile: p.Name, Status: StatusOK}
	for i, ps := range p.plan {
		s := StageRecord{Stage: ps.name, Model: ps.cfg.Model, Content: fmt.Sprintf("answer %d "+awkward, i),
			PromptTokens: 10 + i, CompletionTokens: 20 + i, Cost: 0.1 * float64(i+1), TTFT: time.Millisecond,
			Latency: time.Duration(i+1) * time.Millisecond, Upstream: time.Millisecond, Attempts: 1, Status: StatusOK}
		r.Stages = append(r.Stages, s)
		r.Totals.PromptTokens += s.PromptTokens
		r.Totals.CompletionTokens += s.CompletionTokens
		r.Totals.Cost += s.Cost
		r.Totals.Latency += s.Latency
	}
	r.Final = r.Stages[len(r.Stages)-1].Content
	return appendCached(nil, &cachedResult{ConversationID: r.ConversationID, Profile: r.Profile, Final: r.Final,
		Stages: r.Stages, Totals: r.Totals, Upstream: 3 * time.Millisecond, Wall: 4 * time.Millisecond})
}

// TestDecodeCached: only a whole, successful, recorded run of the asked
// profile is served from the store's cache; anything else is refused
// with a message naming what is wrong, and the question runs again.
func TestDecodeCached(t *testing.T) {
	cfg := loadConfig(t, "")
	plain, err := cfg.Profile("plain")
	require.NoError(t, err)
	good := storedRun(plain)
	edit := func(f func(c *cachedResult)) []byte {
		var c cachedResult
		require.NoError(t, json.Unmarshal(good, &c))
		f(&c)
		return appendCached(nil, &c)
	}
	cases := []struct {
		name string
		data []byte
		want string // "" means accepted
	}{
		{"a stored run", good, ""},
		{"truncated", good[:len(good)/2], "not a cached run"},
		{"not JSON", []byte("\x00\x01"), "not a cached run"},
		{"null", []byte("null"), "conversation_id 0"},
		{"empty object", []byte("{}"), "conversation_id 0"},
		{"no record", edit(func(c *cachedResult) { c.ConversationID = 0 }), "no record to read back"},
		{"other profile", edit(func(c *cachedResult) { c.Profile = "one" }), `run of profile "one"`},
		{"stage missing", edit(func(c *cachedResult) { c.Stages = c.Stages[:3] }), "3 stages; the profile has 4"},
		{"no stages", edit(func(c *cachedResult) { c.Stages = nil }), "0 stages"},
		{"stages swapped", edit(func(c *cachedResult) { c.Stages[0].Stage, c.Stages[1].Stage = c.Stages[1].Stage, c.Stages[0].Stage }),
			`stage 0 is "refiner"`},
		{"a failed stage", edit(func(c *cachedResult) { c.Stages[2].Status = StatusFailed }), `status "failed"`},
		{"final is not the curator's", edit(func(c *cachedResult) { c.Final = "other" }), "final answer is not the last stage's"},
		{"negative tokens", edit(func(c *cachedResult) { c.Stages[1].PromptTokens = -1; c.Totals.PromptTokens -= 11 }), "negative"},
		{"negative latency", edit(func(c *cachedResult) { c.Stages[1].Latency = -1 }), "negative"},
		{"negative wall", edit(func(c *cachedResult) { c.Wall = -1 }), "negative upstream or wall"},
		{"totals off", edit(func(c *cachedResult) { c.Totals.CompletionTokens++ }), "not the sums"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := decodeCached(tc.data, plain)
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.Nil(t, r)
				return
			}
			require.NoError(t, err)
			assert.True(t, r.Recorded)
			assert.Equal(t, StatusOK, r.Status)
			assert.Equal(t, int64(7), r.ConversationID)
			assert.Equal(t, r.Stages[3].Content, r.Final)
		})
	}
}

// FuzzDecodeCached feeds arbitrary bytes through the path a cache value
// read back from the database takes. It must never panic; a value it
// accepts must be a whole successful run of the profile (the properties
// decodeCached promises), encode to valid JSON exactly as encoding/json
// would, and survive a round trip through the store's encoding unchanged.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzDecodeCached -fuzztime 60s -parallel 1 ./engine/consensus
func FuzzDecodeCached(f *testing.F) {
	cfg := loadConfig(f, "")
	var profiles []*Profile
	for _, n := range []string{"plain", "one"} {
		p, err := cfg.Profile(n)
		require.NoError(f, err)
		profiles = append(profiles, p)
		good := storedRun(p)
		f.Add(good)
		f.Add(good[:len(good)-1])
		f.Add(bytes.Replace(good, []byte(`"Status":"ok"`), []byte(`"Status":"failed"`), 1))
		f.Add(bytes.Replace(good, []byte(`"PromptTokens":10`), []byte(`"PromptTokens":-10`), 1))
		f.Add(bytes.Replace(good, []byte(`"conversation_id":7`), []byte(`"conversation_id":0`), 1))
	}
	f.Add([]byte("null"))
	f.Add([]byte(`{"stages":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range profiles {
			r, err := decodeCached(data, p)
			if err != nil {
				if r != nil || !strings.HasPrefix(err.Error(), "consensus: cache entry") {
					t.Fatalf("rejection %v came with a result or without the cache-entry prefix", err)
				}
				continue
			}
			if !r.Recorded || r.ConversationID <= 0 || r.Status != StatusOK || r.Profile != p.Name {
				t.Fatalf("accepted a run that is not a recorded successful run of %s: %+v", p.Name, r)
			}
			if len(r.Stages) != len(p.plan) || r.Final != r.Stages[len(r.Stages)-1].Content {
				t.Fatalf("accepted a run whose stages do not fit %s", p.Name)
			}
			var sum Totals
			for i, s := range r.Stages {
				if s.Stage != p.plan[i].name || s.Status != StatusOK || s.PromptTokens < 0 || s.CompletionTokens < 0 ||
					s.Cost < 0 || s.Latency < 0 || s.TTFT < 0 || s.Upstream < 0 || s.Attempts < 0 {
					t.Fatalf("accepted stage %d: %+v", i, s)
				}
				sum.PromptTokens += s.PromptTokens
				sum.CompletionTokens += s.CompletionTokens
				sum.Cost += s.Cost
				sum.Latency += s.Latency
			}
			if sum != r.Totals {
				t.Fatalf("accepted totals %+v that are not the sums %+v", r.Totals, sum)
			}
			wire := r.AppendJSON(nil)
			if !json.Valid(wire) {
				t.Fatalf("a hit would answer invalid JSON: %q", wire)
			}
			if want := marshalWire(t, r.JSON()); !bytes.Equal(wire, want) {
				t.Fatalf("wire form differs from encoding/json:\n got %s\nwant %s", wire, want)
			}
			again := appendCached(nil, &cachedResult{ConversationID: r.ConversationID, Profile: r.Profile, Final: r.Final,
				Stages: r.Stages, Totals: r.Totals})
			r2, err := decodeCached(again, p)
			if err != nil {
				t.Fatalf("a re-encoded accepted run is refused: %v", err)
			}
			if !reflect.DeepEqual(r, r2) {
				t.Fatalf("round trip changed the run:\n%+v\n%+v", r, r2)
			}
		}
	})
}
