#!/bin/sh
# test_bench_cve.sh - ci/bench-cve.sh (the CVE turnaround of issue 18) end
# to end on ARCH=x86_64 with the stand-in toolchain stages of
# tools/tests/repro/stages and four tiny ports: zlib (a source tarball, so
# the fix's patch applies), app (builds on zlib), tool (on app) and other.
# The fix rebuilds exactly zlib, app and tool, the feeds name the secfix,
# the images holding zlib (app's, and the one the script adds) change and
# state the fix in their own VEX, the one holding other does not; the
# source cache and ports tree the script reads stay as they were.
. "$(dirname "$0")/lib.sh"

F=$T/fx
mkdir -p "$F/src/zlib-1.0" "$F/images"
echo 'int z;' >"$F/src/zlib-1.0/z.c"
(cd "$F/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf zlib-1.0.tar.gz zlib-1.0)
mkp() { # NAME DEPS: a recipe, its build: section on stdin
	mkdir -p "$F/ports/$1"
	{
		printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: fixture %s\nlicense: MIT\n' "$1" "$1"
		[ -z "$2" ] || echo "build-depends: [$2]"
		cat
	} >"$F/ports/$1/port.yaml"
}
printf 'sources:\n  - url: file://%s/src/zlib-${version}.tar.gz\n    sha256: %s\nbuild:\n  style: custom\n  script: |\n    mkdir -p $DESTDIR/usr/share/zlib\n    ls > $DESTDIR/usr/share/zlib/files\n' \
	"$F" "$(sha256sum "$F/src/zlib-1.0.tar.gz" | cut -c1-64)" | mkp zlib ""
for p in app:zlib tool:app other:; do
	printf 'build:\n  style: custom\n  script: |\n    mkdir -p $DESTDIR/usr/share/%s\n    echo %s > $DESTDIR/usr/share/%s/x\n' \
		"${p%%:*}" "${p%%:*}" "${p%%:*}" | mkp "${p%%:*}" "${p#*:}"
done
printf 'description: app\ncontents:\n  packages: [app, zlib]\n' >"$F/images/withapp.yaml"
printf 'description: other\ncontents:\n  packages: [other]\n' >"$F/images/withother.yaml"

# the source cache: stages and ports built once
make -C "$TOP" ports ARCH=x86_64 SAN="${SAN:-0}" PORTS_DIR="$F/ports" BOOTSTRAP_DIR="$TOP/tools/tests/repro/stages" \
	CACHE_DIR="$F/cache" ARCH_BUILD="$F/build" OUT="$F/out" >"$T/seed" 2>&1
rc=$?
WHY="rc=$rc: $(tail -20 "$T/seed")"
check bench_cve_seed_cache '[ $rc = 0 ]'
snap() { (cd "$1" && find . -printf '%p %s %T@ %m\n' | sort); }
snap "$F/cache" >"$T/cache.before"
snap "$F/ports" >"$T/ports.before"

ARCH=x86_64 PORTS_DIR="$F/ports" BOOTSTRAP_DIR="$TOP/tools/tests/repro/stages" SRC_CACHE="$F/cache" \
	IMAGES_DIR="$F/images" BENCH_DIR="$T/w" KEEP=1 sh "$TOP/ci/bench-cve.sh" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check bench_cve_runs '[ $rc = 0 ] && grep -q "^turnaround (fix, ports, index, images): [0-9.]* s wall, target 600 s: met$" "$T/out"'
check bench_cve_baseline_builds_nothing 'grep -q "^baseline (untimed): built \[\]" "$T/out"'
check bench_cve_rebuilds_port_and_dependents 'grep -q "^make ports: [0-9.]* s, rebuilt 3: \[app tool zlib\] (exactly zlib and its dependents)$" "$T/out"'
check bench_cve_feeds_carry_secfix 'grep -q "^make index: .*secdb zlib 1.0-r2: KRILL-2026-9999; openvex: KRILL-2026-9999 fixed in 1 package(s) of zlib 1.0-r2$" "$T/out"'
WHY=$(cat "$T/out")
check bench_cve_images_changed 'grep -q "^make images: [0-9.]* s, 3 images, packages changed in: \[cve-zlib-x86_64 withapp-x86_64\]$" "$T/out"'
check bench_cve_image_vex_states_the_fix 'grep -q "^image VEX: 2 image(s) name KRILL-2026-9999 fixed: \[cve-zlib-x86_64 (pkg:generic/krill/zlib@1.0-r2?arch=x86_64), withapp-x86_64 (pkg:generic/krill/zlib@1.0-r2?arch=x86_64)\]; 1 hold no zlib 1.0-r2 package: \[withother-x86_64\]$" "$T/out"'
WHY=$(zstd -dc "$T"/w/cache/results/*/zlib-1.0-r2.x86_64.pkg.tar.zst 2>&1 | tar -xOf - usr/share/zlib/files 2>&1)
check bench_cve_patch_applied 'echo "$WHY" | grep -qx KRILL-BENCH-FIX'
snap "$F/cache" >"$T/cache.after"
snap "$F/ports" >"$T/ports.after"
WHY=$(diff "$T/cache.before" "$T/cache.after"; diff "$T/ports.before" "$T/ports.after")
check bench_cve_sources_untouched 'cmp -s "$T/cache.before" "$T/cache.after" && cmp -s "$T/ports.before" "$T/ports.after"'

# bad input: named, nothing run
PORT=nosuch PORTS_DIR="$F/ports" SRC_CACHE="$F/cache" sh "$TOP/ci/bench-cve.sh" >"$T/bad" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/bad")"
check bench_cve_unknown_port '[ $rc = 1 ] && grep -q "^bench-cve: $F/ports/nosuch/port.yaml: no such port$" "$T/bad"'
PORTS_DIR="$F/ports" SRC_CACHE="$F/cache" BENCH_DIR="$F/cache/w" sh "$TOP/ci/bench-cve.sh" >"$T/bad" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/bad")"
check bench_cve_refuses_work_dir_in_source_cache '[ $rc = 1 ] && grep -q "is inside SRC_CACHE" "$T/bad" && [ ! -e "$F/cache/w" ]'
