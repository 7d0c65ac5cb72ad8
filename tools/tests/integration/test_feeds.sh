#!/bin/sh
# test_feeds.sh - the security feeds (tools/doc/repo.md): krill index
# --ports writes secdb.json and openvex.json from the recipes' secfixes and
# not-affected, names them in the signed INDEX; the OpenVEX document passes
# the OpenVEX JSON schema, the secdb has the Alpine/Wolfi shape; krill
# verify, krill mirror sync and krill update --feeds refuse a tampered one.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
SERVER_PID=
trap 'unserve; rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
CHECK_VEX="python3 $TOP/tools/tests/openvex/check_openvex.py"

mkdir -p "$T/ports/a" "$T/ports/b" "$T/src" "$T/keys"
cat >"$T/ports/a/port.yaml" <<'Y'
name: a
version: '1.0'
release: 2
summary: a
license: MIT
cpe: cpe:2.3:a:example:a:${version}:*:*:*:*:*:*:*
purl: pkg:generic/a@${version}
secfixes:
  1.0-r2:
    - CVE-2026-0003
  1.0-r1:
    - CVE-2026-0001
    - GHSA-jfh8-c2jp-5v3q
  0.9-r3:
    - CVE-2025-12345
not-affected:
  - id: CVE-2026-0002
    justification: component_not_present
    impact: the a-gui component is not built
build:
  style: none
Y
cat >"$T/ports/b/port.yaml" <<'Y'
name: b
version: '1.0'
release: 1
summary: b
license: MIT
build:
  style: none
Y
"$KRILL" keygen main --dir "$T/k" >/dev/null && cp "$T/k/main.pub" "$T/keys/"
# the repository holds a 1.0-r1 build of a: CVE-2026-0003 (fixed in r2) is
# not stated fixed for it
mkpkg "$T/src" a 1.0-r1
mkpkg "$T/src" b 1.0-r1
MKPKG_ORIGIN=a mkpkg "$T/src" a-dev 1.0-r1
export SOURCE_DATE_EPOCH=1700000000
idx() {
	"$KRILL" index "$T/src" --key "$T/k/main.pem" --ports "$T/ports" \
		--secdb-url https://mirror.example/x86_64 "$@" >"$T/out" 2>&1
}

if idx && grep -q 'secdb.json [0-9]*, openvex.json [0-9]*' "$T/out" &&
	grep -q "^secdb: $(wc -c <"$T/src/secdb.json") $(sha "$T/src/secdb.json")\$" "$T/src/INDEX" &&
	grep -q "^openvex: $(wc -c <"$T/src/openvex.json") $(sha "$T/src/openvex.json")\$" "$T/src/INDEX"
then ok feeds_written_and_named_in_index; else bad feeds_written_and_named_in_index "$(cat "$T/out")"; fi

if "$KRILL" verify "$T/src" --keys "$T/keys" >"$T/vout" 2>&1 &&
	grep -q 'secdb and OpenVEX checked' "$T/vout"
then ok feeds_verified; else bad feeds_verified "$(cat "$T/vout")"; fi

if $CHECK_VEX "$T/src/openvex.json" >"$T/sout" 2>&1; then ok openvex_passes_schema
else bad openvex_passes_schema "$(cat "$T/sout")"; fi

# the schema check can fail: a not_affected statement without a
# justification, and an unknown status
python3 - "$T/src/openvex.json" "$T/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["statements"]:
    if s["status"] == "not_affected":
        s.pop("justification"); s.pop("impact_statement")
d["statements"][0]["status"] = "mended"
json.dump(d, open(sys.argv[2], "w"))
PY
if ! $CHECK_VEX "$T/broken.json" >"$T/sout" 2>&1 && grep -q "'mended' is not one of" "$T/sout" &&
	grep -q 'is not valid under any of the given schemas' "$T/sout"
then ok openvex_schema_refuses_broken; else bad openvex_schema_refuses_broken "$(cat "$T/sout")"; fi

