#!/bin/sh
# krill outdated offline, against a fixture Debian archive: the committed
# Sources index outdated/Sources, signed here with a throw-away key and
# served from file://, so apt-get update, the Sources parser, the probes
# (stat for file://), apt-helper's download and the recipe edit all run for
# real. Covers: a newer version served (alpha, epsilon), the same version
# (beta), a pinned file listed nowhere (gamma: a warning), listed but not
# served (alpha 1.2, gamma 1.0), a pre-release left out unless --pre
# (delta), --write's exact diff (outdated/write.diff), a served file whose
# bytes differ from the index (refused, recipe untouched) and a malformed
# Sources paragraph (a located error).
. "$(dirname "$0")/lib.sh"
F="$TOP/tools/tests/integration/outdated"
unset KRILL_MIRRORS KRILL_DISTFILES KRILL_NO_DEBIAN
if ! command -v gpg >/dev/null; then
	fail outdated_prereq "gpg is missing (mk/host-packages.txt lists it)"
	exit 1
fi

A="$T/archive/debian"
export GNUPGHOME="$T/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key tests@krill.invalid ed25519 sign never 2>/dev/null
gpg --export >"$T/key.gpg"

# publish SOURCES: the suite sid of the fixture archive, signed
publish() {
	d="$A/dists/sid"
	mkdir -p "$d/main/source"
	cp "$1" "$d/main/source/Sources"
	xz -f -k "$d/main/source/Sources"
	{
		printf 'Suite: sid\nCodename: sid\nDate: %s\nComponents: main\nSHA256:\n' "$(date -u -R)"
		for f in main/source/Sources main/source/Sources.xz; do
			printf ' %s %s %s\n' "$(sha256sum "$d/$f" | cut -d' ' -f1)" "$(wc -c <"$d/$f")" "$f"
		done
	} >"$d/Release"
	rm -f "$d/InRelease"
	gpg --batch --clearsign -o "$d/InRelease" "$d/Release" 2>/dev/null
}
# pool NAME VERSION FILE: the pool file whose bytes are "NAME VERSION\n"
pool() {
	mkdir -p "$A/pool/main/$(printf %.1s "$1")/$1"
	printf '%s %s\n' "$1" "$2" >"$A/pool/main/$(printf %.1s "$1")/$1/$3"
}
publish "$F/Sources"
pool alpha 1.0 alpha_1.0.orig.tar.gz
pool alpha 1.1 alpha_1.1.orig.tar.gz
pool beta 2.0 beta_2.0.orig.tar.gz
pool delta 3.0 delta_3.0.orig.tar.gz
pool delta '3.1~rc1' 'delta_3.1~rc1.orig.tar.gz'
pool epsilon 2.5 epsilon_2.5+dfsg.orig.tar.xz
pool epsilon 2.6 epsilon_2.6+dfsg.orig.tar.xz
# not in the pool: alpha 1.2, gamma 1.0 (listed), gamma 0.9 (the pin)
mkdir -p "$T/etc"
printf 'deb [signed-by=%s] file://%s sid main\n' "$T/key.gpg" "$A" >"$T/etc/sources.list"
export KRILL_APT_ETC="$T/etc"
cp -r "$F/ports" "$T/ports"

"$KRILL" outdated --cache "$T/c" --ports "$T/ports" >"$T/out" 2>"$T/err"
rc=$?
row() { grep -E "^$1 " "$T/out" | tr -s ' '; }
WHY="rc=$rc $(cat "$T/out" "$T/err")"
check outdated_runs '[ $rc -eq 0 ] && [ "$(head -1 "$T/out" | tr -s " ")" = "PORT VERSION DEBIAN PACKAGE NEWEST LISTED NEWEST SERVED PINNED STATUS" ]'
WHY="$(row alpha)"
check outdated_newer_served '[ "$(row alpha)" = "alpha 1.0 alpha 1.2 1.1 served newer" ]'
WHY="$(row epsilon)"
check outdated_epoch_dfsg_stripped '[ "$(row epsilon)" = "epsilon 2.5 epsilon 2.6 2.6 served newer" ]'
WHY="$(row beta)"
check outdated_same_version '[ "$(row beta)" = "beta 2.0 beta 2.0 = served current" ]'
WHY="$(row gamma) / $(cat "$T/err")"
check outdated_pin_delisted '[ "$(row gamma)" = "gamma 0.9 gamma 1.0 - DELISTED newer not served" ] &&
	grep -q "^krill outdated: WARNING: $T/ports/gamma/port.yaml:9:10: the pinned gamma_0.9.orig.tar.gz (sha256 [0-9a-f]*…) is listed in no Debian suite read: a fresh machine cannot fetch it" "$T/err" &&
	[ "$(grep -c "^krill outdated: WARNING:" "$T/err")" -eq 1 ]'
