package mockllm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// script is the parsed directive list of a scripted model name (grammar in
// the package doc). The zero script changes nothing.
type script struct {
	failStatus     int // 0: no scripted failure
	failTimes      int // 0: every request fails; n: the first n requests for this model name
	retryAfter     int // seconds; -1: no Retry-After header
	cutAfter       int // -1: no cut
	malformedAfter int // -1: no malformed chunk
	errorAfter     int // -1: no error object
	keepAlive      bool
	keepAliveEvery time.Duration // 0: one comment before each wait
	ttft, itl      time.Duration
	hasTTFT        bool
	hasITL         bool
	tokens         int // 0: from the latency model
	noUsage        bool
	noCost         bool
}

const scriptGrammar = "fail-<status 400..599>[x<n>][-ra<seconds>], cut-after-<n>, malformed-after-<n>, " +
	"error-after-<n>, keepalive, keepalive-<duration>, ttft-<duration>, itl-<duration>, tokens-<n>, no-usage, no-cost"

// maxCount bounds every count in a directive; it is far above any useful
// value and keeps the arithmetic away from overflow.
const maxCount = 1_000_000

var noScript = script{retryAfter: -1, cutAfter: -1, malformedAfter: -1, errorAfter: -1}

// parseModel splits a model name into its script and reports whether it was
// scripted. Names not starting with '@' are plain model IDs and never fail to
// parse: real IDs ("openai/gpt-4o-mini", "01-ai/yi-large") must pass
// through untouched, which is why scripts need the '@' marker.
func parseModel(model string) (script, bool, error) {
	s := noScript
	if !strings.HasPrefix(model, "@") {
		return s, false, nil
	}
	dirs, name, ok := strings.Cut(model[1:], "/")
	if !ok || name == "" {
		return s, true, fmt.Errorf("model %q: a scripted model is \"@<directive>[+<directive>...]/<name>\", e.g. \"@fail-500x3/any-name\"; the /<name> part is missing", model)
	}
	seen := map[string]bool{}
	for _, d := range strings.Split(dirs, "+") {
		kind, err := s.apply(d)
		if err != nil {
			return s, true, fmt.Errorf("model %q: %w", model, err)
		}
		if seen[kind] {
			return s, true, fmt.Errorf("model %q: directive %q given twice", model, kind)
		}
		seen[kind] = true
	}
	return s, true, nil
}

// apply parses one directive into s and returns its kind (for the
// duplicate check).
func (s *script) apply(d string) (string, error) {
	switch {
	case d == "":
		return "", fmt.Errorf("empty directive (two '+' in a row, or nothing between '@' and '/'); known directives: %s", scriptGrammar)
	case d == "keepalive":
		s.keepAlive = true
		return d, nil
	case strings.HasPrefix(d, "keepalive-"):
		v, err := parseDirectiveDuration(d, "keepalive-")
		if err == nil && v < time.Millisecond {
			err = fmt.Errorf("directive %q: the interval must be at least 1ms", d)
		}
		s.keepAlive, s.keepAliveEvery = true, v
		return "keepalive", err
	case d == "no-usage":
		s.noUsage = true
		return d, nil
	case d == "no-cost":
		s.noCost = true
		return d, nil
	case strings.HasPrefix(d, "fail-"):
		return "fail", s.parseFail(d)
	case strings.HasPrefix(d, "cut-after-"):
		n, err := parseCount(d, "cut-after-", 0)
		s.cutAfter = n
		return "cut-after", err
	case strings.HasPrefix(d, "malformed-after-"):
		n, err := parseCount(d, "malformed-after-", 0)
		s.malformedAfter = n
		return "malformed-after", err
	case strings.HasPrefix(d, "error-after-"):
		n, err := parseCount(d, "error-after-", 0)
		s.errorAfter = n
		return "error-after", err
	case strings.HasPrefix(d, "tokens-"):
		n, err := parseCount(d, "tokens-", 1)
		s.tokens = n
		return "tokens", err
	case strings.HasPrefix(d, "ttft-"):
		v, err := parseDirectiveDuration(d, "ttft-")
		s.ttft, s.hasTTFT = v, true
		return "ttft", err
	case strings.HasPrefix(d, "itl-"):
		v, err := parseDirectiveDuration(d, "itl-")
		s.itl, s.hasITL = v, true
		return "itl", err
	}
	return "", fmt.Errorf("unknown directive %q; known directives: %s", d, scriptGrammar)
}

