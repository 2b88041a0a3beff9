package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestServeHelpListsTheOpenAISurface: `hive serve -h` names the OpenAI
// routes and what a chat request's sampling fields do (issue 19). The help
// may go to stdout or stderr; its exit code is another test's.
func TestServeHelpListsTheOpenAISurface(t *testing.T) {
	stdout, stderr, _ := run(t, nil, "serve", "-h")
	help := stdout + stderr
	for _, want := range []string{"POST /v1/chat/completions", "GET /v1/models", "temperature, max_tokens and stop", `{"error": {...}}`} {
		assert.Contains(t, help, want)
	}
}
