#!/bin/sh
# test_make.sh - the make side: order of port builds from the graph
# fragment, a no-op make when every result exists, rebuilding exactly a
# changed port and its dependents; make help; krill's own help surface.
. "$(dirname "$0")/lib.sh"

P=$T/ports
port "$P" a ""
port "$P" b "a"
port "$P" c "b"
port "$P" d ""
mk() {
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$T/cache" \
		ARCH_BUILD="$T/build" "$@"
}
# the ports `make -n` would build, in order
planned() {
	mk -n "$@" 2>&1 | sed -n "s|.* build --arch host .* $P/\([^ ]*\)\$|\1|p" | tr '\n' ' '
}

got=$(planned c)
WHY="planned: '$got'"
check make_port_builds_its_deps_first '[ "$got" = "a b c " ]'
got=$(planned ports)
WHY="planned: '$got'"
check make_ports_builds_all '[ "$(echo $got | tr " " "\n" | sort | tr "\n" " ")" = "a b c d " ] &&
	case "$got" in *a*b*c*) true ;; *) false ;; esac'
check make_fragment_in_arch_build 'grep -q "^KR_DEPS_c := b$" "$T/build/graph.mk"'

# every result present: nothing to do (krill build would fail if run)
for k in $(sed -n 's/^KR_KEY_[a-z]* := //p' "$T/build/graph.mk"); do
	mkdir -p "$T/cache/results/$k" && touch "$T/cache/results/$k/done"
done
mk ports >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check make_noop_when_every_stamp_exists '[ $rc = 0 ] && ! grep -Eq "build --arch|^\[[0-9]+/[0-9]+\] " "$T/out"'
got=$(planned ports)
WHY="planned: '$got'"
check make_noop_plans_nothing '[ -z "$got" ]'

# change b: exactly b and c (its dependent) rebuild
printf 'description: changed\n' >>"$P/b/port.yaml"
got=$(planned ports)
WHY="planned: '$got'"
check make_changed_recipe_rebuilds_it_and_dependents '[ "$got" = "b c " ]'

make -s -C "$TOP" help >"$T/help" 2>&1
for t in world toolchain ports index images check graph lint new-port shell help clean distclean; do
	grep -q "^  $t" "$T/help" || { WHY="no target $t"; break; }
done
check make_help_lists_targets '[ -z "$WHY" ]'
check make_help_lists_variables 'grep -q "ARCH=" "$T/help" && grep -q "JOBS=" "$T/help" &&
	grep -q "CACHE_DIR=" "$T/help" && grep -q "V=1" "$T/help" && grep -q "KEY=" "$T/help"'

# `make help` and README.md's table list the same targets
help_targets=$(sed -n '/^Targets:/,/^$/s/^  \([A-Za-z][A-Za-z0-9-]*\).*/\1/p' "$T/help" | sort | tr '\n' ' ')
readme_targets=$(sed -n '/^## Make targets/,/^## /p' "$TOP/README.md" | grep '^| `' | cut -d'|' -f2 |
	grep -o '`[^`]*`' | tr -d '`' | awk '{print $1}' | sort | tr '\n' ' ')
WHY="make help: $help_targets; README.md: $readme_targets"
check make_help_and_readme_list_the_same_targets \
	'[ "$(echo $help_targets | wc -w)" -ge 20 ] && [ "$help_targets" = "$readme_targets" ]'

ver=$(cat "$TOP/tools/VERSION")
check krill_version '[ "$("$KRILL" --version)" = "krill $ver" ]'
verbs=$("$KRILL" help | sed -n 's/^  \([a-z]*\) .*/\1/p')
check krill_help_lists_verbs '[ "$(echo $verbs | wc -w)" -ge 14 ]'
bad=
for v in $verbs; do
	"$KRILL" help "$v" >"$T/h" 2>&1 && head -1 "$T/h" | grep -q "^usage: krill $v" || bad="$bad $v"
	"$KRILL" "$v" --help >"$T/h2" 2>&1 && cmp -s "$T/h" "$T/h2" || bad="$bad $v(--help)"
done
WHY="bad help for:$bad"
check krill_help_every_verb '[ -z "$bad" ]'
"$KRILL" nosuchverb >/dev/null 2>"$T/err"
rc=$?
check krill_unknown_verb_exit_2 '[ $rc = 2 ] && grep -q "no such verb .nosuchverb." "$T/err"'
"$KRILL" help nosuchverb >/dev/null 2>&1
rc=$?
check krill_help_unknown_verb_exit_2 '[ $rc = 2 ]'
"$KRILL" >/dev/null 2>&1
rc=$?
check krill_no_args_exit_2 '[ $rc = 2 ]'
