#!/bin/sh
# krill outdated against the real Debian indices: needs the network to the
# host's apt archive, so it only runs with KRILL_NET_TESTS=1 (else it prints
# a SKIP line, which counts neither as a pass nor as a failure).
# A fresh private apt state (every suite krill reads), then curl, zlib,
# bubblewrap and linux-headers of this tree: every answer the probe gave is
# checked with an independent request (curl(1), HEAD), and --write on a copy
# of a port with a served newer version must leave a recipe whose sha256 is
# that of the file now in the cache.
set -u
: "${KRILL:?}" "${TOP:?}"
if [ "${KRILL_NET_TESTS:-}" != 1 ]; then
	echo "SKIP outdated_net: needs the Debian archive; run with KRILL_NET_TESTS=1"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset KRILL_MIRRORS KRILL_DISTFILES KRILL_NO_DEBIAN KRILL_APT_ETC
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

mkdir "$T/ports"
for p in curl zlib bubblewrap; do cp -r "$TOP/ports/$p" "$T/ports/"; done
cp -r "$TOP/bootstrap/linux-headers" "$T/ports/"
"$KRILL" outdated --cache "$T/c" --ports "$T/ports" --json >"$T/json" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && python3 - "$T/json" >"$T/urls" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["ports"]) == 4, d["ports"]
for p in d["ports"]:
    assert p["status"] in ("current", "ahead", "newer", "newer not served"), p
    assert p["debian_package"], p
    assert p["pin"]["listed"] is True, p
    s = p["newest_served"]
    if p["status"] == "newer":
        assert s and s["served"] is True, p
    # every answer, for an independent check: "served|not URL"
    for a in p["asked"] + [p["pin"]]:
        if a.get("served") is True:
            print("served", a["served_from"])
        elif a.get("served") is False:
            for u in a["urls"]:
                print("not", u)
PY
then
	pass outdated_net_json
else
	fail outdated_net_json "rc=$rc $(head -c 2000 "$T/json") $(cat "$T/err")"
fi

# curl(1) HEAD of each URL must agree with the probe
bad=
n=0
while read -r what url; do
	code=$(curl -s -o /dev/null -I -w '%{http_code}' "$url")
	n=$((n + 1))
	case "$what:$code" in
	served:200 | not:404 | not:410) ;;
	*) bad="$bad $what:$code:$url" ;;
	esac
done <"$T/urls"
if [ -z "$bad" ] && [ "$n" -gt 0 ]; then
	pass outdated_net_probe_agrees
else
	fail outdated_net_probe_agrees "$n answers; disagreeing:$bad"
fi

# --write on the first port with a served newer version
port=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next((p["name"] for p in d["ports"] if p["status"]=="newer"), ""))' "$T/json")
if [ -z "$port" ]; then
	fail outdated_net_write "no port of curl, zlib, bubblewrap, linux-headers has a served newer version today; pick another"
else
	"$KRILL" outdated --cache "$T/c" --ports "$T/ports" --write "$port" >"$T/out" 2>"$T/err"
	rc=$?
	sha=$(sed -n 's/^ *sha256: *//p' "$T/ports/$port/port.yaml" | head -1)
	if [ $rc -eq 0 ] && grep -q "^krill outdated: wrote .*/$port/port.yaml: " "$T/err" &&
		[ -f "$T/c/distfiles/$sha" ] &&
		[ "$(sha256sum <"$T/c/distfiles/$sha" | cut -d' ' -f1)" = "$sha" ] &&
		grep -q '^release: 1$' "$T/ports/$port/port.yaml" &&
		[ "$(diff -u "$( [ "$port" = linux-headers ] && echo "$TOP/bootstrap" || echo "$TOP/ports")/$port/port.yaml" "$T/ports/$port/port.yaml" | grep -c '^[-+][^-+]')" -le 8 ]; then
		pass outdated_net_write
	else
		fail outdated_net_write "$port rc=$rc $(cat "$T/err")"
	fi
fi
