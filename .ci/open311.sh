#!/usr/bin/env bash
# Open311 GeoReport v2 driven by the client libraries people use, unmodified: `georeport`
# (Python 3) and `three` and `open311` (Python 2.7, from pyenv). Usage:
#   .ci/open311.sh BASE_URL ADMIN_PASSWORD WORK_DIR
set -euo pipefail
base=$1 admin_password=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
login() {
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$2\"}" | json_field access_token
}
admin=$(login admin "$admin_password")
curl -fsS -o /dev/null -X POST "$base/api/v1/users" -H "authorization: Bearer $admin" \
  -H 'content-type: application/json' \
  -d '{"username":"open311.operator","full_name":"Nhân viên tiếp nhận","role":"operator","password":"tiepnhan2026"}'
operator=$(login open311.operator tiepnhan2026)
key=$(curl -fsS -X POST "$base/api/v1/admin/open311-clients" -H "authorization: Bearer $admin" \
  -H 'content-type: application/json' -d '{"name":"Open311 client libraries","rate_per_minute":6000}' \
  | json_field api_key)

python3 -m venv "$work/py3"
"$work/py3/bin/pip" install --quiet --disable-pip-version-check georeport==0.3.1
"$work/py3/bin/python" "$here/open311_clients.py" "$base" "$key" "$operator"

py2=${PAHT_CI_PYTHON2:-$(command -v pyenv >/dev/null && echo "$(pyenv root)/versions/2.7.18/bin/python" || echo python2)}
"$py2" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --target "$work/py2" three==0.8.0 open311==1.1 2>&1 | grep -v DEPRECATION || true
PYTHONPATH="$work/py2" "$py2" "$here/open311_clients.py" "$base" "$key" "$operator"
