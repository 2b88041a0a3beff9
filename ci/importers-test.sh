#!/usr/bin/env bash
# importers-test.sh — the two-file gate on a live hyperfine run.
#
# The go tests (make test) hold the importers and the gate to recorded
# outputs of the real tools (harness/importers/testdata, the acceptance
# pairs in cmd/hivebench). This script adds what a recording cannot: the
# hyperfine installed here, run now. When hyperfine is there (installed
# with apt-get when root), it is a live end-to-end check: hyperfine times `sleep 0.010`
# and `sleep 0.100` (30 runs each) into --export-json files, hivebench
# imports both under one name and gates them: the 90 ms slowdown must fail
# the gate (exit 1, naming hyperfine.sleep) and the base against itself must
# pass (exit 0). The live pair is ten times apart, not 20%, so a busy
# machine cannot make it flaky: at load average 21 a pair three times apart
# (10 ms against 30 ms) once passed the gate, descheduling having spread
# both sides over tens of milliseconds. The recorded 10 ms vs 12 ms pair is
# in the go tests.
#
# When hyperfine cannot be installed it says SKIP loudly and exits 0, so a
# CI image without apt is not a red build.
#
# Usage: ci/importers-test.sh
set -euo pipefail

cd "$(dirname "$0")/.."

skip() {
	echo "SKIP: live hyperfine gate not run: $*" >&2
	exit 0
}

if ! command -v hyperfine >/dev/null 2>&1; then
	echo "hyperfine is not installed; installing it with apt-get" >&2
	[ "$(id -u)" -eq 0 ] || skip "hyperfine not found and not root, cannot apt-get install hyperfine"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || skip "apt-get update failed"
	apt-get install -y -qq hyperfine >/dev/null || skip "apt-get install hyperfine failed"
	command -v hyperfine >/dev/null 2>&1 || skip "hyperfine installed but not on PATH"
fi
echo "using $(hyperfine --version)"

TMP="$(mktemp -d /tmp/hive-importers-test.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

go build -tags sqlite_fts5 -o "$TMP/hivebench" ./cmd/hivebench
hb="$TMP/hivebench"

for d in 0.010 0.100; do
	hyperfine -N --runs 30 --warmup 3 --style none --export-json "$TMP/sleep-$d.json" "sleep $d" >/dev/null
	"$hb" import hyperfine "$TMP/sleep-$d.json" --name sleep --out "$TMP/sleep-$d.results.json"
done

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

set +e
"$hb" gate --base-file "$TMP/sleep-0.010.results.json" --head-file "$TMP/sleep-0.100.results.json" --out "$TMP/ab" >"$TMP/ab.out" 2>"$TMP/ab.err"
ab=$?
"$hb" gate --base-file "$TMP/sleep-0.010.results.json" --head-file "$TMP/sleep-0.010.results.json" --out "$TMP/aa" >"$TMP/aa.out" 2>"$TMP/aa.err"
aa=$?
set -e
cat "$TMP/ab.err" "$TMP/aa.err"
[ "$ab" -eq 1 ] || fail "sleep 0.010 vs sleep 0.100: gate exit $ab, want 1"
grep -q 'FAIL: regressed: hyperfine.sleep' "$TMP/ab.err" || fail "the regression is not named"
[ "$aa" -eq 0 ] || fail "sleep 0.010 against itself: gate exit $aa, want 0"
echo "PASS: live hyperfine gate: 10 ms vs 100 ms exit $ab (regression named), A/A exit $aa"
