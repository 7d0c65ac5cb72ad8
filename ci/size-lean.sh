#!/bin/sh
# The lean krill's size against issue 11's budget (krill plus what only it
# pulls into an image: <= 2.0 MB installed, <= 0.9 MB zstd-compressed) and
# what each static part costs. Figures go in ports/README.md.
# Usage: ci/size-lean.sh [ARCH]   (default host; builds `make krill ARCH=A`)
# Per part: the binary is linked again from the same objects and archives
# with -Wl,-Map (host compiler: ARCH=host only) and ci/lean-mapsize.py
# sums the map; the relinked binary must be byte-identical to the port's.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
ARCH=${1:-host}
R=${CACHE_DIR:-$HOME/.cache/krill}/results
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
make -C "$TOP" -s krill ARCH="$ARCH" >/dev/null
mkdir -p "$W/root"
for p in krill mbedtls-static libsodium-static curl-static libarchive-static jansson-static zstd-static \
	libsolv-static; do
	key=$(sed -n "s/^KR_KEY_$p := //p" "$TOP/build/$ARCH/graph.mk")
	tar --zstd -xf "$(ls "$R/$key/$p"-[0-9]*.pkg.tar.zst | head -1)" -C "$W/root"
	[ "$p" = krill ] && pkg=$(ls "$R/$key/krill"-[0-9]*.pkg.tar.zst | head -1)
done
k=$W/root/usr/bin/krill
echo "ARCH=$ARCH: readelf -d NEEDED: $(readelf -d "$k" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "installed (usr/bin/krill):  $(stat -c %s "$k") bytes"
echo "package (.pkg.tar.zst):     $(stat -c %s "$pkg") bytes"
echo "zstd -19 of the binary:     $(zstd -q -19 -c "$k" | wc -c) bytes"
[ "$ARCH" = host ] || exit 0
s=$W/root/usr/lib/krill-static
make -s -f "$TOP/mk/lean.mk" LEAN_OUT="$W/lean" LEAN_STATIC="$s" LEAN_ZSTD_A="$s/lib/libzstd.a" \
	CFLAGS="-ffile-prefix-map=/build/src=/usr/src/krill" LDFLAGS="-Wl,-Map,$W/map" >/dev/null
if cmp -s "$W/lean/krill" "$k"; then echo "relinked with a map: identical"; else echo "relinked with a map: DIFFERS (figures approximate)"; fi
echo "bytes kept per part (text, rodata, data; not bss):"
python3 "$TOP/ci/lean-mapsize.py" "$W/map" "$W/lean/krill"
