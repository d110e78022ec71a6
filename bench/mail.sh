#!/usr/bin/env bash
# The e-mail intake under load: the mail server posting messages (`bench/mail.lua`: multipart,
# an RFC 2047 subject, a picture), each kept byte for byte, parsed and queued in its own
# transaction. Prints wrk's figures and checks that every message answered 201 is in the queue.
#
#   bench/mail.sh            (BENCH_DURATION=10s, BENCH_CLIENTS=8; SQLite, synchronous=FULL)
#   BENCH_DATABASE_URL=postgres://user@host/db bench/mail.sh    (an empty PostgreSQL database)
#
# Needs wrk and sqlite3 (psql for PostgreSQL). BENCH_BIN=path skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${BENCH_DURATION:-10s}; C=${BENCH_CLIENTS:-8}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
if [ -z "${BENCH_BIN:-}" ]; then cargo build --release --locked --bin paht; fi
BIN=${BENCH_BIN:-./target/release/paht}
work=$(mktemp -d /tmp/paht-mail.XXXXXX)
port=${BENCH_PORT:-18495}
cleanup() { kill "${srv:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
key=bench-intake-key-0123456789abcdef
# PostgreSQL needs a signing key shared by every replica (SQLite would generate one).
export PAHT_JWT_SECRET="${PAHT_JWT_SECRET:-bench-signing-key-0123456789abcdef0123}"
export PAHT_DATA_KEYS="${PAHT_DATA_KEYS:-k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=}" PAHT_DATA_INDEX_KEY="${PAHT_DATA_INDEX_KEY:-ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=}"
export PAHT_DATA_DIR="$work/data" DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$work/data/paht.db}" \
  PAHT_BIND="127.0.0.1:$port" PAHT_LOG=warn PAHT_SWEEP_INTERVAL_SECS=0 PAHT_MAIL_INTAKE_KEY=$key
"$BIN" serve >"$work/server.log" 2>&1 & srv=$!
for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
echo "intake: wrk -t2 -c$C -d$D --latency"
INTAKE_KEY=$key wrk -t2 -c"$C" -d"$D" --latency -s bench/mail.lua "http://127.0.0.1:$port/api/v1/intake/email" \
  | tee "$work/wrk.txt" | grep -E "Requests/sec|Latency|requests in|50%|99%|Non-2xx"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  q() { psql -qAt "$BENCH_DATABASE_URL" -c "$1"; }
else
  q() { sqlite3 "$work/data/paht.db" "$1"; }
fi
echo "kept: $(q "SELECT COUNT(*) FROM mail_messages") messages, queued: $(q "SELECT COUNT(*) FROM mail_messages WHERE status = 'queued'")"
echo "resident memory after the run: $(awk '/VmRSS/ {print $2, $3}' "/proc/$srv/status")"