WHY="$(cat "$T/out")"
check outdated_listed_not_served 'grep -q "^  alpha  *1.2  *alpha_1.2.orig.tar.gz \[sid\]: no such file$" "$T/out" &&
	grep -q "^  gamma  *1.0  *gamma_1.0.orig.tar.gz \[sid\]: no such file$" "$T/out" &&
	[ "$(grep -c "no such file" "$T/out")" -eq 2 ]'
WHY="$(row delta) $(row tree)"
check outdated_pre_left_out '[ "$(row delta)" = "delta 3.0 delta 3.0 = served current" ] &&
	[ "$(row tree)" = "tree 1 - - - - no source" ]'
"$KRILL" outdated --cache "$T/c" --ports "$T/ports" --pre delta >"$T/out" 2>"$T/err"
WHY="$(cat "$T/out" "$T/err")"
check outdated_pre_option '[ "$(row delta)" = "delta 3.0 delta 3.1~rc1 3.1~rc1 served newer" ] && [ "$(grep -c "^[a-z]" "$T/out")" -eq 1 ]'

# the same in JSON
"$KRILL" outdated --cache "$T/c" --ports "$T/ports" --json >"$T/json" 2>"$T/err"
WHY="$(cat "$T/json" "$T/err")"
check outdated_json 'python3 - "$T/json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["ports"]}
a = p["alpha"]
assert a["status"] == "newer" and a["debian_package"] == "alpha" and a["found_by"] == "sha256", a
assert a["newest_listed"]["version"] == "1.2" and a["newest_served"]["version"] == "1.1", a
assert a["newest_served"]["served"] is True and a["newest_served"]["sha256"] == "ce5a5d437bd21c20d8b1e71b991e6ae5dd836dae409d79c1044460286ac9ea2d", a
assert [x["version"] for x in a["asked"]] == ["1.2", "1.1"] and a["asked"][0]["served"] is False, a
assert a["listed_versions"] == ["1.2", "1.1", "1.0"], a
assert a["pin"]["listed"] is True and a["pin"]["served"] is True and a["pin"]["debian_version"] == "1.0-1", a
e = p["epsilon"]
assert e["newest_served"]["debian_version"] == "1:2.6+dfsg-1" and e["newest_served"]["file"] == "epsilon_2.6+dfsg.orig.tar.xz", e
g = p["gamma"]
assert g["pin"]["listed"] is False and g["status"] == "newer not served" and g["found_by"] == "url", g
assert p["beta"]["status"] == "current" and p["tree"]["status"] == "no source" and p["delta"]["status"] == "current"
assert all(not x["written"] for x in d["ports"])
assert d["indices"] == ["sid file://$A"], d["indices"]
PY'

# --write, when the archive serves other bytes than its index lists (same
# size): refused by sha256, nothing written, nothing cached
cp -r "$F/ports" "$T/w1"
good="$A/pool/main/a/alpha/alpha_1.1.orig.tar.gz"
cp "$good" "$T/good"
printf 'alpha 1.X\n' >"$good"
"$KRILL" outdated --cache "$T/c" --ports "$T/w1" --write alpha >"$T/out" 2>"$T/err"
rc=$?
WHY="rc=$rc $(cat "$T/err")"
check outdated_write_refuses_bad_bytes '[ $rc -eq 1 ] && grep -q "alpha_1.1.orig.tar.gz (sha256 ce5a5d437bd2.*): not found" "$T/err" &&
	cmp -s "$T/w1/alpha/port.yaml" "$F/ports/alpha/port.yaml" &&
	[ ! -e "$T/c/distfiles/ce5a5d437bd21c20d8b1e71b991e6ae5dd836dae409d79c1044460286ac9ea2d" ]'
cp "$T/good" "$good"

# --write: the exact diff, the files in the cache, and the result lints
cp -r "$F/ports" "$T/w"
"$KRILL" outdated --cache "$T/c" --ports "$T/w" --write >"$T/out" 2>"$T/err"
rc=$?
for p in alpha beta delta epsilon gamma tree; do
	diff -u --label "a/$p/port.yaml" --label "b/$p/port.yaml" "$F/ports/$p/port.yaml" "$T/w/$p/port.yaml"
done >"$T/got.diff"
WHY="rc=$rc $(cat "$T/err"; diff "$F/write.diff" "$T/got.diff")"
check outdated_write_diff '[ $rc -eq 0 ] && cmp -s "$F/write.diff" "$T/got.diff" &&
	grep -q "^krill outdated: wrote $T/w/alpha/port.yaml: 1.0 -> 1.1 (alpha_1.1.orig.tar.gz)$" "$T/err"'
