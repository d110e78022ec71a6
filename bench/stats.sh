#!/usr/bin/env bash
# Statistics under load: seeds N demo reports, starts the release server, and measures the
# year's summary, the year's agency table, a month's daily series, the year's summary filtered
# by category, by area and by lead agency, the agency table filtered by channel, a month's
# series filtered by category, a supervisor's summary and agency table, and the public
# statistics with wrk. It also times an admin moving the busiest agency below another (the
# supervisors' counters of its reports are recounted in that request). Needs wrk and jq.
#
#   bench/stats.sh [N] [sqlite|postgres]        (default: 1000000 sqlite)
#   BENCH_PG_URL=postgres://user@host:port/db bench/stats.sh 1000000 postgres
#
# BENCH_BASE reports (default 50000) are driven through the real use cases
# (`paht seed-demo --reports`); the rest of the N are copies of the finished ones shifted back by
# whole days (`--total N`), with their statistics counters, because the use cases run at a few
# hundred reports per second on a small machine.
#
# BENCH_SEEDED=1 measures a database seeded before (BENCH_PG_URL, or BENCH_DATA_DIR for SQLite)
# without seeding it again.
#
# The target (issue: statistics) is p99 ≤ 300 ms at 1,000,000 reports. Needs wrk
# (apt-get install wrk). Traffic stays on 127.0.0.1; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DB=${2:-sqlite}
PORT=${BENCH_PORT:-18383}
DURATION=${BENCH_DURATION:-20s}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
command -v jq >/dev/null || { echo "jq is needed: apt-get install jq"; exit 1; }

cargo build --release --locked
work=${BENCH_DATA_DIR:-$(mktemp -d /tmp/paht-bench.XXXXXX)}
# PostgreSQL needs a signing key shared by every replica (SQLite would generate one).
export PAHT_JWT_SECRET="${PAHT_JWT_SECRET:-bench-signing-key-0123456789abcdef0123}"
export PAHT_DATA_KEYS="${PAHT_DATA_KEYS:-k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=}" PAHT_DATA_INDEX_KEY="${PAHT_DATA_INDEX_KEY:-ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=}"
export PAHT_DATA_DIR="$work" PAHT_BIND="127.0.0.1:$PORT" PAHT_LOG=warn PAHT_SQLITE_SYNCHRONOUS=NORMAL PAHT_SWEEP_INTERVAL_SECS=0
if [ "$DB" = postgres ]; then
  : "${BENCH_PG_URL:?set BENCH_PG_URL to an empty database}"
  export DATABASE_URL="$BENCH_PG_URL"
else
  export DATABASE_URL="sqlite://$work/paht.db"
fi

if [ "${BENCH_SEEDED:-0}" != 1 ]; then
BASE=${BENCH_BASE:-50000}
if [ "$N" -le "$BASE" ]; then BASE=$N; fi
echo "seeding $BASE reports through the use cases, then copies of the finished ones up to $N, on $DB"
start=$(date +%s)
./target/release/paht seed-demo --reports "$BASE" --total "$N"
echo "seeded in $(( $(date +%s) - start )) s"
fi

# Start to /readyz (the first start after an upgrade includes the one-time counter rebuild).
ready() {
  local t0 t1
  t0=$(date +%s.%N)
  for _ in $(seq 1 60000); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.01
  done
  t1=$(date +%s.%N)
  echo "start to /readyz: $(echo "$t1 - $t0" | bc) s ($1)"
}
./target/release/paht serve &
server=$!
cleanup() {
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  if [ -z "${BENCH_DATA_DIR:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
ready "first start"
token=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"login":"demo.operator","password":"demo-2026"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

today=$(TZ=Asia/Ho_Chi_Minh date +%F)
year_ago=$(TZ=Asia/Ho_Chi_Minh date -d '-365 days' +%F)
# An area and a lead agency that have reports, for the filtered figures.
summary=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/statistics/summary?from=$year_ago&to=$today")
area=$(echo "$summary" | sed -E 's/.*"by_area":\[\{"key":"([^"]+)".*/\1/')
lead=$(echo "$summary" | sed -E 's/.*"by_agency":\[(\{"key":null[^}]*\},)?\{"key":"([^"]+)".*/\2/')
month_ago=$(TZ=Asia/Ho_Chi_Minh date -d '-30 days' +%F)
# A supervisor (Art. 7.3): the department of information supervises the busiest lead agency,
# moved below it by an admin (the time of that change is the recount of the supervisors'
# counters of every report of the moved agency).
base="http://127.0.0.1:$PORT/api/v1"
admin_pw=$(./target/release/paht admin reset-password admin 2>/dev/null | sed -n 's/^password: //p')
admin=$(curl -fsS "$base/auth/login" -H 'content-type: application/json' \
  -d "{\"login\":\"admin\",\"password\":\"$admin_pw\"}" | jq -r .access_token)
parent=$(curl -fsS -H "Authorization: Bearer $admin" "$base/agencies" | jq -r '.[] | select(.code == "STTTT") | .id')
echo "== reorganisation: $lead below $parent"
curl -fsS -o /dev/null -w 'PATCH /agencies/{id} parent_id: %{http_code} in %{time_total} s\n' -X PATCH \
  -H "Authorization: Bearer $admin" -H 'content-type: application/json' \
  -d "{\"parent_id\":\"$parent\"}" "$base/agencies/$lead"
curl -sS -o /dev/null -X POST -H "Authorization: Bearer $admin" -H 'content-type: application/json' \
  -d "{\"username\":\"bench.supervisor\",\"full_name\":\"Giám sát\",\"role\":\"supervisor\",\"agency_id\":\"$parent\",\"password\":\"bench-2026-Giam-sat\"}" "$base/users"
supervisor=$(curl -fsS "$base/auth/login" -H 'content-type: application/json' \
  -d '{"login":"bench.supervisor","password":"bench-2026-Giam-sat"}' | jq -r .access_token)
for name in summary agencies series category area channel lead month-category supervisor supervisor-agencies public; do
  auth=$token
  case $name in
    summary) path="/api/v1/statistics/summary?from=$year_ago&to=$today" ;;
    agencies) path="/api/v1/statistics/agencies?from=$year_ago&to=$today" ;;
    series) path="/api/v1/statistics/series?from=$month_ago&to=$today&bucket=day" ;;
    category) path="/api/v1/statistics/summary?from=$year_ago&to=$today&category=giao-thong" ;;
    area) path="/api/v1/statistics/summary?from=$year_ago&to=$today&area=$area" ;;
    channel) path="/api/v1/statistics/agencies?from=$year_ago&to=$today&channel=hotline" ;;
    lead) path="/api/v1/statistics/summary?from=$year_ago&to=$today&agency=$lead" ;;
    month-category) path="/api/v1/statistics/series?from=$month_ago&to=$today&bucket=day&category=giao-thong" ;;
    supervisor) path="/api/v1/statistics/summary?from=$year_ago&to=$today"; auth=$supervisor ;;
    supervisor-agencies) path="/api/v1/statistics/agencies?from=$year_ago&to=$today"; auth=$supervisor ;;
    public) path="/api/v1/public/statistics?from=$year_ago&to=$today" ;;
  esac
  echo "== $name: $path"
  wrk -t2 -c4 -d"$DURATION" --latency -H "Authorization: Bearer $auth" "http://127.0.0.1:$PORT$path" \
    | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
done
grep VmRSS "/proc/$server/status"
kill $server; wait $server 2>/dev/null || true
./target/release/paht serve &
server=$!
ready "restart"
