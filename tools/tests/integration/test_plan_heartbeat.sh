#!/bin/sh
# test_plan_heartbeat.sh - what a newcomer sees during `make ports`: one
# plan line before the first build (how many of how many, how many cached,
# an estimate from earlier build times kept in CACHE_DIR/durations/ARCH),
# and a heartbeat line while a long build runs (KRILL_HEARTBEAT=1: every
# second instead of every minute).
. "$(dirname "$0")/lib.sh"

P=$T/ports
# port NAME DEPS: a build that takes about 2 s
slow() {
	port "$P" "$1" "$2" "$(printf '  style: custom\n  script: |\n    sleep 2; mkdir -p $DESTDIR/usr/share/%s; echo %s >$DESTDIR/usr/share/%s/f\n' "$1" "${3:-1}" "$1")"
	sed -i '/^  style: none$/d' "$P/$1/port.yaml"
}
slow a ""
slow b "a"
slow c "b"
slow d ""
mk() {
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/cache" \
		ARCH_BUILD="$T/build" "$@"
}

KRILL_HEARTBEAT=1 mk ports >"$T/out" 2>&1
rc=$?
first=$(grep -v '^make' "$T/out" | head -1)
WHY="rc=$rc: $(cat "$T/out")"
check plan_line_first_no_times_yet '[ $rc = 0 ] &&
	[ "$first" = "plan (host): build 4 of 4 ports, 0 cached; no estimate yet (no earlier build times in $T/cache/durations/host)" ]'
check plan_line_printed_once '[ "$(grep -c "^plan " "$T/out")" = 1 ]'
check heartbeat_while_building 'grep -q "^b running [12]s, log $T/build/logs/b.log$" "$T/out"'
check heartbeat_before_the_result_line 'grep -n "" "$T/out" | grep -E "^[0-9]+:(c running|\[[0-9]/4\] c )" |
	head -1 | grep -q "c running"'
WHY="$(cat "$T/cache/durations/host" 2>&1)"
check durations_kept_per_port_and_arch '[ "$(cut -d" " -f1 "$T/cache/durations/host" | tr "\n" " ")" = "a b c d " ] &&
	! grep -qv "^[a-d] [2-9]$" "$T/cache/durations/host"'

mk ports >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check plan_line_noop '[ $rc = 0 ] && grep -qx "plan (host): build 0 of 4 ports, 4 cached" "$T/out"'

# a changes: a, b, c rebuild (a chain: about 3 x 2 s even at -j2), d is cached
slow a "" 2
KRILL_HEARTBEAT=1 mk -j2 ports >"$T/out" 2>&1
rc=$?
line=$(grep "^plan " "$T/out")
WHY="rc=$rc: $line"
check plan_line_counts_and_estimate '[ $rc = 0 ] &&
	echo "$line" | grep -Eqx "plan \(host\): build 3 of 4 ports, 1 cached; estimate [6-9]s at -j2"'
check heartbeat_says_last_time 'grep -Eq "^a running [12]s \(took [2-9]s last time\), log " "$T/out"'

# a port never built before: counted, but said to be unknown
slow e "d"
slow d "" 2
mk -n ports >"$T/out" 2>&1
line=$(grep "^plan " "$T/out")
WHY="$line"
check plan_line_unknown_times_named 'echo "$line" | grep -Eqx "plan \(host\): build 2 of 5 ports, 3 cached; estimate [2-9]s at -j[0-9]+ \(earlier times known for 1 of 2; the others not counted\)"'

# one port and what it needs
mk -n e >"$T/out" 2>&1
WHY="$(grep "^plan " "$T/out")"
check plan_line_for_one_port 'grep -Eq "^plan \(host\): build 2 of 2 ports, 0 cached; " "$T/out"'

# the default heartbeat is a minute: none in a 2 s build
KRILL_HEARTBEAT= mk ports >"$T/out" 2>&1
WHY="$(cat "$T/out")"
check heartbeat_default_is_a_minute '! grep -q " running " "$T/out" && grep -q "^\[2/2\] " "$T/out"'

# the toolchain of a target arch: binutils (10m) -> gcc (40m) -> glibc
# (15m) -> gcc-runtime (20m) is a chain, so however large -j is the estimate
# is their 85m; linux-headers (1m) builds beside binutils and adds nothing
mkdir -p "$T/tc/durations"
printf 'binutils 600\ngcc 2400\ngcc-runtime 1200\nglibc 900\nlinux-headers 60\nzlib 5\n' >"$T/tc/durations/x86_64"
make -n -C "$TOP" ARCH=x86_64 SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/tc" \
	ARCH_BUILD="$T/build-x86_64" -j8 toolchain >"$T/out" 2>&1
WHY="$(grep "^plan " "$T/out" || tail -5 "$T/out")"
check plan_line_toolchain_stages_chain '[ "$(grep "^plan " "$T/out")" = "plan (x86_64): build 5 of 5 toolchain stages, 0 cached; estimate 1h25m at -j8" ]'

# only ports never built before: the file is there, none of them is in it
slow f ""
mk -n f >"$T/out" 2>&1
line=$(grep "^plan " "$T/out")
WHY="$line"
check plan_line_none_known 'echo "$line" | grep -qx "plan (host): build 1 of 1 ports, 0 cached; no estimate yet (none of them has an earlier build time in $T/cache/durations/host)"'
