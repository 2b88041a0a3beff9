package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestChatContentForms: the content shapes OpenAI clients send. The text
// parts are joined by one newline between each two, empty parts included,
// wherever they stand (FuzzChatContent found empty leading parts dropping
// their newline while later ones kept it).
func TestChatContentForms(t *testing.T) {
	tests := []struct {
		name, json, want string
		err              bool
	}{
		{"string", `"What is Go?"`, "What is Go?", false},
		{"null", `null`, "", false},
		{"no parts", `[]`, "", false},
		{"text parts", `[{"type": "text", "text": "What"}, {"type": "text", "text": "is Go?"}]`, "What\nis Go?", false},
		{"other parts are skipped", `[{"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "a"}]`, "a", false},
		{"two empty parts", `[{"type": "text"}, {"type": "text"}]`, "\n", false},
		{"an empty part first", `[{"type": "text", "text": ""}, {"type": "text", "text": "b"}]`, "\nb", false},
		{"an empty part between", `[{"type": "text", "text": "a"}, {"type": "text", "text": ""}, {"type": "text", "text": "b"}]`, "a\n\nb", false},
		{"a number", `5`, "", true},
		{"an object", `{"type": "text", "text": "a"}`, "", true},
		{"a part whose text is a number", `[{"type": "text", "text": 5}]`, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c chatContent
			err := json.Unmarshal([]byte(tc.json), &c)
			if tc.err {
				assert.Error(t, err)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tc.want, string(c))
		})
	}
}
