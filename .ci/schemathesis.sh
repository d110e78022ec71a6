#!/usr/bin/env bash
# The contract against a running server: validate the served document (openapi-spec-validator,
# redocly lint with its recommended rules), then run schemathesis signed in as admin, operator
# and citizen. Usage: .ci/schemathesis.sh BASE_URL ADMIN_PASSWORD LABEL OUT_DIR
# Needs `schemathesis`, `openapi-spec-validator` (PyPI) and `redocly` (npm) on PATH.
set -euo pipefail
base=$1 admin_password=$2 label=$3 out=$4
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)

curl -fsS "$base/openapi.json" -o "$out/openapi.json"
openapi-spec-validator "$out/openapi.json"
redocly lint "$out/openapi.json" --format=summary

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
login() {
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$2\"}" | json_field access_token
}
admin=$(login admin "$admin_password")
curl -fsS -o /dev/null -X POST "$base/api/v1/users" -H "authorization: Bearer $admin" \
  -H 'content-type: application/json' \
  -d '{"username":"ci.operator","full_name":"Nhân viên tiếp nhận","role":"operator","password":"tiepnhan2026"}'
operator=$(login ci.operator tiepnhan2026)
curl -fsS -o /dev/null -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"full_name":"Nguyễn Văn An","phone":"0912345678","password":"congdan2026"}'
citizen=$(login 0912345678 congdan2026)

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,unsupported_method,ignored_auth,use_after_free,positive_data_acceptance
status=0
# Admin last: what it changes (accounts, the directory) cannot disturb the other runs.
for role in citizen operator admin; do
  token=${!role}
  printf '\n--- schemathesis on %s as %s\n' "$label" "$role"
  # In the output folder: schemathesis keeps a cache in its working directory.
  (cd "$out" && schemathesis run "$out/openapi.json" --url "$base" \
    -H "Authorization: Bearer $token" \
    -H "Intake-Key: ${PAHT_CI_INTAKE_KEY:-ci-intake-key-0123456789abcdef}" \
    -H "Switchboard-Key: ${PAHT_CI_SWITCHBOARD_KEY:-ci-switchboard-key-0123456789abcdef}" \
    --checks "$checks" \
    --phases examples,coverage,fuzzing,stateful \
    --seed 20261201 --generation-database none \
    --max-examples "${PAHT_CI_SCHEMATHESIS_EXAMPLES:-10}" \
    --request-timeout 20 --no-color --output-truncate true \
    --report ndjson --report-ndjson-path "$out/$label-$role.ndjson" \
    >"$out/$label-$role.log" 2>&1) || true
  python3 "$here/schemathesis_summary.py" "$out/$label-$role.ndjson" "$label" "$role" \
    "$here/../tests/CONTRACT.md" || status=1
done
exit $status