// parseFail parses fail-<status>[x<n>][-ra<seconds>].
func (s *script) parseFail(d string) error {
	bad := func(why string) error {
		return fmt.Errorf("directive %q: %s; want fail-<status 400..599>[x<n>][-ra<seconds>], e.g. fail-500x3 or fail-429x1-ra1", d, why)
	}
	rest := d[len("fail-"):]
	status, rest := leadingDigits(rest)
	if len(status) != 3 {
		return bad("the status is not a three-digit HTTP code")
	}
	s.failStatus, _ = strconv.Atoi(status)
	if s.failStatus < 400 || s.failStatus > 599 {
		return bad("the status is outside 400..599")
	}
	if strings.HasPrefix(rest, "x") {
		var n string
		n, rest = leadingDigits(rest[1:])
		times, err := checkCount(n, 1)
		if err != nil {
			return bad("the count after 'x' " + err.Error())
		}
		s.failTimes = times
	}
	if strings.HasPrefix(rest, "-ra") {
		var n string
		n, rest = leadingDigits(rest[3:])
		secs, err := checkCount(n, 0)
		if err != nil {
			return bad("the seconds after '-ra' " + err.Error())
		}
		s.retryAfter = secs
	}
	if rest != "" {
		return bad(fmt.Sprintf("unexpected %q", rest))
	}
	return nil
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

func parseCount(d, prefix string, min int) (int, error) {
	n, err := checkCount(d[len(prefix):], min)
	if err != nil {
		return 0, fmt.Errorf("directive %q: the count %s", d, err)
	}
	return n, nil
}

// checkCount accepts only plain decimal digits: "+5", "5 " or "0x5" in a
// model name are typos, not numbers.
func checkCount(s string, min int) (int, error) {
	digits, rest := leadingDigits(s)
	if digits == "" || rest != "" {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if len(digits) > 7 {
		return 0, fmt.Errorf("%s is above %d", digits, maxCount)
	}
	n, _ := strconv.Atoi(digits)
	if n < min || n > maxCount {
		return 0, fmt.Errorf("%d is outside %d..%d", n, min, maxCount)
	}
	return n, nil
}

func parseDirectiveDuration(d, prefix string) (time.Duration, error) {
	v, err := time.ParseDuration(d[len(prefix):])
	if err != nil || v < 0 {
		return 0, fmt.Errorf("directive %q: %q is not a duration ≥ 0; want e.g. %s200ms", d, d[len(prefix):], prefix)
	}
	return v, nil
}

// String is the canonical directive list (without '@' and name), in a fixed
// order; parseModel("@"+s.String()+"/x") gives s back.
func (s script) String() string {
	var parts []string
	if s.failStatus != 0 {
		p := "fail-" + strconv.Itoa(s.failStatus)
		if s.failTimes > 0 {
			p += "x" + strconv.Itoa(s.failTimes)
		}
		if s.retryAfter >= 0 {
			p += "-ra" + strconv.Itoa(s.retryAfter)
		}
		parts = append(parts, p)
	}
	if s.cutAfter >= 0 {
		parts = append(parts, "cut-after-"+strconv.Itoa(s.cutAfter))
	}
	if s.malformedAfter >= 0 {
		parts = append(parts, "malformed-after-"+strconv.Itoa(s.malformedAfter))
	}
	if s.errorAfter >= 0 {
		parts = append(parts, "error-after-"+strconv.Itoa(s.errorAfter))
	}
	switch {
	case s.keepAliveEvery > 0:
		parts = append(parts, "keepalive-"+s.keepAliveEvery.String())
	case s.keepAlive:
		parts = append(parts, "keepalive")
	}
	if s.hasTTFT {
		parts = append(parts, "ttft-"+s.ttft.String())
	}
	if s.hasITL {
		parts = append(parts, "itl-"+s.itl.String())
	}
	if s.tokens > 0 {
		parts = append(parts, "tokens-"+strconv.Itoa(s.tokens))
	}
	if s.noUsage {
		parts = append(parts, "no-usage")
	}
	if s.noCost {
		parts = append(parts, "no-cost")
	}
	return strings.Join(parts, "+")
}
