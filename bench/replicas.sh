#!/usr/bin/env bash
# Three replicas of PAHT on one PostgreSQL, driven round-robin, proving what a province that
# runs several replicas relies on:
#   1. submissions with an Idempotency-Key sent to the three replicas at the same moment
#      (a barrier per key): one report per key;
#   2. a brute force spread over the replicas (12 at once): the per-address sign-in limit holds
#      in all, not per replica;
#   3. the sweeper and the outbox with one replica killed (SIGKILL) mid-run: every step past its
#      deadline is marked once, every webhook delivery arrives, and a delivery arrives twice only
#      if the killed replica had it in hand (the at-least-once contract).
# Files go to a real S3-compatible server (moto, when `moto_server` is installed) or else to a
# folder the three share. Prints the figures; bench/README.md quotes them.
#
#   bench/replicas.sh                       (starts a throwaway PostgreSQL cluster itself)
#   BENCH_PG_URL=postgres://user@host/db bench/replicas.sh   (an empty database)
#
# Needs PostgreSQL's binaries (initdb, pg_ctl, psql) and python3. BENCH_BIN=path skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_BIN:-}" ]; then cargo build --release --locked --bin paht; fi
BIN=$(realpath "${BENCH_BIN:-./target/release/paht}")
work=$(mktemp -d /tmp/paht-replicas.XXXXXX)
chmod 755 "$work"
base=${BENCH_PORT:-18600}
pids=()
pg_dir=""
cleanup() {
  exec 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_dir" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -n "${BENCH_PG_URL:-}" ]; then
  db_url=$BENCH_PG_URL
else
  pg_bin=""
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
  [ -n "$pg_bin" ] || { echo "PostgreSQL's binaries are needed (apt-get install postgresql)"; exit 1; }
  pg_dir="$work/pg"; mkdir -p "$pg_dir"; chmod 755 "$pg_dir"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port=$((base + 50))
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U paht --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c max_connections=200" start >/dev/null
  db_url="postgres://paht@127.0.0.1:$pg_port/postgres"
fi
q() { psql -qAt "$db_url" -c "$1"; }

# The object store: moto's S3 server when it is installed, else a shared folder.
if command -v moto_server >/dev/null; then
  s3_port=$((base + 40))
  moto_server -H 127.0.0.1 -p "$s3_port" >"$work/moto.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -X PUT "http://127.0.0.1:$s3_port/paht-files" >/dev/null
  export PAHT_OBJECT_STORE_URL="s3://paht-files/bench" AWS_ENDPOINT="http://127.0.0.1:$s3_port" \
    AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
  store="S3 (moto) at 127.0.0.1:$s3_port"
else
  export PAHT_OBJECT_STORE_URL="file://$work/objects"
  store="a shared folder ($work/objects)"
fi

# The webhook receiver: records each delivery's webhook-id (the outbox message's id).
hook_port=$((base + 30))
python3 - "$hook_port" "$work/hooks.log" <<'PY' & pids+=($!)
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
out = open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with lock:
            out.write(self.headers.get("webhook-id", "?") + "\n")
        self.send_response(204); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY

export DATABASE_URL="$db_url" PAHT_JWT_SECRET="bench-replicas-signing-key-0123456789abcdef" \
  PAHT_DATA_KEYS="k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=" PAHT_DATA_INDEX_KEY="ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=" \
  PAHT_ADMIN_PASSWORD=quantri-bench-2026 PAHT_LOG=warn PAHT_SWEEP_INTERVAL_SECS=1 \
  PAHT_OUTBOX_POLL_MS=100 PAHT_OUTBOX_LEASE_SECS=5 PAHT_OUTBOX_WORKERS=2 \
  PAHT_LOGIN_MAX_FAILURES=1000 PAHT_LOGIN_MAX_FAILURES_ADDRESS=20 PAHT_LOGIN_SLOWDOWN_AFTER=100000 \
  PAHT_REGISTER_MAX_PER_ADDRESS=1000 PAHT_DB_POOL_SIZE=8
"$BIN" migrate >/dev/null 2>&1
for i in 1 2 3; do
  PAHT_BIND="127.0.0.1:$((base + i))" PAHT_DATA_DIR="$work/data$i" \
    "$BIN" serve >"$work/replica$i.log" 2>&1 & pids+=($!)
  eval "pid$i=$!"
done
for i in 1 2 3; do
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$((base + i))/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done
echo "three replicas on :$((base + 1)), :$((base + 2)), :$((base + 3)); PostgreSQL; files in $store"

HOOKS_LOG="$work/hooks.log" python3 - "$base" "$hook_port" "$pid2" "$db_url" <<'PY'
import json, os, signal, subprocess, sys, threading, time, urllib.request, urllib.error
base, hook_port, victim, db = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
urls = [f"http://127.0.0.1:{base + i}" for i in (1, 2, 3)]
alive = [True, True, True]

def call(i, method, path, body=None, token=None, headers=None):
    h = {"content-type": "application/json"}
    if token: h["authorization"] = "Bearer " + token
    h.update(headers or {})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(urls[i] + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None

def sql(q):
    return subprocess.run(["psql", "-qAt", db, "-c", q], check=True, capture_output=True, text=True).stdout.strip()

_, t = call(0, "POST", "/api/v1/auth/login", {"login": "admin", "password": "quantri-bench-2026"})
admin = t["access_token"]
st, _ = call(1, "POST", "/api/v1/auth/register", {"full_name": "Trần Thị Bình", "phone": "0918765432", "password": "matkhau-2026"})
assert st == 201, st
_, t = call(2, "POST", "/api/v1/auth/login", {"login": "0918765432", "password": "matkhau-2026"})
citizen = t["access_token"]
st, _ = call(0, "POST", "/api/v1/admin/webhooks", {"url": f"http://127.0.0.1:{hook_port}/hook", "events": ["report.submitted"]}, admin)
assert st == 201, st
cat, unit = "giao-thong", "92"

def report(n):
    return {"title": f"Đèn đường hỏng số {n}", "content": "Đèn đường trước nhà văn hóa ấp bị hỏng nhiều ngày, buổi tối rất tối.",
            "category_code": cat, "admin_unit_code": unit, "address": "Trước nhà văn hóa ấp 3, xã Mỹ Xuyên", "latitude": 9.6, "longitude": 105.97,
            "reporter": {"full_name": "Trần Thị Bình", "phone": "0918765432", "contact_address": "Ấp 3, xã Mỹ Xuyên, Cần Thơ", "cccd": "094190000123"}}

# 1. One key, three replicas, the same moment.
KEYS = 150
answers = {}
t0 = time.time()
for k in range(KEYS):
    key = f"bench-{os.getpid()}-{k}"
    gate = threading.Barrier(3)
    got = [None] * 3
    def send(i):
        gate.wait()
        got[i] = call(i, "POST", "/api/v1/reports", report(k), citizen, {"Idempotency-Key": key})
    ts = [threading.Thread(target=send, args=(i,)) for i in range(3)]
    for x in ts: x.start()
    for x in ts: x.join()
    answers[key] = got
elapsed = time.time() - t0
codes = {}
ids_per_key = []
for key, got in answers.items():
    ids = {a[1]["id"] for a in got if a[0] in (200, 201) and a[1]}
    ids_per_key.append(len(ids))
    for a in got: codes[a[0]] = codes.get(a[0], 0) + 1
bad = [a for got in answers.values() for a in got if a[0] not in (200, 201)]
if bad: print("   e.g.", bad[0])
made = int(sql("SELECT COUNT(*) FROM reports WHERE title LIKE 'Đèn đường hỏng số %'"))
print(f"1. idempotency: {KEYS} keys x 3 replicas at once in {elapsed:.1f} s; answers {dict(sorted(codes.items()))}; "
      f"reports created {made}; keys answered with more than one report: {sum(1 for n in ids_per_key if n > 1)}")
assert made == KEYS and all(n <= 1 for n in ids_per_key), "one report per key"

# 3. Sweeper and outbox with a replica killed mid-run (before 2: the brute force blocks 127.0.0.1).
sent_before = int(sql("SELECT COUNT(*) FROM outbox WHERE transport = 'webhook'"))
due = sql("UPDATE clocks SET due_at = now() AT TIME ZONE 'UTC' - interval '1 hour' "
          "WHERE done_at IS NULL AND cancelled_at IS NULL AND overdue_at IS NULL RETURNING id").splitlines()
N = 600
done = [0]
failed = [0]
lock = threading.Lock()
killed_at = [None]
def submitter(w):
    for n in range(w, N, 6):
        i = n % 3
        if not alive[i]: i = (i + 1) % 3
        st, _ = call(i, "POST", "/api/v1/reports", report(10000 + n), citizen)
        with lock:
            done[0] += 1
            if st != 201: failed[0] += 1
            if done[0] == N // 3 and killed_at[0] is None:
                os.kill(victim, signal.SIGKILL)
                alive[1] = False
                killed_at[0] = time.time()
ts = [threading.Thread(target=submitter, args=(w,)) for w in range(6)]
t0 = time.time()
for x in ts: x.start()
for x in ts: x.join()
sub_elapsed = time.time() - t0
deadline = time.time() + 120
while time.time() < deadline:
    pending = int(sql("SELECT COUNT(*) FROM outbox WHERE transport = 'webhook' AND status <> 'sent'"))
    unmarked = int(sql("SELECT COUNT(*) FROM clocks WHERE overdue_at IS NULL AND done_at IS NULL "
                       "AND cancelled_at IS NULL AND due_at < now() AT TIME ZONE 'UTC'"))
    if pending == 0 and unmarked == 0: break
    time.sleep(0.5)
drained = time.time() - t0
expected = set(sql("SELECT id FROM outbox WHERE transport = 'webhook'").splitlines())
received = [l.strip() for l in open(os.environ.get("HOOKS_LOG", "/dev/null"))] if os.environ.get("HOOKS_LOG") else []
counts = {}
for r in received: counts[r] = counts.get(r, 0) + 1
lost = len(expected - set(counts))
twice = sum(1 for v in counts.values() if v > 1)
marked = int(sql("SELECT COUNT(*) FROM clocks WHERE id = ANY(ARRAY[" + ",".join(f"'{d}'" for d in due) + "]::text[]) AND overdue_at IS NOT NULL")) if due else 0
events = int(sql("SELECT COUNT(*) FROM report_events WHERE action = 'overdue'"))
print(f"3. outbox and sweeper, replica 2 killed (SIGKILL) after {N // 3} of {N} submissions: "
      f"{N} sent in {sub_elapsed:.1f} s ({failed[0]} cut off by the kill, not written); webhook deliveries expected {len(expected)}, "
      f"received {len(received)} ({len(counts)} distinct), lost {lost}, delivered twice {twice}; "
      f"steps made overdue {len(due)}, marked {marked}, overdue events {events}; all settled {drained:.1f} s after the start")
assert lost == 0, "nothing lost"
assert marked == len(due) and events == len(due), "each step marked once"

# 2. A brute force on one account from one address, spread over the two replicas left.
ATTEMPTS, PAR = 300, 12
res = {}
def guess(w):
    for n in range(w, ATTEMPTS, PAR):
        i = [0, 2][n % 2]
        st, _ = call(i, "POST", "/api/v1/auth/login", {"login": "0918765432", "password": f"sai-{n}"})
        with lock: res[st] = res.get(st, 0) + 1
ts = [threading.Thread(target=guess, args=(w,)) for w in range(PAR)]
t0 = time.time()
for x in ts: x.start()
for x in ts: x.join()
print(f"2. brute force: {ATTEMPTS} wrong passwords, {PAR} at once, over replicas 1 and 3 in {time.time() - t0:.1f} s: "
      f"answers {dict(sorted(res.items()))} (limit 20 per address across all replicas)")
assert res.get(401, 0) <= 20, "the limit holds across replicas"
PY
