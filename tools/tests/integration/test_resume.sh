#!/bin/sh
# An interrupted `make` (kill -9 of the whole process group mid-build)
# leaves no half-written result or package, and the next `make` resumes:
# finished ports are kept, the interrupted one is built again.
set -u
. "$TOP/tools/tests/integration/lib.sh"
t=$T
export SOURCE_DATE_EPOCH=1700000000
port "$t/ports" first "" '  post-install: |
    mkdir -p $DESTDIR/usr/share/first && echo 1 > $DESTDIR/usr/share/first/f
'
port "$t/ports" slow "first" '  post-install: |
    sleep 4
    mkdir -p $DESTDIR/usr/share/slow && echo 2 > $DESTDIR/usr/share/slow/s
'
args="SAN=${SAN:-0} ARCH=host PORTS_DIR=$t/ports CACHE_DIR=$t/cache ARCH_BUILD=$t/build"
# shellcheck disable=SC2086
# a session of its own: its shell's pid is the process group to kill
setsid sh -c 'echo $$ > "$1"; shift; exec make "$@"' _ "$t/pgid" -C "$TOP" ports $args >"$t/make1.out" 2>&1 &
pid=$!
# wait until `slow` is building, then kill make and everything under it
i=0
while [ $i -lt 100 ] && ! grep -q '>>> post-install' "$t/build/logs/slow.log" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
check_cmd "slow started building" grep -q '>>> post-install' "$t/build/logs/slow.log"
check_cmd "make killed with -9" kill -9 "-$(cat "$t/pgid")"
wait $pid 2>/dev/null
sleep 0.5
done_count() { find "$t/cache/results" -name done 2>/dev/null | wc -l; }
check_cmd "the finished port's result is kept" test "$(done_count)" -eq 1
check_cmd "no result without its done stamp" sh -c "for d in '$t/cache/results'/*; do test -f \"\$d/done\" || exit 1; done"
# shellcheck disable=SC2086
make -C "$TOP" ports $args >"$t/make2.out" 2>&1
check_cmd "the next make succeeds" test $? -eq 0
check_cmd "it builds only the interrupted port" sh -c "grep -q '\] slow 1.0 host ... ok' '$t/make2.out' && ! grep -q '\] first ' '$t/make2.out'"
check_cmd "both results complete" test "$(done_count)" -eq 2
check_cmd "no temp leftovers in the results" sh -c "! find '$t/cache/results' -name '*.tmp*' | grep -q ."
finish
