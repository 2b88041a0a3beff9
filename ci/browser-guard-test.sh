#!/usr/bin/env bash
# browser-guard-test.sh — drive a real headless Chromium against `hive serve`
# to check that a web page cannot spend the user's LLM budget.
#
# Two attacks, each from a page Chromium loads and runs:
#   cross-origin  a page on http://127.0.0.1:PAGE_PORT does a no-cors fetch
#                 POST text/plain to http://127.0.0.1:HIVE_PORT/v1/consensus,
#                 a cors POST application/json, and a cors read of
#                 /v1/conversations/1;
#   rebinding     a page on http://attacker.example:PROXY_PORT (Chromium's
#                 resolver maps the name to 127.0.0.1) whose later same-origin
#                 requests reach hive serve through a raw TCP forwarder, as
#                 after DNS rebinding: POST /v1/consensus (JSON), GET
#                 /v1/conversations/1, /metrics, /debug/pprof/.
# It prints what each page saw (its DOM), the server's refusal counters and
# `hive db stats`, and fails (exit 1) if any request was answered 2xx to a
# page or any conversation was recorded. The issue's curl is run as well.
#
# It installs Debian's chromium when it is missing (needs root and apt).
# When it cannot, it says SKIP loudly and exits 0, as
# ci/history-pg-test.sh does for PostgreSQL.
#
# Usage: ci/browser-guard-test.sh
#   HIVE_BIN=path  test this hive binary instead of building one (e.g. an
#                  older build, to see the attack succeed)
set -euo pipefail

cd "$(dirname "$0")/.."

skip() {
	echo "SKIP: browser guard test not run: $*" >&2
	exit 0
}

CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then
	echo "chromium is not installed; installing it with apt-get" >&2
	if [ "$(id -u)" -ne 0 ]; then
		skip "chromium not found and not root, cannot apt-get install chromium"
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || skip "apt-get update failed"
	apt-get install -y -qq chromium >/dev/null || skip "apt-get install chromium failed"
	CHROMIUM="$(command -v chromium)" || skip "chromium installed but not on PATH"
fi
command -v python3 >/dev/null || skip "python3 is needed to serve the pages"
echo "using $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"

TMP="$(mktemp -d /tmp/hive-browser-test.XXXXXX)"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

go build -tags sqlite_fts5 -o "$TMP/hivebench" ./cmd/hivebench
if [ -n "${HIVE_BIN:-}" ]; then
	cp "$HIVE_BIN" "$TMP/hive"
else
	go build -tags sqlite_fts5 -o "$TMP/hive" ./cmd/hive
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
MOCK_PORT="$(free_port)"
HIVE_PORT="$(free_port)"
PAGE_PORT="$(free_port)"
PROXY_PORT="$(free_port)"

# wait_http URL: up to 20 s for a server to answer.
wait_http() {
	local i
	for i in $(seq 1 200); do
		if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL: $1 did not answer within 20 s" >&2
	exit 3
}

"$TMP/hivebench" mock-llm --addr "127.0.0.1:$MOCK_PORT" --ttft 1ms --ttft-jitter 0s --itl 1ms --itl-jitter 0s --tokens 8 --tokens-jitter 0 \
	>"$TMP/mock.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$MOCK_PORT/v1/models"

DB="$TMP/hive.db"
HOME="$TMP" "$TMP/hive" serve --addr "127.0.0.1:$HIVE_PORT" --db "$DB" --llm-base-url "http://127.0.0.1:$MOCK_PORT/v1" \
	>"$TMP/serve.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$HIVE_PORT/healthz"

mkdir -p "$TMP/pages"
cat >"$TMP/pages/cross-origin.html" <<EOF
<!doctype html>
<html><head><title>cross-origin</title></head><body><pre id="out"></pre>
<script>
const hive = "http://127.0.0.1:$HIVE_PORT";
const out = document.getElementById("out");
const log = (what, seen) => { out.textContent += what + " -> " + seen + "\n"; };
const clip = (s) => s.length > 200 ? s.slice(0, 200) + "..." : s;
(async () => {
  try {
    const r = await fetch(hive + "/v1/consensus", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body: JSON.stringify({question: "spent by a web page"})});
    log("no-cors POST text/plain /v1/consensus", "resolved: type=" + r.type + " status=" + r.status);
  } catch (e) { log("no-cors POST text/plain /v1/consensus", "rejected: " + e); }
  try {
    const r = await fetch(hive + "/v1/consensus", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({question: "spent by a web page, cors"})});
    log("cors POST application/json /v1/consensus", "status=" + r.status + " body=" + clip(await r.text()));
  } catch (e) { log("cors POST application/json /v1/consensus", "rejected: " + e); }
  try {
    const r = await fetch(hive + "/v1/conversations/1");
    log("cors GET /v1/conversations/1", "status=" + r.status + " body=" + clip(await r.text()));
  } catch (e) { log("cors GET /v1/conversations/1", "rejected: " + e); }
  log("done", "");
})();
</script></body></html>
EOF
cat >"$TMP/pages/rebinding.html" <<'EOF'
<!doctype html>
<html><head><title>rebinding</title></head><body><pre id="out"></pre>
<script>
const out = document.getElementById("out");
const log = (what, seen) => { out.textContent += what + " -> " + seen + "\n"; };
const clip = (s) => s.length > 200 ? s.slice(0, 200) + "..." : s;
(async () => {
  const tries = [
    ["POST", "/v1/consensus", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({question: "spent after DNS rebinding"})}],
    ["GET", "/v1/conversations/1", {}],
    ["GET", "/metrics", {}],
    ["GET", "/debug/pprof/", {}],
  ];
  for (const [m, path, init] of tries) {
    try {
      const r = await fetch(path, init);
      log("same-origin " + m + " " + path, "status=" + r.status + " body=" + clip(await r.text()));
    } catch (e) { log("same-origin " + m + " " + path, "rejected: " + e); }
  }
  log("done", "");
})();
</script></body></html>
EOF

