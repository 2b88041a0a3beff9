#!/usr/bin/env bash
# history-pg-test.sh — run the PostgreSQL history tests against a real,
# throwaway PostgreSQL server.
#
# It installs Debian's postgresql package if initdb is missing (needs root
# and apt), starts a private cluster owned by the postgres user in a temp
# dir, listening on 127.0.0.1 only on a free port with password (SCRAM)
# auth, creates a user and database, exports HIVE_TEST_PG_DSN and runs the
# tests that use it (harness/history and `hivebench history`). The cluster
# and its directory are removed on exit, pass or fail.
#
# When the server cannot be installed or started, it says so loudly and
# exits 0 without running the tests, so a CI image without apt is not a red
# build; the go tests then skip with a message naming this script.
#
# Usage: ci/history-pg-test.sh [extra go test flags]
set -euo pipefail

cd "$(dirname "$0")/.."

skip() {
	echo "SKIP: PostgreSQL history tests not run: $*" >&2
	exit 0
}

find_pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
		fi
	done | sort -V | tail -n 1
}

PGBIN="$(find_pg_bin)"
if [ -z "$PGBIN" ]; then
	echo "postgresql is not installed; installing it with apt-get" >&2
	if [ "$(id -u)" -ne 0 ]; then
		skip "initdb not found and not root, cannot apt-get install postgresql"
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || skip "apt-get update failed"
	apt-get install -y -qq postgresql >/dev/null || skip "apt-get install postgresql failed"
	PGBIN="$(find_pg_bin)"
	[ -n "$PGBIN" ] || skip "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
fi
echo "using PostgreSQL from $PGBIN ($("$PGBIN/postgres" --version))"

# The server refuses to run as root; run it as postgres (or ourselves when
# not root).
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || skip "no postgres user to run the server as"
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

TMP="$(mktemp -d /tmp/hive-pg-test.XXXXXX)"
chmod 0755 "$TMP"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TMP"
DATA="$TMP/data"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
PASSWORD="hive-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

cleanup() {
	if [ -f "$DATA/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

printf '%s\n' "$PASSWORD" >"$TMP/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TMP/pwfile"
as_pg "$PGBIN/initdb" -D "$DATA" -U hive --pwfile="$TMP/pwfile" \
	--auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 >"$TMP/initdb.log" 2>&1 ||
	{ cat "$TMP/initdb.log" >&2; skip "initdb failed"; }
rm -f "$TMP/pwfile"
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$TMP/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$TMP -c fsync=off" start >/dev/null ||
	{ cat "$TMP/server.log" >&2; skip "the server did not start"; }

export PGPASSWORD="$PASSWORD"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U hive hive_history_test 2>/dev/null ||
	"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U hive -d postgres -qc 'CREATE DATABASE hive_history_test'
unset PGPASSWORD

export HIVE_TEST_PG_DSN="postgres://hive:$PASSWORD@127.0.0.1:$PORT/hive_history_test?sslmode=disable"
echo "PostgreSQL up on 127.0.0.1:$PORT (database hive_history_test, user hive); running the history tests"
set +e
go test -tags sqlite_fts5 -count=1 -run 'Postgres|History' -v "$@" ./harness/history/ ./cmd/hivebench/ 2>&1 |
	grep -v '^=== RUN' | sed "s/$PASSWORD/xxxxx/g"
rc=${PIPESTATUS[0]}
set -e
exit "$rc"
