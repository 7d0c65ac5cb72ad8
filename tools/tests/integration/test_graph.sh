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

# make graph: DOT + SVG, with a temp PORTS_DIR and work dir
make -s -C "$TOP" graph ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" ARCH_BUILD="$T/build" \
	CACHE_DIR="$T/cache" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -5 "$T/out")"
check make_graph_writes_dot_and_svg \
	'[ $rc = 0 ] && grep -q "\"app\" -> \"zlib\";" "$T/build/graph.dot" && grep -q "<svg" "$T/build/graph.svg"'
