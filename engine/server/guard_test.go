package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/server"
)

// crafted is one hand-made request: the Host, Origin and Content-Type a
// browser page or a rebound DNS name would send.
type crafted struct {
	method, path string
	host         string // "" keeps the URL's host:port
	origin       string // "" sends no Origin header
	contentType  string // "" sends no Content-Type header
	body         string
}

// send sends c to e and returns the status, headers and body.
func (e *env) send(t testing.TB, c crafted) (int, http.Header, []byte) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, e.url+c.path, body)
	require.NoError(t, err)
	if c.host != "" {
		req.Host = c.host
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

// hostPort is the listening address as a client names it: 127.0.0.1:PORT.
func (e *env) hostPort() string { return strings.TrimPrefix(e.url, "http://") }

func (e *env) port() string {
	_, p, _ := strings.Cut(e.hostPort(), ":")
	return p
}

// conversations is the row count `hive db stats` prints for conversations.
func (e *env) conversations(t testing.TB) int64 {
	t.Helper()
	st, err := e.store.Stats(context.Background())
	require.NoError(t, err)
	return st.Rows["conversations"]
}

// assertRefusal checks an OpenAI-style error envelope with every field of
// it present: {"error": {"message", "type", "param", "code"}}.
func assertRefusal(t *testing.T, body []byte, code string, msgParts ...string) {
	t.Helper()
	var env map[string]map[string]any
	require.NoError(t, json.Unmarshal(body, &env), "body: %s", body)
	e, ok := env["error"]
	require.True(t, ok, "no error object in %s", body)
	for _, k := range []string{"message", "type", "param", "code"} {
		assert.Contains(t, e, k, "error object lacks %q: %s", k, body)
	}
	assert.Equal(t, code, e["code"], "body: %s", body)
	assert.NotEmpty(t, e["type"])
	msg, _ := e["message"].(string)
	for _, p := range msgParts {
		assert.Contains(t, msg, p)
	}
}

// TestGuardRefusesCrossSiteRequests: the requests of the issue "any web page
// can spend the user's LLM budget" — a page's no-cors POST, and reads after
// DNS rebinding — are refused before they reach a handler, and nothing is
// run or recorded.
func TestGuardRefusesCrossSiteRequests(t *testing.T) {
	e := start(t, nil)
	self := e.hostPort()
	q := `{"question":"x"}`
	tests := []struct {
		name string
		req  crafted
		code int
		want string // error code; "" for a success
	}{
		{"the issue's curl", crafted{method: "POST", path: "/v1/consensus", host: "attacker.example",
			origin: "http://attacker.example", contentType: "text/plain", body: q}, 403, "host_not_allowed"},
		{"rebound name, JSON", crafted{method: "POST", path: "/v1/consensus", host: "attacker.example:" + e.port(),
			contentType: "application/json", body: q}, 403, "host_not_allowed"},
		{"rebound chat", crafted{method: "POST", path: "/v1/chat/completions", host: "attacker.example:" + e.port(),
			contentType: "application/json", body: `{"model":"hive","messages":[{"role":"user","content":"x"}]}`}, 403, "host_not_allowed"},
		{"rebound read of a conversation", crafted{method: "GET", path: "/v1/conversations/1", host: "attacker.example:" + e.port()}, 403, "host_not_allowed"},
		{"rebound read of metrics", crafted{method: "GET", path: "/metrics", host: "attacker.example:" + e.port()}, 403, "host_not_allowed"},
		{"rebound read of pprof", crafted{method: "GET", path: "/debug/pprof/", host: "attacker.example:" + e.port()}, 403, "host_not_allowed"},
		{"rebound health probe", crafted{method: "GET", path: "/healthz", host: "attacker.example:" + e.port()}, 403, "host_not_allowed"},
		{"loopback name on another port", crafted{method: "GET", path: "/healthz", host: "127.0.0.1:1"}, 403, "host_not_allowed"},
		{"loopback name without the port", crafted{method: "GET", path: "/healthz", host: "localhost"}, 403, "host_not_allowed"},
		{"a subdomain of localhost", crafted{method: "GET", path: "/healthz", host: "evil.localhost:" + e.port()}, 403, "host_not_allowed"},

		{"no-cors POST from another loopback origin", crafted{method: "POST", path: "/v1/consensus",
			origin: "http://127.0.0.1:1", contentType: "text/plain;charset=UTF-8", body: q}, 403, "origin_not_allowed"},
		{"cors read from another origin", crafted{method: "GET", path: "/v1/conversations/1", origin: "http://attacker.example"}, 403, "origin_not_allowed"},
		{"origin null (sandboxed page, file://)", crafted{method: "POST", path: "/v1/consensus", origin: "null",
			contentType: "application/json", body: q}, 403, "origin_not_allowed"},
		{"origin with a path", crafted{method: "GET", path: "/metrics", origin: "http://" + self + "/x"}, 403, "origin_not_allowed"},

		{"text/plain without an Origin", crafted{method: "POST", path: "/v1/consensus", contentType: "text/plain", body: q}, 415, "unsupported_content_type"},
		{"form post", crafted{method: "POST", path: "/v1/consensus", contentType: "application/x-www-form-urlencoded", body: q}, 415, "unsupported_content_type"},
		{"no Content-Type", crafted{method: "POST", path: "/v1/consensus", body: q}, 415, "unsupported_content_type"},
		{"a JSON-like type", crafted{method: "POST", path: "/v1/consensus", contentType: "application/json-seq", body: q}, 415, "unsupported_content_type"},
		{"unparsable Content-Type", crafted{method: "POST", path: "/v1/consensus", contentType: "application/json; charset", body: q}, 415, "unsupported_content_type"},
		{"chat as text/plain", crafted{method: "POST", path: "/v1/chat/completions", contentType: "text/plain",
			body: `{"model":"hive","messages":[{"role":"user","content":"x"}]}`}, 415, "unsupported_content_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := e.send(t, tc.req)
			assert.Equal(t, tc.code, code, "body: %s", body)
			assertRefusal(t, body, tc.want)
		})
	}
	assert.Zero(t, e.mock.Stats().Requests, "a refused request reached upstream")
	assert.Zero(t, e.conversations(t), "a refused request was recorded")

	// What the same server accepts: each name of the loopback listening
	// address, its own origin, and JSON with parameters in any case.
	ok := []crafted{
		{method: "GET", path: "/healthz", host: "127.0.0.1:" + e.port()},
		{method: "GET", path: "/healthz", host: "localhost:" + e.port()},
		{method: "GET", path: "/healthz", host: "LocalHost:" + e.port()},
		{method: "GET", path: "/healthz", host: "[::1]:" + e.port()},
		{method: "GET", path: "/metrics", origin: "http://" + self},
		{method: "GET", path: "/metrics", origin: "http://localhost:" + e.port()},
		{method: "POST", path: "/v1/consensus", contentType: "application/json", body: `{"question":"a"}`},
		{method: "POST", path: "/v1/consensus", contentType: "Application/JSON; charset=utf-8", body: `{"question":"b"}`},
		{method: "POST", path: "/v1/consensus", origin: "http://" + self, contentType: "application/json;charset=UTF-8", body: `{"question":"c"}`},
		{method: "POST", path: "/v1/chat/completions", host: "localhost:" + e.port(), contentType: "application/json",
			body: `{"model":"hive","messages":[{"role":"user","content":"d"}]}`},
	}
	for _, c := range ok {
		code, _, body := e.send(t, c)
		assert.Equal(t, http.StatusOK, code, "%+v: %s", c, body)
	}
	assert.Equal(t, int64(4), e.conversations(t), "the four accepted runs were recorded")
}

