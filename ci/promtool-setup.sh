#!/usr/bin/env bash
# promtool-setup.sh — make promtool available to the tests that run
# `promtool check metrics` over hive serve's /metrics and hivebench's
# Prometheus output (engine/server, harness/export, cmd/hivebench).
#
# promtool ships in Debian's prometheus package. When it is missing and we
# are root with apt-get, install it (apt-get update first), with services
# kept from starting: the package would otherwise start a Prometheus server
# listening on every interface. When it cannot be installed, say SKIP
# loudly and exit 0; those tests then skip naming this script.
set -euo pipefail

skip() {
	echo "SKIP: promtool check metrics tests will not run: $*" >&2
	exit 0
}

if command -v promtool >/dev/null 2>&1; then
	echo "using $(promtool --version 2>&1 | head -n 1)"
	exit 0
fi
echo "promtool is not installed; installing Debian's prometheus package with apt-get" >&2
[ "$(id -u)" -eq 0 ] || skip "promtool not on PATH and not root, cannot apt-get install prometheus"
command -v apt-get >/dev/null 2>&1 || skip "promtool not on PATH and no apt-get"

# Keep the package's service from starting (invoke-rc.d honours
# policy-rc.d exit 101); leave an existing policy alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || skip "apt-get update failed"
apt-get install -y -qq --no-install-recommends prometheus >/dev/null || skip "apt-get install prometheus failed"
command -v promtool >/dev/null 2>&1 || skip "prometheus installed but promtool not on PATH"
echo "using $(promtool --version 2>&1 | head -n 1)"
