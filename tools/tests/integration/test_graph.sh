#!/bin/sh
# test_graph.sh - `krill graph`: cycles as paths, missing deps naming both
# ports, the make fragment, and `make graph` writing DOT and SVG.
. "$(dirname "$0")/lib.sh"

P=$T/cyc
port "$P" a "b"
port "$P" b "c"
port "$P" c "a"
"$KRILL" graph --arch host "$P" >"$T/out" 2>"$T/err"
rc=$?
WHY="rc=$rc: $(cat "$T/err")"
check graph_cycle_printed_as_path \
	'[ $rc = 1 ] && grep -q "^$P/a/port.yaml:1:7: dependency cycle a -> b -> c -> a," "$T/err"'
check graph_cycle_nothing_on_stdout '[ ! -s "$T/out" ]'

P=$T/miss
port "$P" app "libfoo, zlib"
port "$P" zlib ""
"$KRILL" graph --arch host "$P" >/dev/null 2>"$T/err"
rc=$?
WHY="$(cat "$T/err")"
check graph_missing_dep_names_both_ports \
	'[ $rc = 1 ] && grep -q "^$P/app/port.yaml:6:17: port .app. build-depends on .libfoo., but no port or subpackage provides it" "$T/err"'

P=$T/ok
port "$P" zlib ""
port "$P" xz "" "subpackages:
  - name: xz-libs
    files: [usr/lib/*]
"
port "$P" app "zlib-dev, xz-libs"
port "$P" other ""
F=$T/frag/graph.mk
"$KRILL" graph --arch host --toolchain-key tk -o "$F" "$P" 2>"$T/err"
rc=$?
WHY="rc=$rc $(cat "$T/err")"
check graph_writes_fragment '[ $rc = 0 ] && [ -f "$F" ]'
check graph_fragment_lists_ports 'grep -qx "KR_PORTS := app other xz zlib" "$F"'
check graph_fragment_deps 'grep -qx "KR_DEPS_app := zlib xz" "$F" && grep -qx "KR_DEPS_zlib :=" "$F"'
kz=$(sed -n 's/^KR_KEY_zlib := //p' "$F")
kx=$(sed -n 's/^KR_KEY_xz := //p' "$F")
ka=$(sed -n 's/^KR_KEY_app := //p' "$F")
check graph_fragment_stamp_rule \
	'grep -qx "\$(KR_RESULTS)/$ka/done: \$(KR_RESULTS)/$kz/done \$(KR_RESULTS)/$kx/done" "$F" &&
	 grep -qx "app: \$(KR_RESULTS)/$ka/done" "$F" && grep -qx "	+\$(Q)\$(call kr_build_port,app)" "$F"'
check graph_keys_are_sha256_hex 'echo "$ka" | grep -qx "[0-9a-f]\{64\}"'
"$KRILL" graph --arch host --toolchain-key tk "$P" >"$T/list"
check graph_list_mode 'grep -qx "app 1.0-r1 $ka" "$T/list"'

# unchanged tree: the fragment is not rewritten (make sees no change)
touch -d '2001-01-01' "$F"
"$KRILL" graph --arch host --toolchain-key tk -o "$F" "$P"
check graph_fragment_only_rewritten_on_change '[ "$(date -r "$F" +%Y)" = 2001 ]'
"$KRILL" graph --arch host --toolchain-key other -o "$F" "$P"
check graph_toolchain_key_changes_fragment '[ "$(date -r "$F" +%Y)" != 2001 ] && ! grep -q "$ka" "$F"'

"$KRILL" graph --arch mips "$P" >/dev/null 2>&1
rc=$?
check graph_bad_arch_usage_exit_2 '[ $rc = 2 ]'

# toolchain stages (bootstrap/): --stages loads them, --with makes the named
# packages implicit build dependencies of every port (not of the stages). A
# changed stage changes its own key and those after it, not those before;
# the host key (--toolchain-key) is in every key, stages included.
S=$T/stages
port "$S" tc1 ""
port "$S" tc2 "tc1"
port "$S" tc3 "tc2"
P2=$T/ports2
port "$P2" app ""
stage_keys() {
	env -u SOURCE_DATE_EPOCH ${SDE:+SOURCE_DATE_EPOCH=$SDE} "$KRILL" graph --arch x86_64 --toolchain-key "$1" --stages "$S" --with tc3 "$P2" |
		awk '{ print $1, $3 }'
}
stage_keys hk >"$T/k1"
printf '# a changed comment is a changed recipe\n' >>"$S/tc2/port.yaml"
stage_keys hk >"$T/k2"
stage_keys hk2 >"$T/k3"
changed() {
	sort "$1" >"$T/a" && sort "$2" >"$T/b"
	join "$T/a" "$T/b" | awk '$2 != $3 { print $1 }' | tr '\n' ' '
}
WHY="k1: $(cat "$T/k1") k2: $(cat "$T/k2")"
check graph_stages_in_order '[ "$(cut -d" " -f1 "$T/k1" | tr "\n" " ")" = "tc1 tc2 tc3 app " ]'
check graph_changed_stage_rekeys_itself_and_later \
	'[ "$(changed "$T/k1" "$T/k2")" = "app tc2 tc3 " ]'
check graph_host_key_rekeys_every_stage '[ "$(changed "$T/k2" "$T/k3")" = "app tc1 tc2 tc3 " ]'
# a SOURCE_DATE_EPOCH the caller sets wins over the sources' (krill build),
# so it is an input then; unset, the keys are as without it
SDE=1234567890 stage_keys hk >"$T/k4"
check graph_source_date_epoch_rekeys_when_set '[ "$(changed "$T/k2" "$T/k4")" = "app tc1 tc2 tc3 " ]'
SDE= stage_keys hk >"$T/k5"
check graph_source_date_epoch_unset_no_input 'cmp -s "$T/k2" "$T/k5"'
"$KRILL" graph --arch x86_64 --toolchain-key hk --stages "$S" --with tc3 -o "$T/sf.mk" "$P2"
check graph_with_is_implicit_dep_of_ports_only \
	'grep -qx "KR_WITH_app := tc3" "$T/sf.mk" && grep -qx "KR_DEPS_app := tc3" "$T/sf.mk" &&
	 grep -qx "KR_WITH_tc3 :=" "$T/sf.mk"'

# make graph: DOT + SVG, with a temp PORTS_DIR and work dir
make -s -C "$TOP" graph ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" ARCH_BUILD="$T/build" \
	CACHE_DIR="$T/cache" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -5 "$T/out")"
check make_graph_writes_dot_and_svg \
	'[ $rc = 0 ] && grep -q "\"app\" -> \"zlib\";" "$T/build/graph.dot" && grep -q "<svg" "$T/build/graph.svg"'
