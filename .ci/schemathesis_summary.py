"""Summarises a schemathesis NDJSON report: test cases, and failures by check.

Usage: schemathesis_summary.py REPORT.ndjson LABEL ROLE CONTRACT.md
Exits 1 when a check other than positive_data_acceptance failed, when
positive_data_acceptance failed on an operation that CONTRACT.md does not list, or when the
run did not finish."""
import collections
import json
import re
import sys

report, label, role, contract = sys.argv[1:5]
cases = 0
failures = collections.defaultdict(set)  # check -> {(operation, code)}
errors = []
finished = False
for line in open(report, encoding="utf-8"):
    event = json.loads(line)
    kind, body = next(iter(event.items()))
    if kind == "ScenarioFinished":
        recorder = body.get("recorder", {})
        cases += len(recorder.get("cases", {}))
        for check_list in recorder.get("checks", {}).values():
            for check in check_list:
                if check.get("status") != "failure":
                    continue
                failure = check.get("failure_info", {}).get("failure", {})
                op = failure.get("operation") or recorder.get("label", "?")
                failures[check["name"]].add((op, failure.get("code", "")))
    elif kind == "NonFatalError":
        errors.append(f"{body.get('label', '?')}: {str(body.get('info', ''))[:300]}")
    elif kind == "EngineFinished":
        finished = True

listed = set(re.findall(r"^\| `([A-Z]+ /[^`]*)` \|", open(contract, encoding="utf-8").read(), re.M))
counts = ", ".join(f"{k} {len(v)}" for k, v in sorted(failures.items())) or "none"
print(f"{label} as {role}: {cases} test cases; unique failures by check: {counts}")
bad = False
for name, found in sorted(failures.items()):
    for op, code in sorted(found):
        if name == "positive_data_acceptance":
            if op not in listed:
                print(f"  {name} ({code}) on {op}: not listed in tests/CONTRACT.md")
                bad = True
        else:
            print(f"  {name} ({code}) on {op}")
            bad = True
for e in errors:
    print(f"  error: {e}")
if not finished:
    print("  the run did not finish")
sys.exit(1 if bad or errors or not finished else 0)
