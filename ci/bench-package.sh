#!/bin/sh
# Packaging benchmarks (issue 3): time to package ~100 MB of generated
# files, and package sizes per zstd level against gzip -9 on the same tar
# streams, for the synthetic tree and real host trees. Figures go in
# tools/doc/benchmarks.md. Usage: ci/bench-package.sh [LEVELS...]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
LEVELS=${*:-3 9 12 15 19}
# TREES="trivial synthetic perl doc" (default) picks the trees to measure.
make -C "$TOP" -s tools >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 $(for d in "$TOP"/tools/lib/*/; do printf -- "-I%s " "$d"; done) -o "$W/bench" "$TOP/ci/bench-package.c" \
	"$TOP/build/host/lib/libkrill.a" \
	$(pkg-config --libs yaml-0.1 openssl libzstd liblzma libarchive libcurl jansson libelf)
printf 'name: bench\nversion: 1\nrelease: 1\nsummary: benchmark tree\nlicense: MIT\nbuild:\n  style: make\n' \
	>"$W/port.yaml"

# tree NAME: the install root to measure
"$W/bench" gen "$W/synthetic"
mkdir -p "$W/trivial/usr/bin"
printf '#!/bin/sh\necho hello\n' >"$W/trivial/usr/bin/hello"
mkdir -p "$W/perl/usr/lib" "$W/doc/usr/share"
cp -a /usr/lib/x86_64-linux-gnu/perl "$W/perl/usr/lib/" 2>/dev/null || true
cp -a /usr/share/doc "$W/doc/usr/share/" 2>/dev/null || true
# Debian's doc tree has symlinked folders into other packages' docs: keep
# only what the split accepts (no dangling concerns: symlinks are stored).

gzip_size() { # sum of gzip -9 over the tar streams of the packages in $1
	total=0
	for p in "$1"/*.pkg.tar.zst; do
		s=$(zstd -dc "$p" | gzip -9 -n | wc -c)
		total=$((total + s))
	done
	echo "$total"
}

echo "| tree | input MB | level | wall s | CPU s | package bytes | ratio vs gzip -9 |"
echo "|---|---|---|---|---|---|---|"
for tree in ${TREES:-trivial synthetic perl doc}; do
	[ -d "$W/$tree/usr" ] || continue
	mb=$(du -sm --apparent-size "$W/$tree" | cut -f1)
	g=
	for l in $LEVELS; do
		rm -rf "$W/out"
		sync
		set -- $("$W/bench" pack "$W/port.yaml" "$W/$tree" "$W/out" "$l")
		[ -n "$g" ] || g=$(gzip_size "$W/out")
		ratio=$(awk "BEGIN { printf \"%.3f\", $3 / $g }")
		echo "| $tree | $mb | zstd -$l | $1 | $2 | $3 | $ratio |"
	done
	echo "| $tree | $mb | gzip -9 | - | - | $g | 1.000 |"
done
