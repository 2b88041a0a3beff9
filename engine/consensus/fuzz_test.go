package consensus

import (
	"testing"

	"github.com/hiveperf/hive/engine/exitcode"
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
			if len(cacheKey(p, "q", "c")) != 64 {
				t.Fatal("cache key is not a hex SHA-256")
			}
		}
	})
}
