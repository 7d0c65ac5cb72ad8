#!/bin/sh
# ci/bench-toolstore.sh [KRILL...] - what a cross port's toolchain costs
# around its build: `krill build` of a trivial port (one file written)
# for aarch64 with a toolchain the size of the real one passed by --with,
# as the graph passes binutils/gcc/glibc-dev/...: a fake gcc package
# holding the host's /usr/lib/gcc/TRIPLET/12 (240 MB, 2,672 files) under
# toolchain/, and a fake C runtime -dev package holding the host's
# /usr/include/{linux,asm-generic,TRIPLET} under usr/include. Per krill
# binary given (default: this tree's), RUNS builds (default 5) in a fresh
# cache; prints the log's `>>> phases:` line of each. The first build
# with the toolchain store makes its entry; the others reuse it.
# TMPDIR picks the file system of the work dirs and caches.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
[ $# -gt 0 ] || set -- "$top/build/host/bin/krill"
w=$(mktemp -d "${TMPDIR:-/tmp}/bench-toolstore.XXXXXX")
trap 'rm -rf "$w"' EXIT
trip=$(cc -dumpmachine)
export SOURCE_DATE_EPOCH=1700000000 KRILL_HEARTBEAT=0
custom() { # NAME SCRIPT
	mkdir -p "$w/ports/$1"
	{
		printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: bench %s\nlicense: MIT\n' "$1" "$1"
		printf 'build:\n  style: custom\n  script: |\n'
		printf '%s\n' "$2" | sed 's/^/    /'
	} >"$w/ports/$1/port.yaml"
}
custom faketc "mkdir -p \"\$DESTDIR/toolchain/bin\" \"\$DESTDIR/toolchain/lib/gcc\"
cp -a /usr/lib/gcc/$trip/12 \"\$DESTDIR/toolchain/lib/gcc/\"
printf '#!/bin/sh\nexec cc \"\$@\"\n' >\"\$DESTDIR/toolchain/bin/aarch64-krill-linux-gnu-gcc\"
chmod 755 \"\$DESTDIR/toolchain/bin/aarch64-krill-linux-gnu-gcc\""
custom fakert "mkdir -p \"\$DESTDIR/usr/include\"
cp -a /usr/include/linux /usr/include/asm-generic /usr/include/$trip \"\$DESTDIR/usr/include/\""
custom small 'mkdir -p "$DESTDIR/usr/share/small" && echo hi >"$DESTDIR/usr/share/small/file"'
key() { printf '%064d' "$1"; }
K0=$1
for p in faketc:1 fakert:2; do
	n=${p%%:*}
	"$K0" build --arch aarch64 --key "$(key "${p#*:}")" --out "$w/res/$(key "${p#*:}")" \
		--cache "$w/c0" --work "$w/work/$n" --log "$w/logs/$n.log" "$w/ports/$n" >/dev/null ||
		{ tail -n 20 "$w/logs/$n.log"; exit 1; }
done
du -sh "$w/res/$(key 1)" "$w/res/$(key 2)" | sed 's/^/packages: /'
for k in "$@"; do
	echo "== $k"
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		sync
		"$k" build --arch aarch64 --key "$(key $((10 + i)))" --out "$w/res/$(key $((10 + i)))" \
			--cache "$w/cache-$i-$(echo "$k" | cksum | cut -c1-8)" --work "$w/work/small" --log "$w/logs/small.log" \
			--with faketc --with fakert-dev --dep "$w/res/$(key 1)" --dep "$w/res/$(key 2)" \
			"$w/ports/small" >/dev/null || { tail -n 20 "$w/logs/small.log"; exit 1; }
		echo "run $i: $(grep '^>>> phases:' "$w/logs/small.log")"
		rm -rf "$w/res/$(key $((10 + i)))"
		# the same cache for the store's runs after the first
		if [ $i = 1 ]; then
			first=$w/cache-$i-$(echo "$k" | cksum | cut -c1-8)
			for j in $(seq 2 "$runs"); do ln -sfn "$first" "$w/cache-$j-$(echo "$k" | cksum | cut -c1-8)"; done
		fi
	done
done
