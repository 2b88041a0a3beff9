package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoldenGitHubAnnotations(t *testing.T) {
	notAllowed := fixtureMissing()
	notAllowed.MissingAllowed = false
	for _, c := range []struct {
		name string
		c    Comparison
	}{
		{"comparison", fixtureComparison(t)},
		{"comparison-missing", fixtureMissing()},
		{"comparison-missing-failing", notAllowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteGitHubAnnotations(&buf, c.c))
			golden(t, c.name+".github", buf.Bytes())
		})
	}
}

// TestGitHubAnnotationsAgreeWithJUnit: a metric the JUnit report fails
// (failure or error) has an ::error, and no other metric has one.
func TestGitHubAnnotationsAgreeWithJUnit(t *testing.T) {
	notAllowed := fixtureMissing()
	notAllowed.MissingAllowed = false
	for _, c := range []Comparison{fixtureComparison(t), fixtureMissing(), notAllowed} {
		b := comparisonCases(c)
		var buf bytes.Buffer
		require.NoError(t, WriteGitHubAnnotations(&buf, c))
		errs := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			require.True(t, strings.HasPrefix(l, "::error ") || strings.HasPrefix(l, "::warning "), "not a workflow command: %q", l)
			if rest, ok := strings.CutPrefix(l, "::error title=hive gate%3A "); ok {
				metric, _, _ := strings.Cut(rest, "::")
				errs[metric] = true
			}
		}
		for _, m := range b.order {
			fails := len(b.failures[m])+len(b.errors[m]) > 0
			assert.Equal(t, fails, errs[m], "metric %s: fails in JUnit %v, ::error %v", m, fails, errs[m])
		}
	}
}

func TestGitHubCommandEscaping(t *testing.T) {
	cases := []struct {
		kind, title, message, want string
	}{
		{"error", "hive gate: startup", "regressed +16.7%: base 12ms", "::error title=hive gate%3A startup::regressed +16.7%25: base 12ms\n"},
		{"warning", "a,b", "two\nlines\r", "::warning title=a%2Cb::two%0Alines%0D\n"},
		{"error", "t", "a::b, c: d", "::error title=t::a::b, c: d\n"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		ghCommand(&buf, c.kind, c.title, c.message)
		assert.Equal(t, c.want, buf.String())
	}
}
