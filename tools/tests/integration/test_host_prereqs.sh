#!/bin/sh
# test_host_prereqs.sh - a newcomer's first `make`: the host prerequisites
# are checked before anything runs cc (nothing at parse time), and their
# apt install is quiet (one line; apt's output in a log, its tail on
# failure). apt-get, dpkg-query, id and cc are fakes earlier on PATH.
. "$(dirname "$0")/lib.sh"

F=$T/fake
mkdir -p "$F"
# every package looks missing
cat >"$F/dpkg-query" <<'EOF'
#!/bin/sh
printf 'unknown ok not-installed'
EOF
cat >"$F/id" <<'EOF'
#!/bin/sh
echo "${FAKE_UID:-0}"
EOF
# apt-get: as chatty as dpkg on a fresh machine; FAKE_APT_FAIL=1 fails
cat >"$F/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$FAKE_LOG"
i=0
while [ $i -lt 500 ]; do echo "Unpacking libfoo$i (1.0-1) ..."; i=$((i + 1)); done
if [ "${FAKE_APT_FAIL:-}" = 1 ] && [ "$1" = install ] || [ "$2" = install ]; then
	[ "${FAKE_APT_FAIL:-}" = 1 ] || exit 0
	echo "E: Unable to locate package nosuchpkg"
	exit 100
fi
EOF
chmod +x "$F"/*
export FAKE_LOG="$T/calls"

PATH="$F:$PATH" sh "$TOP/mk/host-prereqs.sh" "$T/apt.log" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(head -5 "$T/out")"
check prereqs_install_prints_one_line '[ $rc = 0 ] && [ "$(wc -l <"$T/out")" = 1 ] &&
	grep -q "^krill: installing [0-9]* host packages (apt log: $T/apt.log)$" "$T/out"'
WHY="log: $(wc -l <"$T/apt.log" 2>&1)"
check prereqs_apt_output_in_log '[ "$(grep -c "^Unpacking" "$T/apt.log")" = 1000 ] &&
	grep -q "^apt-get update" "$T/calls" && grep -q "^apt-get install -y --no-install-recommends bubblewrap\| bubblewrap" "$T/calls"'

: >"$T/calls"
FAKE_APT_FAIL=1 PATH="$F:$PATH" sh "$TOP/mk/host-prereqs.sh" "$T/apt2.log" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check prereqs_failure_shows_log_tail '[ $rc != 0 ] && [ "$(wc -l <"$T/out")" -le 25 ] &&
	grep -q "last lines of $T/apt2.log" "$T/out" && grep -q "E: Unable to locate package nosuchpkg" "$T/out" &&
	grep -q "full log: $T/apt2.log" "$T/out"'

: >"$T/calls"
FAKE_UID=1000 PATH="$F:$PATH" sh "$TOP/mk/host-prereqs.sh" "$T/apt3.log" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check prereqs_not_root_prints_command '[ $rc = 1 ] && [ ! -s "$T/calls" ] &&
	grep -q "run as root:  apt-get update && apt-get install -y --no-install-recommends " "$T/out"'

# Nothing runs cc before the prerequisites are checked: not at parse time
# (on a fresh machine make check's first line was "mk/host-key.sh: 15: cc:
# not found"), and not in a recipe before the prereqs stamp. The fakes log
# the order of calls; cc fails (as on a fresh machine), which stops make.
printf '#!/bin/sh\necho prereqs >>"$FAKE_ORDER"\nprintf "unknown ok not-installed"\n' >"$F/dpkg-query"
for c in cc c++ gcc clang; do
	printf '#!/bin/sh\necho %s >>"$FAKE_ORDER"\nexit 127\n' "$c" >"$F/$c"
done
chmod +x "$F"/*
port "$T/ports" a ""
bad=
for goal in check help world ports toolchain lint; do
	export FAKE_ORDER="$T/order-$goal"
	rm -rf "$T/b"
	# (a tiny tree and cache of its own, in case a compiler did run)
	PATH="$F:$PATH" timeout 120 make -C "$TOP" BUILD="$T/b" SAN="${SAN:-0}" ARCH=host \
		PORTS_DIR="$T/ports" CACHE_DIR="$T/cache" $goal >"$T/out-$goal" 2>&1
	first=$(grep -m1 -x 'cc\|c++\|gcc\|prereqs' "$FAKE_ORDER" 2>/dev/null)
	[ "$first" = prereqs ] || [ -z "$first" ] || bad="$bad $goal($(uniq "$FAKE_ORDER" | tr '\n' ' '))"
done
WHY="cc before the prerequisites:$bad"
check prereqs_before_any_cc '[ -z "$bad" ]'
# and the prerequisites did run first for the goals that compile
check prereqs_checked_first_by_check_and_world '[ "$(head -1 "$T/order-check")" = prereqs ] &&
	[ "$(head -1 "$T/order-world")" = prereqs ]'
