#!/bin/sh
# test_sandbox_check.sh - the first command of make world/ports/toolchain/
# check is mk/sandbox-check.sh: the real bwrap starts a sandbox like the
# builds'; where it cannot (a chroot, a container without user namespaces)
# make stops at once with bwrap's message, the cause and what to do, and
# make check ends with one failure. A failing bwrap is a fake earlier on PATH.
. "$(dirname "$0")/lib.sh"

sh "$TOP/mk/sandbox-check.sh" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check sandbox_check_passes_with_the_real_bwrap '[ $rc = 0 ] && [ ! -s "$T/out" ]'

F=$T/fake
mkdir -p "$F"
# bwrap 0.8's own words when user namespaces are not allowed
cat >"$F/bwrap" <<'EOF'
#!/bin/sh
echo "bwrap $*" >>"$FAKE_LOG"
echo "${FAKE_MSG:-bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.}" >&2
exit 1
EOF
chmod +x "$F/bwrap"
export FAKE_LOG="$T/bwrap-calls"

P=$T/ports
port "$P" a ""
mk() {
	PATH="$F:$PATH" timeout 120 make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" \
		CACHE_DIR="$T/cache" ARCH_BUILD="$T/build" "$@"
}
for goal in ports world toolchain a; do
	mk $goal >"$T/out-$goal" 2>&1
	echo $? >"$T/rc-$goal"
done
bad=
for goal in ports world toolchain a; do
	o=$T/out-$goal
	[ "$(cat "$T/rc-$goal")" != 0 ] && grep -v "^make" "$o" | head -1 | grep -q "^krill: bubblewrap cannot start a build sandbox" &&
		grep -q "^krill: bwrap said: bwrap: No permissions to creating new namespace" "$o" &&
		grep -q "^krill: likely cause: " "$o" && grep -q "^krill: what to do: " "$o" ||
		bad="$bad $goal(rc $(cat "$T/rc-$goal"): $(head -3 "$o"))"
done
WHY="$bad"
check sandbox_check_stops_make_with_cause_and_fix '[ -z "$bad" ]'
# nothing after it ran: no graph, no build, no log
WHY="$(ls -R "$T/build" "$T/cache" 2>&1 | head -5)"
check sandbox_check_runs_before_anything '[ ! -e "$T/build/graph.mk" ] && [ ! -e "$T/cache/results" ] &&
	! grep -q " build --arch" "$T/out-ports"'

# make check: one clear failure and the suite's closing line, not one per test
PATH="$F:$PATH" timeout 120 make -C "$TOP" SAN="${SAN:-0}" check TESTS=test_util >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check sandbox_check_make_check_one_failure '[ $rc != 0 ] && [ "$(grep -c "^FAIL " "$T/out")" = 1 ] &&
	grep -q "^FAIL sandbox_check: " "$T/out" && [ "$(grep -E "^[0-9]+ passed" "$T/out")" = "0 passed, 1 failed" ] &&
	! grep -q "^== unit tests" "$T/out"'

# a container that masks /proc: bwrap gets as far as mounting it
FAKE_MSG="bwrap: Can't mount proc on /newroot/proc: Operation not permitted" \
	PATH="$F:$PATH" sh "$TOP/mk/sandbox-check.sh" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check sandbox_check_names_a_masked_proc '[ $rc = 1 ] && grep -q "^krill: likely cause: a fresh /proc cannot be mounted" "$T/out" &&
	grep -q -- "--privileged" "$T/out"'

# the check starts bwrap with the options the builds use (sandbox.c)
: >"$FAKE_LOG"
PATH="$F:$PATH" sh "$TOP/mk/sandbox-check.sh" >/dev/null 2>&1
got=$(tr ' ' '\n' <"$FAKE_LOG" | grep '^--' | sort -u | tr '\n' ' ')
want=$(grep -o 'add(a, "--[a-z0-9-]*")' "$TOP/tools/lib/build/sandbox.c" | sed 's/.*"\(--[^"]*\)")/\1/' |
	sort -u | tr '\n' ' ')
WHY="check: $got; builds: $want"
check sandbox_check_uses_the_builds_options '[ -n "$want" ] && [ "$got" = "$want" ]'

# a foreign arch nothing can run: the run stops with the reason and the fix
sh "$TOP/mk/binfmt-check.sh" riscv64 >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check binfmt_check_names_the_arch_and_fix '[ $rc = 1 ] &&
	grep -q "^krill: ARCH=riscv64: port tests need riscv64 programs to run here: no way to run riscv64 here" "$T/out" &&
	grep -q "ci/binfmt.sh" "$T/out"'
# aarch64 on this host: qemu registered with the F flag (registered now if it was not)
sh "$TOP/mk/binfmt-check.sh" aarch64 >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check binfmt_check_aarch64_runs '[ $rc = 0 ] && grep -q "^flags:.*F" /proc/sys/fs/binfmt_misc/qemu-aarch64'
