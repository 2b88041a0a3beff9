package openaiclients

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nodeSkipEnv is set by ci/module-test.sh when it could not
// install the npm package (no node or npm, the registry unreachable): the
// reason, which the skip repeats.
const nodeSkipEnv = "HIVE_OPENAI_NODE_SKIP"

// TestNodeClient runs clients.test.mjs (node --test) against the hive
// serve TestMain started. It fails when the package is not installed and
// the script did not say why.
func TestNodeClient(t *testing.T) {
	if why := os.Getenv(nodeSkipEnv); why != "" {
		t.Skipf("SKIP: the npm openai client was not tested: %s", why)
	}
	_, err := os.Stat(filepath.Join("node_modules", "openai", "package.json"))
	require.NoError(t, err, "the openai npm package is not installed: run ci/module-test.sh (npm ci from package-lock.json)")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--test", "--test-reporter=spec", "clients.test.mjs")
	cmd.Env = append(os.Environ(), "HIVE_OPENAI_BASE_URL="+baseURL+"/v1", "HIVE_OPENAI_KEY="+token,
		// The package reads these when no option is given; none may
		// point the client elsewhere.
		"OPENAI_BASE_URL=", "OPENAI_API_KEY=")
	out, err := cmd.CombinedOutput()
	t.Logf("node --test clients.test.mjs:\n%s", out)
	require.NoError(t, err, "the npm openai client's tests failed (output above)")
}
