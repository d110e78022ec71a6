#!/usr/bin/env bash
# Runs the README's "first five minutes" walkthrough, exactly as written, against a server:
#   .ci/walkthrough.sh http://127.0.0.1:PORT
# The walkthrough is the shell block between the walkthrough markers of README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
script=$(awk '/<!-- walkthrough:begin -->/{on=1; next} /<!-- walkthrough:end -->/{on=0} on' README.md \
  | awk '/^```sh$/{inside=1; next} /^```$/{inside=0} inside')
[ -n "$script" ] || { echo "no walkthrough found in README.md"; exit 1; }
out=$(BASE="$1/api/v1" bash -euo pipefail -c "$script")
echo "$out"
# What a newcomer should see: a tracking code, the photo, two pages, and the problem document.
for expected in '"code": "PA-' '"content_type": "image/jpeg"' '"next_cursor": null' '"code": "validation_failed"'; do
  grep -qF "$expected" <<<"$out" || { echo "walkthrough output lacks $expected"; exit 1; }
done
echo "walkthrough: ok"
