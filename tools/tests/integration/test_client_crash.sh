# test_client_crash.sh - an install killed at any point leaves, after the
# next krill run, either no trace of the package or all of it; never half.
# Uses the test-only KRILL_TEST_CRASH hook (SIGKILL at a chosen point, see
# tools/doc/client.md) and a real kill -9 during a large install.
. "$TOP/tools/tests/integration/client_lib.sh"

pkg big 1.0-r0 d:usr d:usr/share d:usr/share/big f:usr/share/big/a=1 f:usr/share/big/b=2 \
	f:usr/share/big/c=3 f:usr/share/big/d=4 f:usr/share/big/e=5 z:usr/share/big/blob=20000000
index

# complete ROOT: every file of big there with its content
complete() {
	[ "$(cat "$1/usr/share/big/a" "$1/usr/share/big/e" 2>/dev/null)" = 15 ] &&
		[ "$(stat -c %s "$1/usr/share/big/blob")" = 20000000 ] &&
		"$KRILL" list --root "$1" --installed | grep -qx 'big 1.0-r0' &&
		[ -z "$(find "$1" -name '.krill-*')" ] && [ ! -e "$1/var/lib/krill/journal" ]
}
# absent ROOT BEFORE: the root is exactly as before the install
absent() {
	[ "$(fingerprint "$1")" = "$2" ] &&
		! "$KRILL" list --root "$1" --installed | grep -q '^big '
}

crash_at() { # POINT -> sets R (the root) and BEFORE
	R=$T/root-$1
	newroot "$R"
	"$KRILL" update --root "$R" >/dev/null
	BEFORE=$(fingerprint "$R")
	KRILL_TEST_CRASH=$1 "$KRILL" add --root "$R" --quiet big >/dev/null 2>&1
	RC=$?
}

crash_at stage
check_cmd stage_was_killed [ $RC -eq 137 ]
check_cmd stage_left_journal [ -e "$R/var/lib/krill/journal" ]
check_cmd stage_rolled_back_message sh -c "'$KRILL' info --root '$R' 2>&1 | grep -q 'rolled back an interrupted transaction'"
check_cmd stage_rolled_back absent "$R" "$BEFORE"
check_cmd stage_no_temp_left [ -z "$(find "$R" -name '.krill-*')" ]
check_cmd stage_then_add_works sh -c "'$KRILL' add --root '$R' --quiet big"
check_cmd stage_then_complete complete "$R"

# everything synced for the commit point but the journal not yet renamed
# to state commit: still a roll back, and its pending journal goes too
crash_at precommit
check_cmd precommit_was_killed [ $RC -eq 137 ]
check_cmd precommit_left_pending_journal [ -e "$R/var/lib/krill/journal.commit" ]
check_cmd precommit_rolled_back_message sh -c "'$KRILL' info --root '$R' 2>&1 | grep -q 'rolled back an interrupted transaction'"
check_cmd precommit_rolled_back absent "$R" "$BEFORE"
check_cmd precommit_no_pending_journal_left [ ! -e "$R/var/lib/krill/journal.commit" ]
check_cmd precommit_then_add_works sh -c "'$KRILL' add --root '$R' --quiet big"
check_cmd precommit_then_complete complete "$R"

crash_at commit
check_cmd commit_was_killed [ $RC -eq 137 ]
check_cmd commit_completed_message sh -c "'$KRILL' info --root '$R' 2>&1 | grep -q 'completed an interrupted transaction'"
check_cmd commit_completed complete "$R"

crash_at apply
check_cmd apply_was_killed [ $RC -eq 137 ]
check_cmd apply_was_half_done sh -c "[ -e '$R/usr/share/big/a' ] && [ ! -e '$R/usr/share/big/e' ]"
"$KRILL" list --root "$R" --installed >/dev/null 2>&1
check_cmd apply_completed complete "$R"

# a removal killed after its commit point, or half-way through its
# removals, is completed by the next run
for point in commit apply; do
	R=$T/root-del-$point
	newroot "$R"
	"$KRILL" add --root "$R" --quiet big >/dev/null 2>&1
	KRILL_TEST_CRASH=$point "$KRILL" del --root "$R" --quiet big >/dev/null 2>&1
	check_cmd "del_${point}_was_killed" [ $? -eq 137 ]
	"$KRILL" list --root "$R" --installed >/dev/null 2>&1
	check_cmd "del_${point}_completed" sh -c "[ ! -e '$R/usr/share' ] && [ ! -e '$R/var/lib/krill/journal' ] && ! '$KRILL' list --root '$R' --installed | grep -q big"
done

# the same with --durable (KRILL_DURABLE=1): killed after its commit point,
# completed by the next run
R=$T/root-durable
newroot "$R"
KRILL_DURABLE=1 KRILL_TEST_CRASH=commit "$KRILL" add --root "$R" --quiet big >/dev/null 2>&1
check_cmd durable_commit_was_killed [ $? -eq 137 ]
"$KRILL" list --root "$R" --installed >/dev/null 2>&1
check_cmd durable_commit_completed complete "$R"

# syncs (strace counts them): none by default, as apk and rpm; --durable
# syncs each step: the staging journal, the commit point and the end
syncs() { # ROOT ARGS... -> "FSYNCS SYNCFS" of `krill add --root ROOT ARGS big`
	r=$1
	shift
	newroot "$r"
	# LeakSanitizer cannot run under ptrace (SAN=1): leaks are checked by
	# every other run of the same add
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" LSAN_OPTIONS=detect_leaks=0 \
		strace -f -qq -e trace=fsync,fdatasync,syncfs,sync -o "$r.strace" \
		"$KRILL" add --root "$r" --quiet "$@" big >/dev/null 2>&1 || echo "add failed"
	echo "$(grep -c 'fsync(' "$r.strace") $(grep -c 'syncfs(' "$r.strace")"
}
got=$(syncs "$T/root-sync-default")
WHY="fsyncs, syncfs: $got"
check syncs_default_none '[ "$got" = "0 0" ]'
got=$(syncs "$T/root-sync-durable" --durable)
WHY="fsyncs, syncfs: $got"
check syncs_durable_each_step 'set -- $got; [ "$1" -ge 3 ] && [ "$2" -eq 2 ]'
got=$(KRILL_DURABLE=1 syncs "$T/root-sync-env")
WHY="fsyncs, syncfs: $got"
check syncs_durable_from_env 'set -- $got; [ "$1" -ge 3 ] && [ "$2" -eq 2 ]'

# a real kill -9 somewhere during a large install: whichever side of the
# commit point it lands on, the next run leaves all or nothing
R=$T/root-kill
newroot "$R"
"$KRILL" update --root "$R" >/dev/null
BEFORE=$(fingerprint "$R")
"$KRILL" add --root "$R" --quiet big >/dev/null 2>&1 &
pid=$!
i=0
while [ ! -e "$R/var/lib/krill/journal" ] && [ $i -lt 400 ] && kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	sleep 0.005
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$KRILL" list --root "$R" --installed >/dev/null 2>&1
if complete "$R" || absent "$R" "$BEFORE"; then
	echo "PASS kill9_all_or_nothing_state"
else
	echo "FAIL kill9_all_or_nothing_state: root is neither complete nor untouched"
	_fails=$((_fails + 1))
fi
finish
