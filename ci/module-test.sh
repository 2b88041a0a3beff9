#!/usr/bin/env bash
# ci/module-test.sh: the tests of ci/'s own Go module (ci/go.mod), which
# `make test` runs. The module keeps its test-only dependencies (the
# OpenAI Go SDK, actionlint, a YAML parser) out of hive's go.mod:
#   ci/github          actionlint over every workflow, their token permissions
#   ci/gitlab          the GitLab examples' structure
#   ci/openai-clients  the official OpenAI clients, Go and npm, against a real
#                      hive serve and hivebench mock-llm (both built from this
#                      checkout, or $HIVE_BIN and $HIVEBENCH_BIN)
# The npm package is installed with `npm ci` from the committed lockfile
# into ci/openai-clients/node_modules (never committed). Without node or
# npm, or when npm ci fails (offline), the npm client's test says SKIP
# loudly and the rest runs; HIVE_OPENAI_NODE_REQUIRED=1 makes that a
# failure instead (exit 1), for a CI that must run it.
set -euo pipefail
cd "$(dirname "$0")"

skip=""
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip="node or npm is not installed"
elif ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  skip="node $(node --version) is older than the package's minimum, 20"
else
  log=$(mktemp "${TMPDIR:-/tmp}/hive-npm-ci.XXXXXX")
  if ! (cd openai-clients && npm ci --prefer-offline --no-audit --no-fund --ignore-scripts) >"$log" 2>&1; then
    skip="npm ci in ci/openai-clients failed: $(tail -n 3 "$log" | tr '\n' ' ')"
  fi
  rm -f "$log"
fi
if [ -n "$skip" ]; then
  if [ "${HIVE_OPENAI_NODE_REQUIRED:-}" = 1 ]; then
    echo "ci/module-test.sh: FAIL: the npm openai client cannot be tested: $skip" >&2
    exit 1
  fi
  echo "ci/module-test.sh: SKIP the npm openai client: $skip" >&2
  export HIVE_OPENAI_NODE_SKIP="$skip"
fi

go vet ./...
go test -count=1 ./...