# The cross-origin page's own server.
python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$TMP/pages" >"$TMP/pages.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$PAGE_PORT/cross-origin.html"

# The rebinding origin: /rebinding.html is the attacker's page; every other
# request is forwarded byte for byte (Host header included) to hive serve,
# which is what the browser's requests do once the name points at 127.0.0.1.
cat >"$TMP/rebind.py" <<'EOF'
import socket, sys, threading
listen_port, hive_port, page = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "rb").read()

def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

def serve(c):
    c.settimeout(30)
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 65536:
        d = c.recv(65536)
        if not d:
            c.close()
            return
        head += d
    if head.split(b" ", 2)[1:2] == [b"/rebinding.html"]:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(page) + page)
        c.close()
        return
    c.settimeout(None)
    u = socket.create_connection(("127.0.0.1", hive_port), timeout=30)
    u.settimeout(None)
    u.sendall(head)
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
    pipe(c, u)

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(64)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
EOF
python3 "$TMP/rebind.py" "$PROXY_PORT" "$HIVE_PORT" "$TMP/pages/rebinding.html" >"$TMP/rebind.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$PROXY_PORT/rebinding.html"

# browse URL [extra chromium flags]: the page's DOM once its fetches are
# done (virtual time does not advance while a fetch is pending).
browse() {
	local url="$1"
	shift
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-features=HttpsUpgrades --user-data-dir="$(mktemp -d "$TMP/profile.XXXXXX")" \
		--virtual-time-budget=30000 "$@" --dump-dom "$url" 2>>"$TMP/chromium.log"
}

status=0
echo
echo "== cross-origin page http://127.0.0.1:$PAGE_PORT/cross-origin.html -> hive on 127.0.0.1:$HIVE_PORT"
DOM1="$(browse "http://127.0.0.1:$PAGE_PORT/cross-origin.html")"
echo "$DOM1" | sed -n '/<pre id="out">/,/<\/pre>/p'
echo
echo "== rebinding page http://attacker.example:$PROXY_PORT/rebinding.html (attacker.example -> 127.0.0.1)"
DOM2="$(browse "http://attacker.example:$PROXY_PORT/rebinding.html" --host-resolver-rules="MAP attacker.example 127.0.0.1")"
echo "$DOM2" | sed -n '/<pre id="out">/,/<\/pre>/p'

for dom in "$DOM1" "$DOM2"; do
	if ! grep -q 'done -&gt;' <<<"$dom"; then
		echo "FAIL: a page did not finish its requests" >&2
		status=1
	fi
	if grep -Eq 'status=2[0-9][0-9]' <<<"$dom"; then
		echo "FAIL: a page was answered 2xx" >&2
		status=1
	fi
done

echo
echo "== the issue's curl"
curl -sS -w '\nHTTP %{http_code}\n' -H 'Host: attacker.example' -H 'Origin: http://attacker.example' -H 'Content-Type: text/plain' \
	-d '{"question":"x"}' "http://127.0.0.1:$HIVE_PORT/v1/consensus"

echo
echo "== hive serve's refusal counters and answers by route"
curl -sS "http://127.0.0.1:$HIVE_PORT/metrics" | grep -E '^hive_http_(refusals_total|requests_total)' || echo "(no hive_http_refusals_total: not a guarded build)"

echo
echo "== hive db stats"
HOME="$TMP" "$TMP/hive" db stats --db "$DB"
convs="$(HOME="$TMP" "$TMP/hive" db stats --db "$DB" | sed -n 's/^rows *conversations *\([0-9][0-9]*\)$/\1/p')"
if [ "$convs" != "0" ]; then
	echo "FAIL: $convs conversation(s) recorded; want 0" >&2
	status=1
fi
if [ "$status" -eq 0 ]; then
	echo "PASS: the pages were refused and nothing was run or recorded"
fi
exit "$status"
