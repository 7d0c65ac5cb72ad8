#!/bin/sh
# A small ports tree built for ARCH=host through make, in the sandbox:
# a C library, a program linking it, a data-only package. Checks the
# dependency order, DT_NEEDED -> runtime dependency, that the program runs,
# byte-identical packages from two checkouts at two times, and that bad
# input fails clearly and leaves finished results as they were.
set -u
. "$TOP/tools/tests/integration/lib.sh"

t=$T
unset MAKEFLAGS MAKELEVEL MFLAGS
export SOURCE_DATE_EPOCH=1700000000

# --- sources and recipes (greet_ports.sh)
. "$TOP/tools/tests/integration/greet_ports.sh"
greet_ports "$t"
sha() { sha256sum "$1" | cut -c1-64; }

kmake() { make -C "$TOP" ARCH=host SAN="${SAN:-0}" "$@"; }

# --- first build
kmake ports PORTS_DIR="$t/ports" CACHE_DIR="$t/cache1" ARCH_BUILD="$t/build1" >"$t/make1.out" 2>&1
rc=$?
check_cmd "make ports succeeds" test $rc -eq 0
[ $rc -eq 0 ] || tail -40 "$t/make1.out"
check_cmd "one progress line per port" test "$(grep -c '^\[[0-9]/3\] ' "$t/make1.out")" -eq 3
lib_line=$(grep -n '\] libgreet ' "$t/make1.out" | cut -d: -f1)
prog_line=$(grep -n '\] greet 1.0' "$t/make1.out" | cut -d: -f1)
check_cmd "library built before the program" test "${lib_line:-99}" -lt "${prog_line:-0}"
pk() { find "$1/results" -name "$2-1.0-r1.host.pkg.tar.zst" | head -1; }
meta() { zstd -dc "$(pk "$1" "$2")" | tar -xOf - .PKGINFO; }
check_cmd "library provides its soname" sh -c "zstd -dc '$(pk "$t/cache1" libgreet)' | tar -xOf - .PKGINFO | grep -qx 'provide: so:libgreet.so.1'"
check_cmd "program depends on the library (DT_NEEDED)" sh -c "zstd -dc '$(pk "$t/cache1" greet)' | tar -xOf - .PKGINFO | grep -qx 'depend: so:libgreet.so.1'"
check_cmd "header went to libgreet-dev" sh -c "zstd -dc '$(pk "$t/cache1" libgreet-dev)' | tar -tf - | grep -qx usr/include/greet.h"
check_cmd ".PKGINFO is the first member" sh -c "zstd -dc '$(pk "$t/cache1" greet)' | tar -tf - | head -1 | grep -qx .PKGINFO"
mkdir -p "$t/root"
for p in libgreet greet greet-data; do
	zstd -dc "$(pk "$t/cache1" $p)" | tar -xf - -C "$t/root" --exclude=.PKGINFO --exclude=.SBOM.spdx.json
done
check_cmd "the program runs" sh -c "LD_LIBRARY_PATH='$t/root/usr/lib' '$t/root/usr/bin/greet' | grep -qx 'hello, krill'"
check_cmd "data package installed its file" grep -qx "hello from data" "$t/root/usr/share/greet/greeting.txt"

# --- no-op: everything built, nothing runs
kmake ports PORTS_DIR="$t/ports" CACHE_DIR="$t/cache1" ARCH_BUILD="$t/build1" >"$t/make2.out" 2>&1
check_cmd "second make is a no-op" sh -c "! grep -q '^\[' '$t/make2.out'"

# --- a second checkout elsewhere, later, other umask and TZ: same bytes
sleep 1
mkdir -p "$t/elsewhere/tree" && cp -r "$t/ports" "$t/elsewhere/tree/ports"
(umask 077 && TZ=Asia/Tokyo kmake ports PORTS_DIR="$t/elsewhere/tree/ports" CACHE_DIR="$t/cache2" \
	ARCH_BUILD="$t/elsewhere/build" JOBS=1) >"$t/make3.out" 2>&1
