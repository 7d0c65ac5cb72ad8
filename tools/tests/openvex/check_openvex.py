#!/usr/bin/python3
"""check_openvex.py FILE... - validate OpenVEX documents.

1. The OpenVEX JSON schema (openvex_json_schema.json beside this script,
   from openvex/spec: README.md here), with python3-jsonschema (draft
   2020-12).
2. By hand, the formats the schema names but jsonschema checks only with
   optional modules Debian does not install: date-time values as RFC 3339
   ("format": "date-time"), @context a URL, @id an IRI (an absolute URI
   without spaces: a purl counts, as in OpenVEX's own examples).
Prints one line per problem, "FILE: WHERE: what"; exits 1 if any, 2 if
the checker itself cannot run (no jsonschema, no schema).
"""
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("check_openvex.py: python3-jsonschema is missing (mk/host-packages.txt)",
          file=sys.stderr)
    sys.exit(2)

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openvex_json_schema.json")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
TIME_KEYS = ("timestamp", "last_updated", "action_statement_timestamp")


def formats(doc, where, out):
    """The schema's "format"s, checked by hand (see the header)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            w = "%s.%s" % (where, k) if where else k
            if k in TIME_KEYS and (not isinstance(v, str) or not DATETIME.match(v)):
                out.append("%s: not an RFC 3339 date-time: %r" % (w, v))
            elif k in ("@id", "@context") and (not isinstance(v, str) or not IRI.match(v)):
                out.append("%s: not an absolute IRI: %r" % (w, v))
            else:
                formats(v, w, out)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            formats(v, "%s[%d]" % (where, i), out)


def main(paths):
    try:
        with open(SCHEMA, encoding="utf-8") as f:
            schema = json.load(f)
    except OSError as e:
        print("check_openvex.py: %s" % e, file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    problems = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: not JSON: %s" % (path, e))
            problems += 1
            continue
        out = []
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.path) or "(document)"
            out.append("%s: %s" % (where, err.message))
        formats(doc, "", out)
        for line in out:
            print("%s: %s" % (path, line))
        problems += len(out)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: check_openvex.py FILE...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
