package mockllm

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseModel(t *testing.T) {
	with := func(f func(s *script)) script {
		s := noScript
		f(&s)
		return s
	}
	cases := []struct {
		model    string
		scripted bool
		want     script
	}{
		{"openai/gpt-4o-mini", false, noScript},
		{"01-ai/yi-large", false, noScript},
		{"fail-500x3/any-name", false, noScript}, // no '@': a plain model ID
		{"@fail-500x3/any-name", true, with(func(s *script) { s.failStatus, s.failTimes = 500, 3 })},
		{"@fail-500/a", true, with(func(s *script) { s.failStatus = 500 })},
		{"@fail-429x1-ra1/a", true, with(func(s *script) { s.failStatus, s.failTimes, s.retryAfter = 429, 1, 1 })},
		{"@fail-503-ra0/a", true, with(func(s *script) { s.failStatus, s.retryAfter = 503, 0 })},
		{"@cut-after-5/openai/gpt-4o-mini", true, with(func(s *script) { s.cutAfter = 5 })},
		{"@cut-after-0/a", true, with(func(s *script) { s.cutAfter = 0 })},
		{"@malformed-after-2/a", true, with(func(s *script) { s.malformedAfter = 2 })},
		{"@error-after-3/a", true, with(func(s *script) { s.errorAfter = 3 })},
		{"@keepalive/a", true, with(func(s *script) { s.keepAlive = true })},
		{"@keepalive-10s/a", true, with(func(s *script) { s.keepAlive, s.keepAliveEvery = true, 10*time.Second })},
		{"@ttft-200ms/a", true, with(func(s *script) { s.ttft, s.hasTTFT = 200*time.Millisecond, true })},
		{"@itl-1.5s/a", true, with(func(s *script) { s.itl, s.hasITL = 1500*time.Millisecond, true })},
		{"@tokens-7/a", true, with(func(s *script) { s.tokens = 7 })},
		{"@no-usage+no-cost/a", true, with(func(s *script) { s.noUsage, s.noCost = true, true })},
		{"@fail-429x2-ra3+ttft-1s+tokens-4+keepalive/a/b", true, with(func(s *script) {
			s.failStatus, s.failTimes, s.retryAfter = 429, 2, 3
			s.ttft, s.hasTTFT, s.tokens, s.keepAlive = time.Second, true, 4, true
		})},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			got, scripted, err := parseModel(c.model)
			require.NoError(t, err)
			assert.Equal(t, c.scripted, scripted)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestParseModelErrors(t *testing.T) {
	cases := []struct{ model, want string }{
		{"@", "/<name> part is missing"},
		{"@fail-500", "/<name> part is missing"},
		{"@fail-500/", "/<name> part is missing"},
		{"@/x", "empty directive"},
		{"@fail-500++tokens-3/x", "empty directive"},
		{"@bogus/x", `unknown directive "bogus"`},
		{"@slow-ttft-200ms/x", `unknown directive "slow-ttft-200ms"`},
		{"@always-500/x", `unknown directive "always-500"`},
		{"@fail-50/x", "three-digit HTTP code"},
		{"@fail-200/x", "outside 400..599"},
		{"@fail-500x0/x", "outside 1..1000000"},
		{"@fail-500x/x", `"" is not a whole number`},
		{"@fail-500x3-ra/x", `"" is not a whole number`},
		{"@fail-500x3y/x", `unexpected "y"`},
		{"@fail-500-ra1x3/x", `unexpected "x3"`},
		{"@cut-after-+5/x", `directive "cut-after-": the count "" is not a whole number`}, // '+' separates directives
		{"@cut-after-0x5/x", `"0x5" is not a whole number`},
		{"@cut-after-5s/x", `"5s" is not a whole number`},
		{"@tokens-99999999/x", "above 1000000"},
		{"@ttft--1s/x", "not a duration ≥ 0"},
		{"@itl-20/x", `"20" is not a duration`},
		{"@keepalive+keepalive/x", `"keepalive" given twice`},
		{"@keepalive+keepalive-1s/x", `"keepalive" given twice`},
		{"@keepalive-0s/x", "at least 1ms"},
		{"@keepalive-soon/x", `"soon" is not a duration`},
		{"@fail-500+fail-429/x", `"fail" given twice`},
		{"@cut-after-1+cut-after-2/x", `"cut-after" given twice`},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			_, scripted, err := parseModel(c.model)
			assert.True(t, scripted)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), c.model, "the message names the model")
		})
	}
}

// FuzzParseModel: model names are outside input. Parsing must never panic,
// and whatever parses must survive a round trip through its canonical form.
func FuzzParseModel(f *testing.F) {
	for _, seed := range []string{"@fail-500x3/a", "@fail-429x1-ra1+ttft-200ms/a", "@cut-after-5+keepalive/x/y", "@ttft-90s+keepalive-10s/x",
		"@tokens-3+no-usage+no-cost+itl-1ms+malformed-after-1+error-after-2/z", "openai/gpt-4o-mini", "@", "@+/", "@fail-"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, model string) {
		s, scripted, err := parseModel(model)
		if err != nil || !scripted {
			return
		}
		back, _, err := parseModel("@" + s.String() + "/n")
		if s == noScript {
			// An all-default script has an empty canonical form, which is
			// not itself a valid script; nothing else to check.
			return
		}
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", s.String(), model, err)
		}
		if back != s {
			t.Fatalf("round trip of %q: got %+v, want %+v", model, back, s)
		}
	})
}
