#!/bin/sh
# test_repro.sh - `make repro`: two builds of every port with variations,
# compared by `krill diff`; a port that embeds the build time is caught and
# named down to the file, reproducible ports pass.
. "$(dirname "$0")/lib.sh"

P=$T/ports
mkdir -p "$P/steady" "$P/clock"
cat >"$P/steady/port.yaml" <<'YAML'
name: steady
version: 1.0
release: 1
summary: the same bytes every time
license: MIT
build:
  style: custom
  script: |
    mkdir -p $DESTDIR/usr/share/steady
    echo "built at $SOURCE_DATE_EPOCH" > $DESTDIR/usr/share/steady/stamp
    printf '#!/bin/sh\necho steady\n' > $DESTDIR/usr/share/steady/run
    chmod 755 $DESTDIR/usr/share/steady/run
YAML
cat >"$P/clock/port.yaml" <<'YAML'
name: clock
version: 1.0
release: 1
summary: embeds the wall clock
license: MIT
build:
  style: custom
  script: |
    mkdir -p $DESTDIR/usr/share/clock
    echo "same line" > $DESTDIR/usr/share/clock/stamp
    date +%s%N >> $DESTDIR/usr/share/clock/stamp
YAML
mk() {
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/cache" \
		ARCH_BUILD="$T/build" OUT="$T/out" "$@"
}
mk repro >"$T/out1" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 20 "$T/out1")"
check repro_fails_on_the_clock_port '[ $rc -ne 0 ]'
check repro_ran_twice 'grep -q "repro: run 1: JOBS=1 umask 022" "$T/out1" &&
	grep -q "repro: run 2: JOBS=.* umask 077 TZ=Pacific/Kiritimati" "$T/out1"'
check repro_names_the_file 'grep -q "usr/share/clock/stamp" "$T/out1"'
check repro_steady_not_reported '! grep -q "usr/share/steady" "$T/out1"'
check repro_two_result_sets 'ls "$T/out/host/repro/1/packages/" "$T/out/host/repro/2/packages/" | grep -c "^steady-1.0-r1.*pkg.tar.zst$" | grep -qx 2'
# the cache's own results are not touched
check repro_leaves_cache_alone '[ ! -d "$T/cache/results" ] || [ -z "$(ls "$T/cache/results")" ]'

rm -rf "$P/clock"
mk repro >"$T/out2" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 20 "$T/out2")"
check repro_passes_when_reproducible '[ $rc -eq 0 ]'
finish
