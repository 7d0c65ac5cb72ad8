#!/bin/sh
# Fetch benchmarks (issue 3): refreshing the Debian lookup index, a lookup
# in it against a scan of the Sources lists, and unpacking a large wrapped
# tarball. Needs the network to the host's apt archive (for the index).
# Figures go in tools/doc/benchmarks.md.
# Usage: ci/bench-fetch.sh [CACHE_DIR]   (default: a temp cache, removed after)
# A gcc-15 .orig in CACHE_DIR/distfiles (or KRILL_DISTFILES) is unpacked if present.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
make -C "$TOP" -s tools >/dev/null
KRILL=$TOP/build/host/bin/krill
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
C=${1:-$W/cache}
cc -std=c11 -D_GNU_SOURCE -O2 $(for d in "$TOP"/tools/lib/*/; do printf -- "-I%s " "$d"; done) -o "$W/bench" "$TOP/ci/bench-fetch.c" \
	"$TOP/build/host/lib/libkrill.a" \
	$(pkg-config --libs yaml-0.1 openssl libzstd liblzma libarchive libcurl jansson libelf)

t() { /usr/bin/time -f '%e s wall, %U s user' "$@"; }

echo "== refresh the Debian index (apt-get update in CACHE/apt + index build)"
t "$KRILL" fetch --cache "$C" --update-debian-index
echo "index: $(wc -l <"$C/apt/sha256.index") files, $(du -h "$C/apt/sha256.index" | cut -f1)"

echo "== 100000 lookups in the index (one process)"
"$W/bench" lookup "$C/apt/sha256.index" 100000

H=fa240dbf262be053f3898006d502d514936c818e422afdcf33921c63bed9bf2e
echo "== one lookup as a whole krill run (index hit, Debian download, libyaml)"
t "$KRILL" fetch --cache "$C" --sha256 $H --name libyaml_0.2.5.orig.tar.gz
echo "== the same hash found by scanning every Sources list instead (apt-helper cat-file | grep)"
t sh -c "/usr/lib/apt/apt-helper cat-file $C/apt/state/lists/*_source_Sources* | grep -c $H"

GCC=183c7e2323a166ea7838159b75cd1ea6ec3901150c74b2451967b39bc759bf9b
for d in "$C/distfiles" "${KRILL_DISTFILES:-/nonexistent}"; do
	if [ -f "$d/$GCC" ]; then
		echo "== unpack gcc-15_15.3.0.orig.tar.gz's inner gcc-15.3.0-dfsg.tar.xz"
		"$W/bench" extract "$d/$GCC" "$W/gcc" 'gcc-*-dfsg.tar.xz'
		echo "tree: $(du -sh "$W/gcc" | cut -f1), $(find "$W/gcc" | wc -l) entries"
		break
	fi
done