# what the VEX says: fixed per secfix for builds at or after it, not_affected
# with its justification for every package of the port
python3 - "$T/src/openvex.json" >"$T/sout" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {(s["vulnerability"]["name"], s["status"]): s for s in d["statements"]}
a = "pkg:generic/krill/a@1.0-r1?arch=x86_64"
adev = "pkg:generic/krill/a-dev@1.0-r1?arch=x86_64"
prods = lambda s: sorted(p["@id"] for p in s["products"])
assert d["@context"] == "https://openvex.dev/ns/v0.2.0", d["@context"]
assert d["timestamp"] == "2023-11-14T22:13:20Z", d["timestamp"]
assert d["version"] == 1 and d["@id"].endswith("/vex/main/x86_64/v1"), d
assert sorted(st) == sorted([("CVE-2026-0001", "fixed"), ("GHSA-jfh8-c2jp-5v3q", "fixed"),
                             ("CVE-2025-12345", "fixed"), ("CVE-2026-0002", "not_affected")]), st
assert prods(st["CVE-2026-0001", "fixed"]) == sorted([a, adev]), prods(st["CVE-2026-0001", "fixed"])
assert prods(na := st["CVE-2026-0002", "not_affected"]) == sorted([a, adev]), prods(na)
na = st["CVE-2026-0002", "not_affected"]
assert na["justification"] == "component_not_present", na
assert na["impact_statement"] == "the a-gui component is not built", na
print("ok")
PY
if grep -q '^ok$' "$T/sout"; then ok openvex_statements; else bad openvex_statements "$(cat "$T/sout")"; fi

# the secdb parses in the documented shape: Alpine's and Wolfi's keys,
# packages[].pkg.{name, secfixes}, not-affected under "0"
python3 - "$T/src/secdb.json" >"$T/sout" 2>&1 <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["apkurl", "archs", "packages", "reponame", "urlprefix"], sorted(d)
assert d["archs"] == ["x86_64"] and d["reponame"] == "main", d
assert d["urlprefix"] == "https://mirror.example/x86_64", d["urlprefix"]
assert "{{urlprefix}}" in d["apkurl"] and "{{pkg.name}}" in d["apkurl"], d["apkurl"]
for p in d["packages"]:
    assert list(p) == ["pkg"] and sorted(p["pkg"]) == ["name", "secfixes"], p
    for ver, ids in p["pkg"]["secfixes"].items():
        assert ver == "0" or re.match(r"^[0-9][^-]*-r[0-9]+$", ver), ver
        assert ids and all(re.match(r"^(CVE-\d{4}-\d{4,}|GHSA(-[a-z0-9]{4}){3})$", i) for i in ids), ids
names = [p["pkg"]["name"] for p in d["packages"]]
assert names == ["a"], names  # b has no security data: not listed
assert d["packages"][0]["pkg"]["secfixes"] == {
    "1.0-r2": ["CVE-2026-0003"], "1.0-r1": ["CVE-2026-0001", "GHSA-jfh8-c2jp-5v3q"],
    "0.9-r3": ["CVE-2025-12345"], "0": ["CVE-2026-0002"]}, d["packages"][0]
print("ok")
PY
if grep -q '^ok$' "$T/sout"; then ok secdb_documented_shape; else bad secdb_documented_shape "$(cat "$T/sout")"; fi

