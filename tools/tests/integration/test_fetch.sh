#!/bin/sh
# krill fetch end to end, offline: distfiles, file:// mirrors, upstream,
# --all over a ports tree, `make source`, a hash mismatch and a missing
# source (clean cache, clear message), and parallel fetchers of one file.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Never the network here: no Debian step, and an apt configuration without archives.
export KRILL_NO_DEBIAN=1 KRILL_APT_ETC="$T/no-apt"
unset KRILL_MIRRORS KRILL_DISTFILES KRILL_CACHE_DIR

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
leftovers() { find "$1" -name '.tmp-*' | grep -q . && echo yes || echo no; }

mkdir -p "$T/up" "$T/dist" "$T/mirror"
printf 'alpha source\n' >"$T/up/alpha-1.2.tar.gz"
printf 'beta source\n' >"$T/mirror/beta-0.1.tar.xz"
printf 'gamma source\n' >"$T/dist/gamma.tar.gz"
HA=$(sha "$T/up/alpha-1.2.tar.gz")
HB=$(sha "$T/mirror/beta-0.1.tar.xz")
HG=$(sha "$T/dist/gamma.tar.gz")

port() { # NAME VERSION URL SHA256
	mkdir -p "$T/ports/$1"
	cat >"$T/ports/$1/port.yaml" <<EOF
name: $1
version: $2
release: 1
summary: a test port
license: MIT
homepage: https://example.org/$1
sources:
  - url: $3
    sha256: $4
build:
  style: make
test: |
  true
EOF
}
port alpha 1.2 'file://'"$T"'/up/alpha-${version}.tar.gz' "$HA"
port beta 0.1 'https://upstream.invalid/beta-${version}.tar.xz' "$HB"

# -- one file by hash, for scripts
out=$("$KRILL" fetch --cache "$T/c1" --distfiles "$T/dist" --sha256 "$HG" --name gamma.tar.gz 2>&1)
if [ $? -eq 0 ] && [ "$out" = "gamma.tar.gz 13 distfiles $T/dist/gamma.tar.gz" ] &&
	[ "$(sha "$T/c1/distfiles/$HG")" = "$HG" ]; then
	pass fetch_by_hash
else
	fail fetch_by_hash "$out"
fi

# -- every port of a tree: upstream file:// and a mirror; then all from the cache
out=$("$KRILL" fetch --cache "$T/c2" --mirror "file://$T/mirror" --all "$T/ports" 2>&1)
rc=$?
again=$("$KRILL" fetch --cache "$T/c2" --all "$T/ports" 2>&1)
if [ $rc -eq 0 ] && echo "$out" | grep -qx "alpha-1.2.tar.gz 13 upstream file://$T/up/alpha-1.2.tar.gz" &&
	echo "$out" | grep -qx "beta-0.1.tar.xz 12 mirror file://$T/mirror/beta-0.1.tar.xz" &&
	[ "$(echo "$again" | grep -c ' cache ')" = 2 ] && [ -f "$T/c2/distfiles/$HB" ]; then
	pass fetch_all_ports
else
	fail fetch_all_ports "$out / $again"
fi

# -- one port dir, mirror from the environment, found by hash there
mkdir -p "$T/byhash" && cp "$T/mirror/beta-0.1.tar.xz" "$T/byhash/$HB"
out=$(KRILL_MIRRORS="file://$T/nothing file://$T/byhash" "$KRILL" fetch --cache "$T/c3" "$T/ports/beta" 2>&1)
if [ $? -eq 0 ] && [ "$out" = "beta-0.1.tar.xz 12 mirror file://$T/byhash/$HB" ]; then
	pass fetch_mirror_env_by_hash
else
	fail fetch_mirror_env_by_hash "$out"
fi

# -- make source, as mk/ports.mk runs it
out=$(KRILL_MIRRORS="file://$T/mirror" make -s -C "$TOP" source KRILL="$KRILL" \
	PORTS_DIR="$T/ports" CACHE_DIR="$T/c4" 2>&1)
if [ $? -eq 0 ] && [ -f "$T/c4/distfiles/$HA" ] && [ -f "$T/c4/distfiles/$HB" ]; then
	pass make_source
else
	fail make_source "$out"
fi

# -- a tampered file: refused, both hashes and the URL named, cache clean
printf 'tampered\n' >"$T/up/alpha-1.2.tar.gz"
BAD=$(sha "$T/up/alpha-1.2.tar.gz")
out=$("$KRILL" fetch --cache "$T/c5" "$T/ports/alpha" 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "expected $HA, got $BAD" &&
	echo "$out" | grep -q "file://$T/up/alpha-1.2.tar.gz" &&
	[ -z "$(ls -A "$T/c5/distfiles")" ]; then
	pass fetch_mismatch_refused
else
	fail fetch_mismatch_refused "rc $rc: $out"
fi

# -- a missing source: where it looked, with the recipe's place
out=$("$KRILL" fetch --cache "$T/c6" --distfiles "$T/dist" "$T/ports/beta" 2>&1)
rc=$?
if [ $rc -eq 1 ] &&
	echo "$out" | grep -q "$T/ports/beta/port.yaml:8:[0-9]*: beta-0.1.tar.xz (sha256 $HB): not found; looked in:" &&
	echo "$out" | grep -q "$T/dist/beta-0.1.tar.xz: no such file" &&
	echo "$out" | grep -q "https://upstream.invalid/beta-0.1.tar.xz" &&
	echo "$out" | grep -q "Debian source archive: disabled" && [ -z "$(ls -A "$T/c6/distfiles")" ]; then
	pass fetch_missing_source
else
	fail fetch_missing_source "rc $rc: $out"
fi

# -- parallel fetchers of one file never corrupt the cache
head -c 3000000 /dev/urandom >"$T/mirror/big.tar"
HBIG=$(sha "$T/mirror/big.tar")
for i in 1 2 3 4 5 6; do
	"$KRILL" fetch --cache "$T/c7" --mirror "file://$T/mirror" --sha256 "$HBIG" --name big.tar \
		>"$T/par.$i" 2>&1 &
done
wait
bad=0
for i in 1 2 3 4 5 6; do grep -q "^big.tar 3000000 " "$T/par.$i" || bad=1; done
if [ $bad = 0 ] && [ "$(sha "$T/c7/distfiles/$HBIG")" = "$HBIG" ] &&
	[ "$(leftovers "$T/c7")" = no ] && [ "$(ls "$T/c7/distfiles" | wc -l)" = 1 ]; then
	pass fetch_parallel_same_file
else
	fail fetch_parallel_same_file "$(cat "$T"/par.*)"
fi

# -- usage errors
"$KRILL" fetch --sha256 "$HA" >/dev/null 2>&1
rc1=$?
"$KRILL" fetch --bogus >/dev/null 2>&1
rc2=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ]; then pass fetch_usage; else fail fetch_usage "rc $rc1 $rc2"; fi
