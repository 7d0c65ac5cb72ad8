#!/bin/sh
# test_ccache.sh - CCACHE=1 (tools/doc/sandbox.md, "ccache"): a port built
# without ccache, with a cold cache and with a warm one gives the same
# bytes; the warm build hits the cache (so ccache really is in front of the
# compiler); the cache dir is in no result; `make repro CCACHE=1 VARY=-all`
# (cold build 1 against warm build 2) finds every package identical.
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000 KRILL_HEARTBEAT=0
command -v ccache >/dev/null || { fail ccache_installed "no ccache on the host (mk/host-packages.txt)"; exit 1; }
P=$T/ports
mkdir -p "$P/cc1/files" "$T/res"
# two objects with debug info, __FILE__ and a shared library: what ccache
# must reproduce exactly
cat >"$P/cc1/files/a.c" <<'EOF'
#include <stdio.h>
int lib_f(int);
int main(void) { printf("%s %d\n", __FILE__, lib_f(41)); return 0; }
EOF
cat >"$P/cc1/files/lib.c" <<'EOF'
static const char where[] = __FILE__;
int lib_f(int x) { return x + (int)sizeof where / (int)sizeof where; }
EOF
cat >"$P/cc1/port.yaml" <<'EOF'
name: cc1
version: 1.0
release: 1
summary: a C port for the ccache test
license: MIT
build:
  style: custom
  script: |
    mkdir -p "$BUILDDIR/o" && cd "$BUILDDIR/o"
    cp "$FILESDIR/a.c" "$FILESDIR/lib.c" .
    $CC $CFLAGS -g -fPIC -c lib.c -o lib.o
    $CC -shared -Wl,-soname,libcc1.so.1 -o libcc1.so.1 lib.o
    $CC $CFLAGS -g -c a.c -o a.o
    $CC -o cc1 a.o libcc1.so.1
    install -D -m 755 cc1 "$DESTDIR/usr/bin/cc1"
    install -D -m 755 libcc1.so.1 "$DESTDIR/usr/lib/libcc1.so.1"
    install -D -m 644 a.o "$DESTDIR/usr/share/cc1/a.o"
EOF
K=$(printf '%064d' 7)
b() { # OUT [ARGS]
	o=$1
	shift
	"$KRILL" build --arch host --key "$K" --out "$T/res/$o" --cache "$T/cache" \
		--work "$T/work/cc1" --log "$T/logs/$o.log" "$@" "$P/cc1" >"$T/$o.out" 2>&1
}
b plain
b cold --ccache "$T/cc"
b warm --ccache "$T/cc"
WHY="$(tail -n 5 "$T/plain.out" "$T/cold.out" "$T/warm.out")"
check ccache_builds '[ -f "$T/res/plain/done" ] && [ -f "$T/res/cold/done" ] && [ -f "$T/res/warm/done" ]'
D=$(ls -d "$T"/cc/host-* 2>/dev/null)
ccstat() { CCACHE_DIR=$D ccache --print-stats | awk -v k="$1" '$1 == k { print $2 }'; }
hits=$(($(ccstat direct_cache_hit) + $(ccstat preprocessed_cache_hit)))
WHY="ccache dir '$D': $(CCACHE_DIR=$D ccache -s 2>&1 | head -8)"
check ccache_dir_per_arch_and_toolchain '[ -n "$D" ] && [ "$(echo "$D" | wc -w)" = 1 ]'
check ccache_warm_build_hits '[ "$hits" -ge 2 ]'
same=1
for f in "$T"/res/plain/*.pkg.tar.zst; do
	n=$(basename "$f")
	cmp -s "$f" "$T/res/cold/$n" && cmp -s "$f" "$T/res/warm/$n" || same=0
done
WHY="$(ls "$T"/res/*/)"
check ccache_plain_cold_warm_byte_identical '[ $same = 1 ] && ls "$T"/res/plain/*.pkg.tar.zst >/dev/null'
# the cache is in no result: no file of it, no mention of its path
WHY="$(grep -rl -e "$T/cc" -e krill-ccache "$T/res" 2>&1)"
check ccache_dir_not_in_results '! grep -rqa -e "$T/cc" -e krill-ccache "$T/res" &&
	! zstd -dc "$T"/res/warm/*.pkg.tar.zst | grep -qa -e "$T/cc" -e krill-ccache'

# make repro: build 1 with an empty ccache, build 2 with it warm
make -C "$TOP" repro ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/mcache" \
	ARCH_BUILD="$T/build" OUT="$T/out" CCACHE=1 VARY=-all >"$T/repro" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 15 "$T/repro")"
check ccache_repro_cold_vs_warm_identical '[ $rc = 0 ] && grep -q "^repro: CCACHE=1" "$T/repro" &&
	grep -q "^1 identical, 0 differ" "$T/repro"'
RD=$(ls -d "$T"/out/host/repro/ccache/host-* 2>/dev/null)
rhits=$(($(D=$RD ccstat direct_cache_hit) + $(D=$RD ccstat preprocessed_cache_hit)))
WHY="repro ccache '$RD': hits $rhits"
check ccache_repro_build2_was_warm '[ -n "$RD" ] && [ "$rhits" -ge 2 ]'
check ccache_repro_leaves_cache_alone '[ ! -d "$T/mcache/ccache" ]'
