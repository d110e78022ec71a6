#!/usr/bin/env bash
# Submissions per second of two builds, interleaved on one machine (A, B, A, B, ...), each round
# on a fresh SQLite database seeded alike: what a change to the submission's transaction costs.
#
#   bench/submit-ab.sh BIN_A BIN_B [rounds]     e.g. a build of the previous commit and this one
#
# wrk -t2 -c16 for BENCH_DURATION (10s) with bench/submit.lua, as the demo citizen. Prints each
# run and the median of each build. Needs wrk. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BIN_A BIN_B [rounds]"; exit 2; }
A=$1; B=$2; ROUNDS=${3:-3}; D=${BENCH_DURATION:-10s}; C=${BENCH_CLIENTS:-16}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
work=$(mktemp -d /tmp/paht-ab.XXXXXX); port=${BENCH_PORT:-18490}
cleanup() { kill "${srv:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
run() { # bin -> req/s
  local d="$work/$RANDOM"
  PAHT_DATA_DIR="$d" DATABASE_URL="sqlite://$d/paht.db" PAHT_LOG=warn \
    "$1" seed-demo --reports 300 --total 2000 >/dev/null 2>&1
  PAHT_DATA_DIR="$d" DATABASE_URL="sqlite://$d/paht.db" PAHT_BIND="127.0.0.1:$port" \
    PAHT_LOG=warn PAHT_SWEEP_INTERVAL_SECS=0 "$1" serve >"$d.log" 2>&1 & srv=$!
  for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
  local token
  token=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"login":"0910000000","password":"demo-2026"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  TOKEN=$token wrk -t2 -c"$C" -d"$D" -s bench/submit.lua "http://127.0.0.1:$port/api/v1/reports" \
    | awk '/Requests\/sec/ {print $2}'
  kill "$srv"; wait "$srv" 2>/dev/null || true; rm -rf "$d" "$d.log"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$work/a"; : >"$work/b"
for i in $(seq 1 "$ROUNDS"); do
  a=$(run "$A"); echo "$a" >>"$work/a"; b=$(run "$B"); echo "$b" >>"$work/b"
  echo "round $i: A $a req/s, B $b req/s"
done
ma=$(median <"$work/a"); mb=$(median <"$work/b")
awk -v a="$ma" -v b="$mb" 'BEGIN { printf "median: A %.0f req/s, B %.0f req/s, B/A %.1f %%\n", a, b, 100 * b / a }'
