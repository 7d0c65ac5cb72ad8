#!/usr/bin/python3
"""check_spdx.py FILE... - validate SPDX 2.3 JSON documents.

1. The official SPDX 2.3 JSON schema (spdx-schema-2.3.json beside this
   script), with python3-jsonschema.
2. By hand, what the schema cannot say and spdx/tools-python 0.8 refuses
   (written from the SPDX 2.3 specification, clauses in brackets): SPDX ids
   [3.2, 7.2] unique and well-formed, every relationship end defined [11],
   the document DESCRIBES something, documentNamespace an absolute URI
   without '#' [6.5], created as YYYY-MM-DDThh:mm:ssZ [6.9], creators
   "Person|Organization|Tool: ..." [6.8], downloadLocation a URL, NONE or
   NOASSERTION [7.7], homepage a URL [7.11], checksums lowercase hex of the
   algorithm's length [7.10], externalRefs types per category and purl form
   [7.21, Annex F], filesAnalyzed false with no verification code and no
   files [7.8], license expressions made of ids, AND, OR, WITH and
   parentheses [Annex D] (ids are not checked against the license list).
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
    print("check_spdx.py: python3-jsonschema is missing (mk/host-packages.txt)", file=sys.stderr)
    sys.exit(2)

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spdx-schema-2.3.json")
ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")
URL = re.compile(r"^((git|hg|svn|bzr)\+)?(https?|s?ftp|ssh|git|svn)://[^\s/?#]+\.[A-Za-z]{2,}"
                 r"(:[0-9]{1,5})?([/?#]\S*)?$")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CREATOR = re.compile(r"^(Person|Organization|Tool): \S.*$")
PURL = re.compile(r"^pkg:[A-Za-z.+-]+/[^\s]+$")
HEXLEN = {"SHA1": 40, "SHA224": 56, "SHA256": 64, "SHA384": 96, "SHA512": 128, "MD5": 32,
          "SHA3-256": 64, "SHA3-384": 96, "SHA3-512": 128, "BLAKE2b-256": 64,
          "BLAKE2b-384": 96, "BLAKE2b-512": 128}
REF_TYPES = {"PACKAGE-MANAGER": {"maven-central", "npm", "nuget", "bower", "purl"},
             "SECURITY": {"cpe22Type", "cpe23Type", "advisory", "fix", "url", "swid"},
             "PERSISTENT-ID": {"swh", "gitoid"}}
LICENSE_ID = re.compile(r"^((DocumentRef-[A-Za-z0-9.+-]+:)?LicenseRef-[A-Za-z0-9.-]+|"
                        r"[A-Za-z0-9][A-Za-z0-9.-]*\+?)$")


def license_ok(expr):
    """Annex D grammar: ids joined by AND/OR, an id WITH an exception, parentheses."""
    if expr in ("NONE", "NOASSERTION"):
        return True
    toks = re.findall(r"\(|\)|[^\s()]+", expr)
    pos = 0

    def term():
        nonlocal pos
        if pos < len(toks) and toks[pos] == "(":
            pos += 1
            if not disj() or pos >= len(toks) or toks[pos] != ")":
                return False
            pos += 1
            return True
        if pos >= len(toks) or toks[pos] in ("AND", "OR", "WITH", ")") or \
                not LICENSE_ID.match(toks[pos]):
            return False
        pos += 1
        if pos < len(toks) and toks[pos] == "WITH":
            pos += 1
            if pos >= len(toks) or not LICENSE_ID.match(toks[pos]):
                return False
            pos += 1
        return True

    def disj():
        nonlocal pos
        if not term():
            return False
        while pos < len(toks) and toks[pos] in ("AND", "OR"):
            pos += 1
            if not term():
                return False
        return True

    return bool(toks) and disj() and pos == len(toks)


def check(doc, schema):
    errs = []
    for e in jsonschema.Draft7Validator(schema).iter_errors(doc):
        errs.append(("/".join(str(p) for p in e.absolute_path) or "(document)",
                     "schema: " + e.message))
    if not isinstance(doc, dict):
        return errs
    for key, want in (("spdxVersion", "SPDX-2.3"), ("dataLicense", "CC0-1.0"),
                      ("SPDXID", "SPDXRef-DOCUMENT")):
        if doc.get(key) != want:
            errs.append((key, "must be %s" % want))
    ns = doc.get("documentNamespace", "")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", ns) or "#" in ns:
        errs.append(("documentNamespace", "must be an absolute URI without '#': %r" % ns))
    ci = doc.get("creationInfo", {})
    if not CREATED.match(str(ci.get("created", ""))):
        errs.append(("creationInfo/created", "must be YYYY-MM-DDThh:mm:ssZ"))
    for c in ci.get("creators", []):
        if not CREATOR.match(c):
            errs.append(("creationInfo/creators", "bad creator %r" % c))

    elements = {"SPDXRef-DOCUMENT": "document"}
    for kind in ("packages", "files", "snippets"):
        for i, el in enumerate(doc.get(kind, [])):
            sid = el.get("SPDXID", "")
            if not ID.match(sid):
                errs.append(("%s/%d" % (kind, i), "bad SPDXID %r" % sid))
            if sid in elements:
                errs.append(("%s/%d" % (kind, i), "SPDXID %r defined twice" % sid))
            elements[sid] = kind

    rels = doc.get("relationships", [])
    for i, r in enumerate(rels):
        a, b = r.get("spdxElementId"), r.get("relatedSpdxElement")
        if a not in elements:
            errs.append(("relationships/%d" % i, "spdxElementId %r is not defined" % a))
        if b not in elements and b not in ("NONE", "NOASSERTION"):
            errs.append(("relationships/%d" % i, "relatedSpdxElement %r is not defined" % b))
    if not doc.get("documentDescribes") and not any(
            r.get("spdxElementId") == "SPDXRef-DOCUMENT" and
            r.get("relationshipType") == "DESCRIBES" for r in rels):
        errs.append(("relationships", "the document DESCRIBES nothing"))

    def checksums(where, cs):
        for c in cs:
            n = HEXLEN.get(c.get("algorithm"))
            v = c.get("checksumValue", "")
            if n and not re.match(r"^[0-9a-f]{%d}$" % n, v):
                errs.append((where, "%s checksum must be %d lowercase hex digits" %
                             (c.get("algorithm"), n)))

    for i, p in enumerate(doc.get("packages", [])):
        where = "packages/%d (%s)" % (i, p.get("SPDXID"))
        dl = p.get("downloadLocation", "")
        if dl not in ("NONE", "NOASSERTION") and not URL.match(dl):
            errs.append((where, "downloadLocation must be a URL, NONE or NOASSERTION: %r" % dl))
        if "homepage" in p and p["homepage"] not in ("NONE", "NOASSERTION") and \
                not URL.match(p["homepage"]):
            errs.append((where, "homepage must be a URL: %r" % p["homepage"]))
        checksums(where, p.get("checksums", []))
        for key in ("licenseConcluded", "licenseDeclared"):
            if key in p and not license_ok(p[key]):
                errs.append((where, "%s is no license expression: %r" % (key, p[key])))
        if p.get("filesAnalyzed", True) is False:
            if "packageVerificationCode" in p:
                errs.append((where, "packageVerificationCode with filesAnalyzed false"))
            for r in rels:
                if r.get("spdxElementId") == p.get("SPDXID") and \
                        r.get("relationshipType") == "CONTAINS" and \
                        elements.get(r.get("relatedSpdxElement")) == "files":
                    errs.append((where, "CONTAINS a file with filesAnalyzed false"))
        for ref in p.get("externalRefs", []):
            cat, typ = ref.get("referenceCategory"), ref.get("referenceType")
            loc = ref.get("referenceLocator", "")
            if cat == "OTHER":
                if " " in loc:
                    errs.append((where, "OTHER referenceLocator contains a space"))
            elif typ not in REF_TYPES.get(cat, ()):
                errs.append((where, "referenceType %r is not one of category %s" % (typ, cat)))
            elif typ == "purl" and not PURL.match(loc):
                errs.append((where, "bad purl %r" % loc))
    for i, f in enumerate(doc.get("files", [])):
        where = "files/%d (%s)" % (i, f.get("SPDXID"))
        if not any(c.get("algorithm") == "SHA1" for c in f.get("checksums", [])):
            errs.append((where, "a file needs a SHA1 checksum"))
        checksums(where, f.get("checksums", []))
    return errs


def main():
    try:
        schema = json.load(open(SCHEMA, encoding="utf-8"))
    except (OSError, ValueError) as e:
        print("check_spdx.py: %s: %s" % (SCHEMA, e), file=sys.stderr)
        return 2
    bad = 0
    for path in sys.argv[1:]:
        try:
            doc = json.load(open(path, encoding="utf-8"))
        except (OSError, ValueError) as e:
            print("%s: %s" % (path, e))
            bad = 1
            continue
        for where, what in check(doc, schema):
            print("%s: %s: %s" % (path, where, what))
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
