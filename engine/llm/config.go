package llm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultBaseURL is used when no base URL is configured.
const DefaultBaseURL = "https://openrouter.ai/api/v1"

// Environment variables read by ConfigFromEnv.
const (
	EnvBaseURL       = "HIVE_LLM_BASE_URL"
	EnvAPIKey        = "HIVE_LLM_API_KEY"
	EnvOpenRouterKey = "OPENROUTER_API_KEY"
)

// ErrNoEndpoint says there is nowhere to send a request: no API key for the
// default endpoint (OpenRouter) and no other base URL. Its message is one line
// a command can print as it is.
var ErrNoEndpoint = errors.New("llm: no LLM endpoint configured: set OPENROUTER_API_KEY to use OpenRouter, " +
	"or HIVE_LLM_BASE_URL (flag --llm-base-url) to use another OpenAI-compatible server such as Ollama at http://127.0.0.1:11434/v1")

// Config is where requests go and with which key. The zero value means
// OpenRouter without a key, which Check rejects.
type Config struct {
	BaseURL string // empty: DefaultBaseURL
	APIKey  string // sent as "Authorization: Bearer <key>" when not empty
}

// ConfigFromEnv reads HIVE_LLM_BASE_URL, then HIVE_LLM_API_KEY falling back
// to OPENROUTER_API_KEY. getenv is os.Getenv, or cli.Env.Getenv in commands
// and tests. A flag such as --llm-base-url is applied by the caller after
// this, since flags take precedence over the environment.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		BaseURL: strings.TrimSpace(getenv(EnvBaseURL)),
		APIKey:  strings.TrimSpace(getenv(EnvAPIKey)),
	}
	if c.APIKey == "" {
		c.APIKey = strings.TrimSpace(getenv(EnvOpenRouterKey))
	}
	return c
}

// Check returns ErrNoEndpoint when c names no endpoint a request could reach
// (the default, OpenRouter, needs a key; any other base URL may be keyless, as
// local servers usually are), or an error naming the base URL when it is not
// an http(s) URL.
func (c Config) Check() error {
	base := normalizeBaseURL(c.BaseURL)
	if c.APIKey == "" && base == DefaultBaseURL {
		return ErrNoEndpoint
	}
	_, err := parseBaseURL(base)
	return err
}

// Options turns c into client options, for New(cfg.Options()...).
func (c Config) Options() []Option {
	return []Option{WithBaseURL(c.BaseURL), WithAPIKey(c.APIKey)}
}

func normalizeBaseURL(u string) string {
	u = strings.TrimRight(strings.TrimSpace(u), "/")
	if u == "" {
		return DefaultBaseURL
	}
	return u
}

// parseBaseURL checks that base is an absolute http(s) URL.
func parseBaseURL(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("llm: base URL %q (%s or --llm-base-url) is not usable: "+
			"want http(s)://host[:port][/path] without query, e.g. http://127.0.0.1:11434/v1", base, EnvBaseURL)
	}
	return u, nil
}