check_cmd "second build succeeds" test $? -eq 0
(cd "$t/cache1/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) > "$t/sums1"
(cd "$t/cache2/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) > "$t/sums2"
check_cmd "packages exist" test -s "$t/sums1"
check_cmd "byte-identical packages from two checkouts" cmp "$t/sums1" "$t/sums2"

# --- bad input: a clear message, finished results untouched
state() { (cd "$t/cache1/results" && find . -type f | sort | xargs sha256sum | sha256sum); }
before=$(state)
bad() { rm -rf "$t/bad" && cp -r "$t/ports" "$t/bad"; }
badmake() { kmake greet PORTS_DIR="$t/bad" CACHE_DIR="$t/cache1" ARCH_BUILD="$t/build1" >"$t/bad.out" 2>&1; }

bad
sed -i "s|file://$t/src/greet-|file://$t/nowhere/greet-|; s|sha256: .*|sha256: $(printf x | sha256sum | cut -c1-64)|" "$t/bad/greet/port.yaml"
badmake
check_cmd "missing source fails" sh -c "test $? -ne 0 && grep -q 'greet 1.0 host ... FAILED' '$t/bad.out'"
check_cmd "missing source names the file" grep -q "greet-1.0.tar.gz" "$t/bad.out"

# (a fresh cache: the right file is already in cache1 by its sha256, and a
# content-addressed cache rightly ignores where a hash was said to come from)
bad
printf 'garbage' > "$t/src/greet-1.0.tar.gz.bad"
sed -i 's|greet-${version}.tar.gz|greet-${version}.tar.gz.bad|' "$t/bad/greet/port.yaml"
kmake greet PORTS_DIR="$t/bad" CACHE_DIR="$t/cache3" ARCH_BUILD="$t/build3" >"$t/bad.out" 2>&1
check_cmd "hash mismatch fails" grep -q "greet 1.0 host ... FAILED" "$t/bad.out"
check_cmd "mismatching file never enters the cache" test ! -e "$t/cache3/distfiles/$(sha "$t/src/greet-1.0.tar.gz.bad")"
check_cmd "hash mismatch names both hashes" sh -c "grep -q '$(sha "$t/src/greet-1.0.tar.gz")' '$t/bad.out' && grep -q '$(sha "$t/src/greet-1.0.tar.gz.bad")' '$t/bad.out'"

bad
mkdir -p "$t/bad/greet/patches"
printf -- '--- a/main.c\n+++ b/main.c\n@@ -1,2 +1,2 @@\n-#include <nothere.h>\n+#include <elsewhere.h>\n int x;\n' > "$t/bad/greet/patches/0001-broken.patch"
badmake
check_cmd "failing patch is named with its hunk" sh -c "grep -q '0001-broken.patch' '$t/bad.out' && grep -qi 'hunk' '$t/bad.out'"

bad
sed -i 's|style: make|style: make\n  make: [does-not-exist]|' "$t/bad/greet/port.yaml"
badmake
check_cmd "failing build shows its log tail and path" sh -c "grep -q 'last lines of' '$t/bad.out' && grep -q 'logs/greet.log' '$t/bad.out'"
check_cmd "failing build keeps its work dir" test -d "$t/build1/work/greet/src"

bad
sed -i '/^build-depends/d' "$t/bad/greet/port.yaml"
badmake
check_cmd "undeclared dependency is not visible (build fails)" grep -q "greet 1.0 host ... FAILED" "$t/bad.out"

bad
sed -i 's|hello, krill|hello, shrimp|' "$t/bad/greet/port.yaml"
badmake
check_cmd "a failing test: fails the build" sh -c "grep -q 'test failed' '$t/bad.out' && grep -q 'greet 1.0 host ... FAILED' '$t/bad.out'"

check_cmd "finished results unchanged by failures" test "$before" = "$(state)"
check_cmd "no half-written result dirs" sh -c "! ls '$t/cache1/results' | grep -q tmp"
finish
