#!/bin/sh
# test_repro.sh - `make repro`: a normal build and one varying everything
# reprotest varies, compared by `krill diff`. One test port per variation
# (tools/tests/repro/ports, README.md there) is caught and named with every
# variation on, and is bit-identical with just its own variation off
# (VARY=-NAME, PORTS=port): each variation is applied, and the sandbox
# shields a port from none of them. `steady` is reproducible under all.
. "$(dirname "$0")/lib.sh"

P=$TOP/tools/tests/repro/ports
pairs="environment:environ build_path:buildpath kernel:uname aslr:aslr num_cpus:nproc
	time:clock user_group:uid fileordering:readdir domain_host:hostname home:home
	locales:locale exec_path:path timezone:tz umask:umask"
mk() {
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/cache" \
		ARCH_BUILD="$T/build" OUT="$T/out" "$@"
}
mk repro >"$T/all" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 20 "$T/all")"
check repro_fails_with_sensitive_ports '[ $rc -ne 0 ] && grep -q "^1 identical, 14 differ, 0 only in A, 0 only in B" "$T/all"'
check repro_header_states_each_variation '[ "$(grep -c "^repro:   [a-z_]*  *on  " "$T/all")" -eq 14 ] &&
	grep -q "^repro:   build 2: ports $T/out/host/repro/2/checkout-elsewhere/ports, work $T/out/host/repro/2/build, CACHE_DIR $T/out/host/repro/2/cache" "$T/all"'
for pr in $pairs; do
	v=${pr%%:*} p=${pr#*:}
	WHY="$(grep -A12 "^package $p:" "$T/all" | head -14)"
	check "repro_${v}_caught_by_$p" 'grep -q "^package $p:" "$T/all" &&
		grep -q "^  usr/share/$p/[a-z]*: content differs" "$T/all"'
done
check repro_steady_identical_under_all '! grep -q "^package steady" "$T/all" &&
	grep -q "^1 identical, 14 differ" "$T/all"'
check repro_two_result_sets 'ls "$T/out/host/repro/1/packages/" "$T/out/host/repro/2/packages/" | grep -c "^steady-1.0-r1.*pkg.tar.zst$" | grep -qx 2'
check repro_leaves_cache_alone '[ ! -d "$T/cache/results" ] || [ -z "$(ls "$T/cache/results")" ]'

# build 1 is a normal build: the same bytes as `make NAME`'s result
mk steady >"$T/normal" 2>&1
WHY="$(tail -n 5 "$T/normal")"
d=$(dirname "$(grep -l '^port: steady$' "$T"/cache/results/*/done)")
check repro_build1_is_the_normal_build 'cmp "$d/steady-1.0-r1.host.pkg.tar.zst" \
	"$T/out/host/repro/1/packages/steady-1.0-r1.host.pkg.tar.zst"'

# each variation off, the others on: its port is reproducible
for pr in $pairs; do
	v=${pr%%:*} p=${pr#*:}
	mk repro VARY="-$v" PORTS="$p" >"$T/off" 2>&1
	rc=$?
	WHY="rc=$rc: $(tail -n 12 "$T/off")"
	check "repro_${v}_off_${p}_identical" '[ $rc -eq 0 ] && grep -q "^1 identical, 0 differ" "$T/off" &&
		grep -q "^repro:   $v  *off" "$T/off" && [ "$(grep -c "^repro:   [a-z_]*  *on  " "$T/off")" -eq 13 ]'
done

# a killed run leaves build 2's disorderfs mount behind: the next run
# unmounts it (rm could not remove it) and says so
m=$T/out/host/repro/2/build/work/steady.disorderfs
mkdir -p "$T/stale" "$m" && disorderfs --quiet "$T/stale" "$m"
mk repro PORTS=steady >"$T/stale.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 8 "$T/stale.out")"
check repro_unmounts_stale_disorderfs '[ $rc -eq 0 ] && grep -q "^1 identical, 0 differ" "$T/stale.out" &&
	grep -qF "repro: unmounting $m (disorderfs), left mounted by an interrupted run" "$T/stale.out" &&
	! grep -qF " $T/" /proc/mounts'
grep -qF " $m " /proc/mounts && fusermount -u "$m"

mk repro VARY=-tim PORTS=steady >"$T/bad" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/bad")"
check repro_bad_vary_named '[ $rc -ne 0 ] && grep -q "VARY: unknown variation .tim." "$T/bad"'
mk repro PORTS=nosuch >"$T/bad" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/bad")"
check repro_bad_ports_named '[ $rc -ne 0 ] && grep -q "PORTS: no such port: nosuch" "$T/bad"'
finish
