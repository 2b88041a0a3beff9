package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// fuzzMaxBody is small so that the fuzzer reaches the size cap.
const fuzzMaxBody = 256

// FuzzDecodeBody: request bodies are outside input. decodeBody must never
// panic; it accepts exactly what encoding/json accepts as one value
// (within the cap, and with the same result), answers everything else
// itself with 400 or 413 and a JSON error, and never accepts a body over
// the cap, declared or chunked.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzDecodeBody -fuzztime 60s -parallel 1 ./engine/server
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"question": "What is a B-tree?"}`,
		`{"question": "q", "context": "c", "profile": "plain", "stream": true, "no_cache": true, "max_cost": 0.05}`,
		`{"question": "  "}`, `{"question": "q", "profil": "speed"}`, `question=q`, ``, `{"question": "q"} {}`,
		`{"question": "q", "max_cost": -1}`, `{"question": "` + strings.Repeat("a", fuzzMaxBody) + `"}`,
		` {"question": "q"} ` + "\n", `null`, `[]`, `{"question": 1}`, `{"question": "q"}]`,
		`{"model": "hive/plain", "messages": [{"role": "user", "content": "q"}], "stream": true}`,
		`{"model": "hive", "messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url"}]}]}`,
		`{"model": "hive", "messages": [{"role": "user", "content": null}], "max_cost": 1e-9, "extra": {}}`,
		`{"model": "hive", "messages": [{"role": "user", "content": 5}]}`,
	} {
		for _, chat := range []bool{false, true} {
			f.Add([]byte(seed), chat, false)
			f.Add([]byte(seed), chat, true)
		}
	}
	s := &Server{cfg: Config{MaxBodyBytes: fuzzMaxBody}}
	f.Fuzz(func(t *testing.T, body []byte, chat, chunked bool) {
		req := httptest.NewRequest(http.MethodPost, "/v1/consensus", bytes.NewReader(body))
		if chunked {
			req.ContentLength = -1 // what a client streaming the body sends
		}
		w := httptest.NewRecorder()
		// The handlers' own calls: consensus bodies strict, chat bodies not.
		var got, want any = &consensusRequest{}, &consensusRequest{}
		if chat {
			got, want = &chatRequest{}, &chatRequest{}
		}
		ok := s.decodeBody(w, req, got, !chat)

		if !ok {
			if w.Code != http.StatusBadRequest && w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("refused with status %d; want 400 or 413", w.Code)
			}
			var e errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Message == "" || e.Error.Type != typeInvalidRequest {
				t.Fatalf("refusal is not OpenAI's error envelope: %q (%v)", w.Body.String(), err)
			}
			if w.Code == http.StatusRequestEntityTooLarge && len(body) <= fuzzMaxBody {
				t.Fatalf("413 for a %d-byte body under the %d-byte cap", len(body), fuzzMaxBody)
			}
		} else if w.Body.Len() != 0 || len(w.Header()) != 0 {
			t.Fatalf("accepted, but wrote %d %q", w.Code, w.Body.String())
		}
		if ok && len(body) > fuzzMaxBody {
			t.Fatalf("accepted a %d-byte body over the %d-byte cap", len(body), fuzzMaxBody)
		}

		stdErr := json.Unmarshal(body, want)
		if !chat && stdErr == nil {
			// Strict decoding: an unknown field is refused too.
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			stdErr = dec.Decode(new(consensusRequest))
		}
		if len(body) <= fuzzMaxBody && ok != (stdErr == nil) {
			t.Fatalf("decodeBody ok=%v but encoding/json says %v", ok, stdErr)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %+v; encoding/json decodes %+v", got, want)
		}
	})
}

// FuzzChatContent: a message's content is a string, null, or an array of
// {type, text} parts whose text parts are joined by newlines; anything
// else is an error, never a panic or a silent empty string.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzChatContent -fuzztime 60s -parallel 1 ./engine/server
func FuzzChatContent(f *testing.F) {
	for _, seed := range []string{`"hello"`, `null`, `""`, `[]`, `[{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]`,
		`[{"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "c\nd"}]`, `[{"TYPE": "text", "Text": "x"}]`,
		`[null]`, `[1]`, `5`, `true`, `{"type": "text"}`, `[{"type": "text", "text": 5}]`, ` "\u00e9\ud800" `, `"\\"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c chatContent
		err := json.Unmarshal(data, &c)

		var str string
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		isNull := bytes.Equal(bytes.TrimSpace(data), []byte("null"))
		switch {
		case json.Unmarshal(data, &str) == nil && !isNull:
			if err != nil || string(c) != str {
				t.Fatalf("string content %q: got %q, %v", str, c, err)
			}
		case isNull:
			if err != nil || c != "" {
				t.Fatalf("null content: got %q, %v", c, err)
			}
		case json.Unmarshal(data, &parts) == nil:
			if err != nil {
				t.Fatalf("array of parts refused: %v", err)
			}
			// c is the text parts, in order, each followed by a newline
			// but the last.
			rest := string(c)
			first := true
			for _, p := range parts {
				if p.Type != "text" {
					continue
				}
				if !first {
					if !strings.HasPrefix(rest, "\n") {
						t.Fatalf("parts %+v: %q lacks the newline before %q", parts, c, p.Text)
					}
					rest = rest[1:]
				}
				first = false
				if !strings.HasPrefix(rest, p.Text) {
					t.Fatalf("parts %+v: %q lacks %q in its place", parts, c, p.Text)
				}
				rest = rest[len(p.Text):]
			}
			if rest != "" {
				t.Fatalf("parts %+v: %q has %q beyond the text parts", parts, c, rest)
			}
		default:
			if err == nil {
				t.Fatalf("content %q is neither a string, null nor parts, yet was accepted as %q", data, c)
			}
		}
	})
}

// FuzzSplitChat: the last user message is the question; every other
// message, in order, is "role: content" in the context, blocks separated
// by a blank line; no user message at all is an error.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzSplitChat -fuzztime 60s -parallel 1 ./engine/server
func FuzzSplitChat(f *testing.F) {
	// roles and contents are split on '|' into the messages.
	f.Add("user", "q")
	f.Add("system|user|assistant|user", "be brief|hi|hello|What is Go?")
	f.Add("system|assistant", "a|b")
	f.Add("user|assistant", "q|a")
	f.Add("|user|", "\n\n|user: x|")
	f.Add("User|user", "not it|it")
	f.Fuzz(func(t *testing.T, roles, contents string) {
		rs, cs := strings.Split(roles, "|"), strings.Split(contents, "|")
		msgs := make([]chatMessage, len(rs))
		for i := range rs {
			msgs[i].Role = rs[i]
			if i < len(cs) {
				msgs[i].Content = chatContent(cs[i])
			}
		}
		question, context, err := splitChat(msgs)

		last := -1
		for i, m := range msgs {
			if m.Role == "user" {
				last = i
			}
		}
		if last < 0 {
			if err == nil {
				t.Fatalf("no user message in %+v, yet no error", msgs)
			}
			return
		}
		if err != nil {
			t.Fatalf("user message %d in %+v, yet %v", last, msgs, err)
		}
		if question != string(msgs[last].Content) {
			t.Fatalf("question %q; want the last user message %q", question, msgs[last].Content)
		}
		rest := context
		first := true
		for i, m := range msgs {
			if i == last {
				continue
			}
			if !first {
				if !strings.HasPrefix(rest, "\n\n") {
					t.Fatalf("context %q lacks the blank line before message %d", context, i)
				}
				rest = rest[2:]
			}
			first = false
			block := m.Role + ": " + string(m.Content)
			if !strings.HasPrefix(rest, block) {
				t.Fatalf("context %q lacks message %d %q in its place", context, i, block)
			}
			rest = rest[len(block):]
		}
		if rest != "" {
			t.Fatalf("context %q has %q beyond the messages", context, rest)
		}
	})
}