# krill verify refuses a tampered feed, a missing one and one the index
# does not name
cp "$T/src/.krill/current/secdb.json" "$T/secdb.good"
cp "$T/src/.krill/current/openvex.json" "$T/vex.good"
vrefuses() { # NAME PATTERN
	if ! "$KRILL" verify "$T/src" --keys "$T/keys" >"$T/vout" 2>&1 && grep -q "$2" "$T/vout"
	then ok "$1"; else bad "$1" "$(cat "$T/vout")"; fi
}
sed -i 's/CVE-2026-0001/CVE-2026-0009/' "$T/src/.krill/current/secdb.json"
vrefuses verify_tampered_secdb_refused 'secdb.json: .* the signed index names .*: tampered'
cp "$T/secdb.good" "$T/src/.krill/current/secdb.json"
sed -i 's/"fixed"/"affected"/' "$T/src/.krill/current/openvex.json"
vrefuses verify_tampered_openvex_refused 'openvex.json: .*: tampered'
cp "$T/vex.good" "$T/src/.krill/current/openvex.json"
rm "$T/src/.krill/current/openvex.json"
vrefuses verify_missing_feed_refused 'openvex.json: missing, the signed index names it'
cp "$T/vex.good" "$T/src/.krill/current/openvex.json"
if "$KRILL" verify "$T/src" --keys "$T/keys" >"$T/vout" 2>&1; then ok verify_restored
else bad verify_restored "$(cat "$T/vout")"; fi

# a re-signed timestamp keeps the feeds the index names
if "$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only >"$T/out" 2>&1 &&
	cmp -s "$T/src/secdb.json" "$T/secdb.good" && cmp -s "$T/src/openvex.json" "$T/vex.good" &&
	"$KRILL" verify "$T/src" --keys "$T/keys" >"$T/vout" 2>&1
then ok timestamp_only_keeps_feeds; else bad timestamp_only_keeps_feeds "$(cat "$T/out" "$T/vout")"; fi

# --timestamp-only refuses feeds that no longer have the bytes INDEX names,
# or are gone, and leaves the snapshot as it was
tsrefuses() { # NAME PATTERN
	cp -L "$T/src/timestamp" "$T/ts.before"
	if ! "$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only >"$T/out" 2>&1 &&
		grep -q "$2" "$T/out" && cmp -s "$T/src/timestamp" "$T/ts.before"
	then ok "$1"; else bad "$1" "$(cat "$T/out")"; fi
}
sed -i 's/CVE-2026-0001/CVE-2026-0009/' "$T/src/.krill/current/secdb.json"
tsrefuses timestamp_only_refuses_changed_feed 'secdb.json: not the bytes the index names: sign a new index'
cp "$T/secdb.good" "$T/src/.krill/current/secdb.json"
rm "$T/src/.krill/current/openvex.json"
tsrefuses timestamp_only_refuses_missing_feed 'no openvex.json, which the index names'
cp "$T/vex.good" "$T/src/.krill/current/openvex.json"

# the options of the feeds: misuse is a usage error (exit 2), a bad
# SOURCE_DATE_EPOCH an error, never a silent default
usage() { # NAME PATTERN ARGS...
	_n=$1 _p=$2
	shift 2
	"$KRILL" index "$T/src" --key "$T/k/main.pem" "$@" >"$T/out" 2>&1
	_rc=$?
	if [ $_rc = 2 ] && grep -q -- "$_p" "$T/out"; then ok "$_n"; else bad "$_n" "rc=$_rc: $(cat "$T/out")"; fi
}
usage index_bad_vex_timestamp_usage '--vex-timestamp: expected UTC time' --ports "$T/ports" --vex-timestamp 2026-13-01
usage index_timestamp_only_with_ports_usage '--timestamp-only keeps the feeds' --timestamp-only --ports "$T/ports"
usage index_feed_options_without_ports_usage 'give --ports' --vex-timestamp 2026-01-01T00:00:00Z
usage index_bad_secdb_url_usage '--secdb-url: expected an http' --ports "$T/ports" --secdb-url 'file:///x'
cp -L "$T/src/INDEX" "$T/index.before"
if ! SOURCE_DATE_EPOCH=soon "$KRILL" index "$T/src" --key "$T/k/main.pem" --ports "$T/ports" >"$T/out" 2>&1 &&
	grep -q "SOURCE_DATE_EPOCH='soon': expected seconds since 1970" "$T/out" && cmp -s "$T/src/INDEX" "$T/index.before"
