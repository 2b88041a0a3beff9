package load

import (
	"encoding/json"
	"math"
	"testing"
)

// A rate the parser accepts can drive an open-model schedule: positive,
// finite, a positive interval between arrivals, and its String form reads
// back as the same rate (to String's 6 significant digits). The growth
// bounds accept only positive, finite bounds.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1000/min", "16.5/s", "2/h", " 3 / sec ", "0.5/s", "1/minute", "1e-300/s", "1e300/s",
		"0x10/s", "Inf/s", "NaN/min", "-1/s", "1/", "/s", "1MB/min", "512KiB/min", "20KB/s", "1 GB / h", "1e308GB/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseRate(s); err == nil {
			v := r.PerSecond()
			if !(v > 0) || math.IsInf(v, 0) {
				t.Fatalf("ParseRate(%q) = %v: not a positive finite rate", s, v)
			}
			if iv := r.Interval(); iv <= 0 {
				t.Fatalf("ParseRate(%q) = %v/s: interval between arrivals %v is not positive", s, v, iv)
			}
			back, err := ParseRate(r.String())
			if err != nil {
				t.Fatalf("ParseRate(%q).String() = %q does not parse: %v", s, r.String(), err)
			}
			if rel := math.Abs(float64(back)-v) / v; rel > 1e-5 {
				t.Fatalf("ParseRate(%q) = %v/s, but its String %q reads back as %v/s", s, v, r.String(), float64(back))
			}
		}
		for name, parse := range map[string]func(string) (PerMinute, error){"bytes": ParseBytesPerMinute, "count": ParseCountPerMinute} {
			if b, err := parse(s); err == nil && (!(b > 0) || math.IsInf(float64(b), 0)) {
				t.Fatalf("%s bound %q = %v: not positive and finite", name, s, float64(b))
			}
		}
	})
}

// A scenario the parser accepts is valid as it stands (Validate again
// changes nothing), has a positive request cap, and its JSON form, which a
// report embeds so that a reader can paste it back into a file, parses to
// the same scenario.
func FuzzParseScenario(f *testing.F) {
	for _, name := range BuiltinNames() {
		data, err := builtinFS.ReadFile("scenarios/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"model: closed\nusers: 3\nduration: 1s\nthink: 10ms\nmix: {consensus: 1}\n",
		"model: open\nrate: 20/s\nusers: 20\nduration: 1s\nmix: {consensus: 2, cache_hit: 1, conversation_read: 1}\nmock: {ttft: 0s, itl: 0s, tokens: 4}\nthresholds: [\"rate(errors)==0\", \"count(requests)==20\"]\n",
		"model: open\nrate: 1e-300/s\nmax_inflight: 1\nduration: 24h\nmix: {consensus: 1}\n",
		"model: closed\nusers: 1\nduration: 1ns\nthink: 1ns\nthink_jitter: 1ns\nmix: {consensus: 1e308, cache_hit: 1e308}\n",
		"model: closed\nusers: 20000\nduration: 24h\nmix: {consensus: 1}\nseed: 18446744073709551615\n",
		"{\"model\": \"open\", \"rate\": \"1000/min\", \"users\": 5, \"duration\": \"1m0s\", \"mix\": {\"consensus\": 1}}",
		"",
		"---\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario(data, "fuzz")
		if err != nil {
			return
		}
		again := sc
		if err := again.Validate(); err != nil {
			t.Fatalf("a parsed scenario fails Validate: %v\n%s", err, data)
		}
		if n := sc.MaxRequestsOrDefault(); n <= 0 {
			t.Fatalf("request cap %d is not positive\n%s", n, data)
		}
		_ = sc.Describe()
		js, err := json.Marshal(sc)
		if err != nil {
			t.Fatalf("MarshalJSON: %v\n%s", err, data)
		}
		back, err := ParseScenario(js, "fuzz round trip")
		if err != nil {
			t.Fatalf("the JSON form does not parse back: %v\n%s\nfrom\n%s", err, js, data)
		}
		if d := scenarioDiff(sc, back); d != "" {
			t.Fatalf("the JSON form parses to a different scenario: %s\n%s\nfrom\n%s", d, js, data)
		}
	})
}

// scenarioDiff names the first field in which b differs from a as a
// scenario (the mock's token count compares by its effective value, the
// rate to String's precision).
func scenarioDiff(a, b Scenario) string {
	switch {
	case a.Name != b.Name:
		return "name"
	case a.Description != b.Description:
		return "description"
	case a.Model != b.Model:
		return "model"
	case a.Users != b.Users:
		return "users"
	case a.Rate == 0 != (b.Rate == 0) || a.Rate > 0 && math.Abs(float64(a.Rate-b.Rate))/float64(a.Rate) > 1e-5:
		return "rate"
	case a.MaxInFlight != b.MaxInFlight:
		return "max_inflight"
	case a.Duration != b.Duration:
		return "duration"
	case a.Think != b.Think || a.ThinkJitter != b.ThinkJitter:
		return "think"
	case a.Timeout != b.Timeout:
		return "timeout"
	case a.MaxRequests != b.MaxRequests:
		return "max_requests"
	case a.Profile != b.Profile:
		return "profile"
	case a.Seed != b.Seed:
		return "seed"
	case a.Mock.TTFT != b.Mock.TTFT || a.Mock.ITL != b.Mock.ITL || a.Mock.tokens() != b.Mock.tokens():
		return "mock"
	case len(a.Mix) != len(b.Mix):
		return "mix"
	case len(a.Thresholds) != len(b.Thresholds):
		return "thresholds"
	}
	for k, v := range a.Mix {
		if w, ok := b.Mix[k]; !ok || w != v {
			return "mix." + k
		}
	}
	for i := range a.Thresholds {
		if a.Thresholds[i] != b.Thresholds[i] {
			return "thresholds"
		}
	}
	return ""
}
