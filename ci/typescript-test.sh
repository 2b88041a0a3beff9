#!/usr/bin/env bash
# typescript-test.sh — the TypeScript reference subject's own tests
# (baselines/typescript/src/test, node --test): its SSE parser, its Go and C
# analysis, its store timings and its server end to end on loopback.
#
# The dependencies are installed here, from the lockfile (npm ci, through
# baselines/typescript/install.sh), every time: a test never rests on an
# earlier install. Only when npm cannot reach its registry (npm ci failed
# and npm ping fails too), or node and npm are not installed, does it say
# SKIP loudly and exit 0; any other failure fails the build.
set -euo pipefail
cd "$(dirname "$0")/../baselines/typescript"

skip() {
	echo "" >&2
	echo "SKIP: TypeScript reference tests NOT RUN: $*" >&2
	echo "" >&2
	exit 0
}

command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"

start=$(date +%s)
if ! ./install.sh; then
	if ! npm ping >/dev/null 2>&1; then
		skip "npm ci failed and npm ping cannot reach the registry"
	fi
	echo "typescript-test.sh: npm ci or tsc failed with the registry reachable" >&2
	exit 1
fi
echo "typescript-test.sh: installed and compiled in $(( $(date +%s) - start )) s" >&2
node --test dist/test/*.test.js
