"""Validates a SARIF log on stdin against the official 2.1.0 schema (Draft-07).

Usage: python3 validate_sarif.py SCHEMA.json < log.sarif
Prints "valid", or each violation with its JSON path, and exits 1.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
log = json.load(sys.stdin.buffer)
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(log), key=lambda error: list(error.absolute_path))
for error in errors:
    print("/".join(map(str, error.absolute_path)) + ": " + error.message)
if errors:
    sys.exit(1)
print("valid")