then ok index_bad_source_date_epoch_refused; else bad index_bad_source_date_epoch_refused "$(cat "$T/out")"; fi

# the same packages, recipes, version, expiry and SOURCE_DATE_EPOCH give
# the same feeds and INDEX
mkdir -p "$T/src2"
cp "$T"/src/*.pkg.tar.zst "$T/src2/"
for d in src2 src3; do
	mkdir -p "$T/$d"; cp "$T"/src/*.pkg.tar.zst "$T/$d/"
	"$KRILL" index "$T/$d" --key "$T/k/main.pem" --ports "$T/ports" --version 7 \
		--expires-at 2099-01-01T00:00:00Z >/dev/null 2>&1
done
if cmp -s "$T/src2/INDEX" "$T/src3/INDEX" && cmp -s "$T/src2/openvex.json" "$T/src3/openvex.json" &&
	cmp -s "$T/src2/secdb.json" "$T/src3/secdb.json" && grep -q '"version": 7' "$T/src2/openvex.json"
then ok feeds_reproducible; else bad feeds_reproducible "$(diff "$T/src2/INDEX" "$T/src3/INDEX")"; fi

# without --ports: no feeds, no feed lines
mkdir -p "$T/plain"; cp "$T"/src/*.pkg.tar.zst "$T/plain/"
"$KRILL" index "$T/plain" --key "$T/k/main.pem" >/dev/null 2>&1
if [ ! -e "$T/plain/secdb.json" ] && ! grep -q '^secdb:\|^openvex:' "$T/plain/INDEX"
then ok no_ports_no_feeds; else bad no_ports_no_feeds "$(head -8 "$T/plain/INDEX")"; fi
# a feed beside an index that does not name it is refused, not served
cp "$T/secdb.good" "$T/plain/secdb.json"
if ! "$KRILL" verify "$T/plain" --keys "$T/keys" >"$T/vout" 2>&1 &&
	grep -q 'secdb.json: a security feed the signed index does not name' "$T/vout"
then ok verify_unnamed_feed_refused; else bad verify_unnamed_feed_refused "$(cat "$T/vout")"; fi
rm "$T/plain/secdb.json"
# --vex-timestamp pins the OpenVEX timestamp over SOURCE_DATE_EPOCH
mkdir -p "$T/pinned"; cp "$T"/src/*.pkg.tar.zst "$T/pinned/"
"$KRILL" index "$T/pinned" --key "$T/k/main.pem" --ports "$T/ports" \
	--vex-timestamp 2026-06-01T12:00:00Z >"$T/out" 2>&1
if grep -q '"timestamp": "2026-06-01T12:00:00Z"' "$T/pinned/openvex.json"
then ok vex_timestamp_pinned; else bad vex_timestamp_pinned "$(cat "$T/out"; head -8 "$T/pinned/openvex.json")"; fi

# a recipe with a problem stops the index, which stays as it was
cp -L "$T/src/INDEX" "$T/index.before"
printf 'secfixes:\n  9.9-r1: [CVE-2026-0004]\n' >>"$T/ports/b/port.yaml"
if ! idx && grep -q 'b/port.yaml:9:3: secfixes names 9.9-r1, a version-release this recipe does not have' "$T/out" &&
	cmp -s "$T/src/INDEX" "$T/index.before"
then ok bad_recipe_stops_index; else bad bad_recipe_stops_index "$(cat "$T/out")"; fi
sed -i '/^secfixes:/,$d' "$T/ports/b/port.yaml"

# mirror sync carries the feeds, and refuses tampered ones
serve "$T/src" || exit 1
STATE=
if sync && dst_ok && cmp -s "$T/dst/secdb.json" "$T/secdb.good" &&
	cmp -s "$T/dst/openvex.json" "$T/vex.good" && grep -q 'secdb and OpenVEX checked' "$T/vout"
then ok mirror_carries_feeds; else bad mirror_carries_feeds "$(cat "$T/out" "$T/vout")"; fi
idx || bad reindex "$(cat "$T/out")"
cp "$T/src/.krill/current/secdb.json" "$T/secdb.v3"
cp "$T/src/.krill/current/openvex.json" "$T/vex.v3"
STATE=$(dst_state)
sed -i 's/CVE-2026-0001/CVE-2026-0009/' "$T/src/.krill/current/secdb.json"
sync
refused mirror_tampered_secdb 'security feed secdb.json refused'
cp "$T/secdb.v3" "$T/src/.krill/current/secdb.json"
printf ' ' >>"$T/src/.krill/current/openvex.json"
sync
refused mirror_tampered_openvex 'security feed openvex.json refused'
cp "$T/vex.v3" "$T/src/.krill/current/openvex.json"
if sync && dst_ok && cmp -s "$T/dst/openvex.json" "$T/vex.v3"; then ok mirror_after_repair
else bad mirror_after_repair "$(cat "$T/out" "$T/vout")"; fi

# the client: update --feeds caches them, a tampered one is refused
R=$T/root
CACHE=$R/var/cache/krill/main/x86_64
if "$KRILL" update --root "$R" --repo "$URL" --keys "$T/keys" --feeds >"$T/out" 2>&1 &&
	cmp -s "$CACHE/secdb.json" "$T/secdb.v3" && cmp -s "$CACHE/openvex.json" "$T/vex.v3"
then ok client_update_feeds; else bad client_update_feeds "$(cat "$T/out")"; fi
if "$KRILL" update --root "$R" >"$T/out" 2>&1 && [ -e "$CACHE/secdb.json" ]; then ok client_update_plain
else bad client_update_plain "$(cat "$T/out")"; fi
# (a second apart: the server's Last-Modified has whole seconds, and the
# client asks for the timestamp with If-Modified-Since)
sleep 1
idx || bad reindex "$(cat "$T/out")"
"$KRILL" verify "$T/src" --keys "$T/keys" >/dev/null 2>&1 || bad reindex_verify "$(cat "$T/out")"
# (a cached copy with the signed hash is kept: remove it so it is fetched)
rm -f "$CACHE/secdb.json"
sed -i 's/CVE-2026-0001/CVE-2026-0009/' "$T/src/.krill/current/secdb.json"
if ! "$KRILL" update --root "$R" --feeds >"$T/out" 2>&1 &&
	grep -q 'secdb.json: security feed refused' "$T/out" && ! grep -q 'CVE-2026-0009' "$CACHE/secdb.json" 2>/dev/null
then ok client_tampered_secdb_refused; else bad client_tampered_secdb_refused "$(cat "$T/out")"; fi
sed -i 's/CVE-2026-0009/CVE-2026-0001/' "$T/src/.krill/current/secdb.json"
cp "$T/src/.krill/current/openvex.json" "$T/vex.v4"
sed -i 's/not_affected/affected/' "$T/src/.krill/current/openvex.json"
if ! "$KRILL" update --root "$R" --feeds >"$T/out" 2>&1 &&
	grep -q 'openvex.json: security feed refused' "$T/out"
then ok client_tampered_openvex_refused; else bad client_tampered_openvex_refused "$(cat "$T/out")"; fi
cp "$T/vex.v4" "$T/src/.krill/current/openvex.json"
if "$KRILL" update --root "$R" --feeds >"$T/out" 2>&1 && cmp -s "$CACHE/openvex.json" "$T/vex.v4"
then ok client_after_repair; else bad client_after_repair "$(cat "$T/out")"; fi
if "$KRILL" update --root "$R" --feeds --no-cache >"$T/out" 2>&1; then
	bad client_feeds_no_cache_usage "accepted"; else ok client_feeds_no_cache_usage; fi
unserve
exit $FAILED