WHY="$(ls -l "$T/c/distfiles")"
check outdated_write_cached '[ "$(sha256sum <"$T/c/distfiles/ce5a5d437bd21c20d8b1e71b991e6ae5dd836dae409d79c1044460286ac9ea2d")" = "ce5a5d437bd21c20d8b1e71b991e6ae5dd836dae409d79c1044460286ac9ea2d  -" ] &&
	[ "$(cat "$T/c/distfiles/81b966d8b599e55fb16f3d51cb40d275ba658d27226f344316c027d5f37a9113")" = "epsilon 2.6" ]'
out=$("$KRILL" lint --ports "$T/w" 2>&1)
WHY="$out"
check outdated_write_lints '[ $? -eq 0 ]'
"$KRILL" outdated --cache "$T/c" --ports "$T/w" >"$T/out" 2>"$T/err"
WHY="$(cat "$T/out")"
check outdated_after_write '[ "$(row alpha)" = "alpha 1.1 alpha 1.2 - served newer not served" ] &&
	[ "$(row epsilon)" = "epsilon 2.6 epsilon 2.6 = served current" ]'

# a malformed paragraph: one located error, exit 1
sed 's|^Directory: pool/main/b/beta$|Directory: pool/main/../../../etc|' "$F/Sources" >"$T/bad"
publish "$T/bad"
"$KRILL" outdated --cache "$T/c" --ports "$T/ports" --update-debian-index >"$T/out" 2>"$T/err"
rc=$?
WHY="rc=$rc $(cat "$T/err")"
check outdated_malformed_located '[ $rc -eq 1 ] &&
	grep -q "^krill outdated: $T/c/apt/state/lists/[^ ]*_dists_sid_main_source_Sources[^ ]*:37: bad Directory .pool/main/../../../etc., expected a relative path without" "$T/err"'

# The same archive over HTTP: the probe's HEAD, its ranged-GET fallback
# where HEAD is refused, and a length that differs from the index.
publish "$F/Sources"
# serve MODE: the server on a free port; sets SERVER_PID, URL
serve() {
	_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 "$F/server.py" "$_port" "$T/archive" "$1" 2>"$T/http-$1.log" &
	SERVER_PID=$!
	URL="http://127.0.0.1:$_port"
	_i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $_port), 1)" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && break
		sleep 0.05
	done
}
trap 'kill "${SERVER_PID:-}" 2>/dev/null; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
for mode in normal nohead liar; do
	serve "$mode"
	mkdir -p "$T/etc-$mode"
	printf 'deb [signed-by=%s] %s/debian sid main\n' "$T/key.gpg" "$URL" >"$T/etc-$mode/sources.list"
	KRILL_APT_ETC="$T/etc-$mode" "$KRILL" outdated --cache "$T/c-$mode" --ports "$T/ports" alpha beta >"$T/out" 2>"$T/err"
	rc=$?
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	L="$T/http-$mode.log"
	WHY="rc=$rc $(cat "$T/out" "$T/err" "$L")"
	case $mode in
	normal)
		check outdated_http_head '[ $rc -eq 0 ] && [ "$(row alpha)" = "alpha 1.0 alpha 1.2 1.1 served newer" ] &&
			[ "$(row beta)" = "beta 2.0 beta 2.0 = served current" ] &&
			grep -q "^HEAD /debian/pool/main/a/alpha/alpha_1.1.orig.tar.gz -$" "$L" &&
			grep -q "^HEAD /debian/pool/main/a/alpha/alpha_1.2.orig.tar.gz -$" "$L" &&
			grep -q "^  alpha  *1.2  *alpha_1.2.orig.tar.gz \[sid\]: HTTP 404$" "$T/out" &&
			! grep -q "^GET /debian/pool/" "$L"' ;;
	nohead)
		check outdated_http_no_head_ranged_get '[ $rc -eq 0 ] && [ "$(row alpha)" = "alpha 1.0 alpha 1.2 1.1 served newer" ] &&
			grep -q "^GET /debian/pool/main/a/alpha/alpha_1.1.orig.tar.gz bytes=0-0$" "$L" &&
			[ "$(grep -c "^GET /debian/pool/.* -$" "$L")" -eq 0 ]' ;;
	liar)
		check outdated_http_length_mismatch '[ $rc -eq 0 ] && [ "$(row alpha)" = "alpha 1.0 alpha 1.2 - NOT SERVED newer not served" ] &&
			grep -q "^  alpha  *1.1  *alpha_1.1.orig.tar.gz \[sid\]: 11 bytes served, the index lists 10$" "$T/out" &&
			grep -q "^krill outdated: WARNING: $T/ports/alpha/port.yaml:9:10: the pinned alpha_1.0.orig.tar.gz is listed but served at no place (11 bytes served, the index lists 10)" "$T/err"' ;;
	esac
done
