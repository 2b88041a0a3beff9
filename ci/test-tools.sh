#!/usr/bin/env bash
# test-tools.sh — install the outside programs some tests drive, so that
# `make test` runs them instead of skipping:
#
#   zsh, fish  the completion scripts run in their own shells
#              (internal/cli, cmd/hive; bash is always there)
#   promtool   `promtool check metrics` over hive serve's /metrics and
#              hivebench's Prometheus output (engine/server,
#              harness/export, cmd/hivebench); Debian's prometheus package
#
# When one is missing and we are root with apt-get, install it (apt-get
# update first), with services kept from starting: the prometheus package
# would otherwise start a server listening on every interface. What cannot
# be installed is named on a SKIP line; the tests that need it then skip,
# naming this script. Exits 0 either way, so an image without apt is not a
# red build.
set -euo pipefail

declare -A pkg=([zsh]=zsh [fish]=fish [promtool]=prometheus)
missing=()
for tool in zsh fish promtool; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "test tools missing: ${missing[*]}; installing with apt-get" >&2
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "SKIP: not root or no apt-get: tests needing ${missing[*]} will skip" >&2
		exit 0
	fi
	# invoke-rc.d honours policy-rc.d exit 101: no service starts. An
	# existing policy is left alone.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	export DEBIAN_FRONTEND=noninteractive
	if apt-get update -qq; then
		for tool in "${missing[@]}"; do
			apt-get install -y -qq --no-install-recommends "${pkg[$tool]}" >/dev/null ||
				echo "apt-get install ${pkg[$tool]} failed" >&2
		done
	else
		echo "apt-get update failed" >&2
	fi
fi

for tool in zsh fish promtool; do
	if command -v "$tool" >/dev/null 2>&1; then
		echo "test tools: using $tool ($("$tool" --version 2>&1 | head -n 1))"
	else
		echo "SKIP: $tool is not installed; the tests that run it will skip" >&2
	fi
done
