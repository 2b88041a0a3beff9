package llm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConfigFromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr error  // from Check
		errText string // substring of Check's error when not a sentinel
	}{
		{"nothing set", nil, Config{}, ErrNoEndpoint, ""},
		{"OpenRouter key", map[string]string{"OPENROUTER_API_KEY": "sk-or-1"},
			Config{APIKey: "sk-or-1"}, nil, ""},
		{"hive key wins over the OpenRouter key", map[string]string{"OPENROUTER_API_KEY": "a", "HIVE_LLM_API_KEY": "b"},
			Config{APIKey: "b"}, nil, ""},
		{"local base URL needs no key", map[string]string{"HIVE_LLM_BASE_URL": " http://127.0.0.1:11434/v1/ "},
			Config{BaseURL: "http://127.0.0.1:11434/v1/"}, nil, ""},
		{"the default base URL spelled out still needs a key", map[string]string{"HIVE_LLM_BASE_URL": "https://openrouter.ai/api/v1/"},
			Config{BaseURL: "https://openrouter.ai/api/v1/"}, ErrNoEndpoint, ""},
		{"base URL without scheme", map[string]string{"HIVE_LLM_BASE_URL": "127.0.0.1:8080"},
			Config{BaseURL: "127.0.0.1:8080"}, nil, `base URL "127.0.0.1:8080" (HIVE_LLM_BASE_URL or --llm-base-url) is not usable`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ConfigFromEnv(func(k string) string { return c.env[k] })
			assert.Equal(t, c.want, got)
			err := got.Check()
			switch {
			case c.wantErr != nil:
				assert.ErrorIs(t, err, c.wantErr)
			case c.errText != "":
				assert.ErrorContains(t, err, c.errText)
			default:
				assert.NoError(t, err)
			}
		})
	}
}

func TestErrNoEndpointIsOneLine(t *testing.T) {
	assert.NotContains(t, ErrNoEndpoint.Error(), "\n")
	assert.Contains(t, ErrNoEndpoint.Error(), "OPENROUTER_API_KEY")
	assert.Contains(t, ErrNoEndpoint.Error(), "--llm-base-url")
}

func TestConfigOptions(t *testing.T) {
	c := New(Config{BaseURL: "http://127.0.0.1:9/v1/", APIKey: "k"}.Options()...)
	assert.Equal(t, "http://127.0.0.1:9/v1", c.BaseURL())
	assert.Equal(t, "http://127.0.0.1:9/v1/chat/completions", c.chatURL)
	assert.Equal(t, "Bearer k", c.header.Get("Authorization"))
	assert.NoError(t, c.check())

	keyless := New(WithBaseURL("http://127.0.0.1:9/v1"))
	assert.Empty(t, keyless.header.Get("Authorization"), "no key, no Authorization header")
}
