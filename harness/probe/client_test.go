package probe

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real engine answers are exercised by the consensus probe test; this
// one feeds the client the answers a broken engine could give.
func TestAskerRefusesBadAnswers(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"error status with JSON", 502, `{"error":"upstream: 500"}`, "answered 502 Bad Gateway: upstream: 500"},
		{"error status with OpenAI's envelope", 502, `{"error":{"message":"upstream: 500","type":"upstream_error","param":null,"code":null},"result":{"status":"failed"}}`,
			"answered 502 Bad Gateway: upstream: 500"},
		{"error status with text", 500, `boom`, "answered 500 Internal Server Error: boom"},
		{"not JSON", 200, `<html>`, "not the expected JSON"},
		{"failed run", 200, `{"status":"failed","error":"validator"}`, `run status "failed"`},
		{"negative overhead", 200, `{"status":"ok","overhead_ms":-1}`, "negative overhead_ms"},
		{"cached fresh question", 200, `{"status":"ok","cached":true}`, "answered from the cache"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			_, _, err := asker{client: srv.Client(), base: srv.URL}.fresh(t.Context(), "q")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestQuestionsAreUnique(t *testing.T) {
	a, b := newQuestions(), newQuestions()
	seen := map[string]bool{}
	first := a.reserve(3)
	for _, q := range []string{a.next(), a.at(first), a.at(first + 1), a.at(first + 2), b.next()} {
		assert.False(t, seen[q], q)
		seen[q] = true
	}
}
