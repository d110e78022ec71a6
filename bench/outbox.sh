#!/usr/bin/env bash
# The outbox under a sustained submission load: every submission writes its messages (here an
# e-mail to the reporter and a webhook delivery) in its transaction; the dispatcher delivers them
# to a real SMTP server (aiosmtpd, PyPI) and a real HTTP receiver (Python's http.server).
# Prints the submission rate, the dispatcher's throughput and commit-to-delivery latency
# (p50/p99/max of sent_at - created_at over every message).
#
#   bench/outbox.sh              (BENCH_DURATION=20s, BENCH_CLIENTS=4, BENCH_WORKERS=4)
#   BENCH_DATABASE_URL=postgres://user@host/db bench/outbox.sh    (an empty PostgreSQL database)
#
# Needs wrk, sqlite3 (psql for PostgreSQL) and python3 (a venv with aiosmtpd is made in the work
# folder). BENCH_BIN=path skips the build. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${BENCH_DURATION:-20s}; C=${BENCH_CLIENTS:-4}; W=${BENCH_WORKERS:-4}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
if [ -z "${BENCH_BIN:-}" ]; then cargo build --release --locked --bin paht; fi
BIN=${BENCH_BIN:-./target/release/paht}
work=$(mktemp -d /tmp/paht-outbox.XXXXXX)
port=${BENCH_PORT:-18490}; sport=$((port + 1)); hport=$((port + 2))
cleanup() { kill "${srv:-}" "${smtp:-}" "${hook:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6
"$work/venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$sport" -c aiosmtpd.handlers.Sink & smtp=$!
"$work/venv/bin/python" - "$hport" <<'PY' & hook=$!
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
# PostgreSQL needs a signing key shared by every replica (SQLite would generate one).
export PAHT_JWT_SECRET="${PAHT_JWT_SECRET:-bench-signing-key-0123456789abcdef0123}"
export PAHT_DATA_KEYS="${PAHT_DATA_KEYS:-k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=}" PAHT_DATA_INDEX_KEY="${PAHT_DATA_INDEX_KEY:-ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=}"
export PAHT_DATA_DIR="$work/data" DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$work/data/paht.db}" PAHT_BIND="127.0.0.1:$port" \
  PAHT_LOG=warn PAHT_SWEEP_INTERVAL_SECS=0 PAHT_SMTP_URL="smtp://127.0.0.1:$sport" \
  PAHT_OUTBOX_WORKERS="$W" PAHT_OUTBOX_POLL_MS=200
"$BIN" seed-demo --reports 300 --total 300 >/dev/null 2>&1
pw=$("$BIN" admin reset-password admin 2>/dev/null | sed -n 's/^password: //p')
"$BIN" serve >"$work/server.log" 2>&1 & srv=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
login() { curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"login\":\"$1\",\"password\":\"$2\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'; }
admin=$(login admin "$pw"); citizen=$(login 0910000000 demo-2026)
curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/admin/webhooks" -H "authorization: Bearer $admin" \
  -H 'content-type: application/json' -d "{\"url\":\"http://127.0.0.1:$hport/hook\",\"events\":[\"report.submitted\"]}"
db="$work/data/paht.db"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  q() { psql -qAt "$BENCH_DATABASE_URL" -c "$1"; }
else
  q() { sqlite3 "$db" "$1"; }
fi
before=$(q "SELECT COUNT(*) FROM outbox")
started=$(date -u +%Y-%m-%dT%H:%M:%S)
sed 's/"phone":"0918765432"}/"phone":"0918765432","email":"binh.tran@example.vn"}/' bench/submit.lua >"$work/submit.lua"
echo "submissions: wrk -t2 -c$C -d$D"
TOKEN=$citizen wrk -t2 -c"$C" -d"$D" -s "$work/submit.lua" "http://127.0.0.1:$port/api/v1/reports" | grep -E "Requests/sec|Latency|requests in"
for _ in $(seq 1 3000); do
  [ "$(q "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && break; sleep 0.2
done
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
psql -qAt "$BENCH_DATABASE_URL" <<SQL
CREATE TEMP VIEW m AS SELECT transport, EXTRACT(EPOCH FROM sent_at - created_at) * 1000.0 AS ms,
    created_at AS c, sent_at AS s
  FROM outbox WHERE created_at >= '$started' AND status = 'sent';
SELECT 'messages sent: ' || (SELECT COUNT(*) FROM m)
    || ' (' || (SELECT COUNT(*) FROM m WHERE transport = 'email') || ' e-mails, '
    || (SELECT COUNT(*) FROM m WHERE transport = 'webhook') || ' webhooks); not sent: '
    || (SELECT COUNT(*) FROM outbox WHERE status <> 'sent');
SELECT 'dispatcher throughput: ' || round((SELECT COUNT(*) FROM m) / (SELECT EXTRACT(EPOCH FROM MAX(s) - MIN(c)) FROM m)) || ' messages/s over the run';
SELECT 'commit to delivery: p50 ' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1)
    || ' ms, p99 ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1)
    || ' ms, max ' || round(MAX(ms)::numeric, 1) || ' ms' FROM m;
SQL
exit 0
fi
sqlite3 "$db" <<SQL
.mode list
CREATE TEMP VIEW m AS SELECT transport, (julianday(sent_at) - julianday(created_at)) * 86400000.0 AS ms,
    julianday(created_at) AS c, julianday(sent_at) AS s
  FROM outbox WHERE rowid > $before AND status = 'sent';
CREATE TEMP VIEW r AS SELECT ms, ROW_NUMBER() OVER (ORDER BY ms) AS i, COUNT(*) OVER () AS n FROM m;
SELECT 'messages sent: ' || (SELECT COUNT(*) FROM m)
    || ' (' || (SELECT COUNT(*) FROM m WHERE transport = 'email') || ' e-mails, '
    || (SELECT COUNT(*) FROM m WHERE transport = 'webhook') || ' webhooks); not sent: '
    || (SELECT COUNT(*) FROM outbox WHERE status <> 'sent');
SELECT 'waiting or dead: ' || transport || ' ' || status || ' ' || COUNT(*) FROM outbox WHERE status <> 'sent' GROUP BY transport, status;
SELECT 'dispatcher throughput: ' || printf('%.0f', (SELECT COUNT(*) FROM m) / ((SELECT MAX(s) - MIN(c) FROM m) * 86400.0)) || ' messages/s over the run';
SELECT 'commit to delivery: p50 ' || printf('%.1f', (SELECT ms FROM r WHERE i = (n + 1) / 2))
    || ' ms, p99 ' || printf('%.1f', (SELECT ms FROM r WHERE i = (n * 99 + 99) / 100))
    || ' ms, max ' || printf('%.1f', (SELECT MAX(ms) FROM m)) || ' ms';
SQL
