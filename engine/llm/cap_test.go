package llm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An answer past the size cap fails with an error naming the cap, keeps
// what arrived within it, is neither retried nor sent to a fallback, and
// its upstream request is aborted (the stream here would go on forever).
func TestChatAnswerOverTheCapFails(t *testing.T) {
	ten := strings.Repeat("x", 10)
	cases := []struct {
		name    string
		cap     int
		writes  []string
		content string // kept
		began   bool
	}{
		{"past the cap after output began", 25, []string{roleChunk(), delta(ten), delta(ten), delta(ten)}, ten + ten, true},
		{"the first delta alone is over the cap", 5, []string{roleChunk(), delta(ten)}, "", false},
		{"exactly at the cap is fine until more comes", 20, []string{roleChunk(), delta(ten), delta(ten), delta("y")}, ten + ten, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := one(t, reply{writes: tc.writes, end: endPing})
			cl, slept := newTestClient(u, WithMaxAnswerBytes(tc.cap))
			var streamed strings.Builder
			resp, err := cl.Chat(context.Background(), question("m", "backup"), func(d string) { streamed.WriteString(d) })
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrAnswerTooLarge)
			assert.Contains(t, err.Error(), "more than "+jsonInt(tc.cap)+" bytes", "the error names the cap")
			assert.Contains(t, err.Error(), "--max-answer-bytes", "the error says how to raise it")
			var se *StreamError
			assert.Equal(t, tc.began, errors.As(err, &se), "a StreamError exactly when output had begun")
			assert.Equal(t, tc.content, resp.Content)
			assert.Equal(t, tc.content, streamed.String(), "nothing past the cap reaches the caller")
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, []string{"m"}, u.requests(), "neither a retry nor a fallback")
			assert.Empty(t, *slept)
			u.waitLeft(t) // the upstream saw its request end
		})
	}
}

func TestChatAnswerCapDefaultsAndOff(t *testing.T) {
	assert.Equal(t, DefaultMaxAnswerBytes, New().maxAnswer)
	assert.Equal(t, 1<<20, DefaultMaxAnswerBytes)
	assert.Zero(t, New(WithMaxAnswerBytes(-1)).maxAnswer, "a negative cap is no cap, not a panic")
	big := strings.Repeat("z", 4096)
	u := one(t, reply{writes: []string{roleChunk(), delta(big), delta(big), finish("stop"), done}})
	cl, _ := newTestClient(u, WithMaxAnswerBytes(0))
	resp, err := cl.Chat(context.Background(), question("m"), nil)
	require.NoError(t, err, "0 removes the cap")
	assert.Len(t, resp.Content, 2*len(big))
}
