"""Run D2I's csc-validator-be-cin (the DfE's CIN census rules in Python) on one census file and
print its findings as JSON lines: {"rule": CODE, "child": LAchildID or null, "kind": "error" |
"query"}. Run by tests/census/test_cin_validator_agreement.py in the separate virtual
environment `make cin-validator` creates (its pandas 1.x cannot share Safeguard's numpy 2)."""

import contextlib
import importlib
import io
import json
import sys
import xml.etree.ElementTree as ET


def main(path: str, ruleset: str) -> None:
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()  # noqa: S314 (the tests' own files)
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    with contextlib.redirect_stdout(io.StringIO()) as noise:
        validator = cin_validator.CinValidator(data, registry)
    crashed = [line for line in noise.getvalue().splitlines() if line.startswith("Error with rule")]
    seen = set()
    for row in validator.full_issue_df.itertuples():
        code = str(row.rule_code)
        child = None if str(row.child_id) in ("nan", "None") else str(row.child_id)
        if (code, child) not in seen:
            seen.add((code, child))
            kind = "query" if code.endswith("Q") else "error"
            print(json.dumps({"rule": code, "child": child, "kind": kind}))
    for row in validator.multichild_issues.itertuples():
        print(json.dumps({"rule": str(row.rule_code), "child": None, "kind": "return"}))
    for line in crashed:
        print(json.dumps({"crashed": line}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