// TestGuardAllowedHostsAndPublicAddress: --allowed-host names are accepted
// (with the port they give, or any port), and a server configured for every
// interface accepts an IP literal at its port, which a rebound DNS name can
// never be, but still not a foreign name; the token is checked after.
func TestGuardAllowedHostsAndPublicAddress(t *testing.T) {
	e := start(t, func(c *server.Config) {
		c.Addr = "0.0.0.0:8765"
		c.Token = "s3cret"
		c.AllowedHosts = []string{"hive.example.invalid", "Proxy.Example.Invalid:8443"}
	})
	tests := []struct {
		host, origin string
		code         int
	}{
		{"hive.example.invalid", "", 200},
		{"hive.example.invalid:" + e.port(), "", 200},
		{"HIVE.example.invalid:9", "https://hive.example.invalid", 200},
		{"proxy.example.invalid:8443", "https://proxy.example.invalid:8443", 200},
		{"proxy.example.invalid", "", 403},
		{"proxy.example.invalid:" + e.port(), "", 403},
		{"10.1.2.3:8765", "", 200},
		{"[2001:db8::1]:8765", "", 200},
		{"10.1.2.3:9999", "", 403},
		{"attacker.example:8765", "", 403},
		{"127.0.0.1:" + e.port(), "http://attacker.example", 403},
		{"127.0.0.1:" + e.port(), "https://proxy.example.invalid", 403},
		{"127.0.0.1:" + e.port(), "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.host+" "+tc.origin, func(t *testing.T) {
			req, err := http.NewRequest("GET", e.url+"/v1/models", nil)
			require.NoError(t, err)
			req.Host = tc.host
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			req.Header.Set("Authorization", "Bearer s3cret")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
		})
	}
	// The guard runs before authentication: a foreign name learns nothing,
	// not even that a token is needed.
	code, hdr, body := e.send(t, crafted{method: "GET", path: "/metrics", host: "attacker.example:8765"})
	assert.Equal(t, http.StatusForbidden, code)
	assert.Empty(t, hdr.Get("WWW-Authenticate"))
	assertRefusal(t, body, "host_not_allowed", "attacker.example:8765", "--allowed-host")
}

func TestAllowedHostsAreChecked(t *testing.T) {
	for _, bad := range []string{"", " ", "http://hive.example.invalid", "hive.example.invalid/x", "hive.example.invalid:port",
		"a b", "hive.example.invalid:", "user@hive.example.invalid", "[::1", "::1"} {
		err := server.CheckAllowedHosts([]string{"localhost", bad})
		if assert.Error(t, err, "%q", bad) {
			assert.Contains(t, err.Error(), strconv.Quote(bad))
			assert.Contains(t, err.Error(), "--allowed-host")
		}
	}
	assert.NoError(t, server.CheckAllowedHosts([]string{"hive.example.invalid", "hive.example.invalid:8443", "[::1]:80", "10.0.0.1", "[2001:db8::1]"}))
	_, err := server.New(server.Config{AllowedHosts: []string{"http://x"}})
	assert.Error(t, err)
}
