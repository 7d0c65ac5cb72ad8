#!/bin/sh
# krill mirror sync interrupted: truncated transfers, a server dying
# mid-sync, kill -9 of the sync. DST keeps serving its last good repository
# and a rerun completes.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
SERVER_PID=
SYNC_PID=
trap 'unserve; [ -n "$SYNC_PID" ] && kill -9 $SYNC_PID 2>/dev/null; rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
setup_src || { echo "FAIL mirror_setup"; exit 1; }
serve "$T/src" || exit 1
sync && dst_ok || { echo "FAIL mirror_setup: $(cat "$T/out")"; exit 1; }
unserve
STATE=$(dst_state)

add_two() { # add_two N: two new packages, big enough to take a while
	mkpkg "$T/src" "n$1a" 1.0-r1 "$(head -c 6000 /dev/urandom | base64)"
	mkpkg "$T/src" "n$1b" 1.0-r1 "$(head -c 6000 /dev/urandom | base64)"
	sign_src
}

# truncated transfer: the server announces the length, sends half, hangs up
add_two 1
serve "$T/src" truncate || exit 1
sync
refused mirror_truncated_transfer 'transfer failed after'
unserve
serve "$T/src" || exit 1
# the rerun resumes the partial downloads with Range requests
if sync && dst_ok && grep -q 'now at version 2' "$T/out" && grep -q '^range /n1a.* bytes=[1-9]' "$T/server.log"; then
	ok mirror_truncated_then_rerun
else bad mirror_truncated_then_rerun "$(cat "$T/out" "$T/vout")"; fi
unserve
STATE=$(dst_state)

# the server dies after one package
add_two 2
serve "$T/src" die || exit 1
sync
refused mirror_server_dies 'package refused'
unserve
serve "$T/src" || exit 1
if sync && dst_ok && grep -q 'now at version 3 (was 2): 6 packages, 1 fetched, 5 already here' "$T/out"; then
	ok mirror_server_dies_then_rerun; else bad mirror_server_dies_then_rerun "$(cat "$T/out" "$T/vout")"; fi
unserve
STATE=$(dst_state)

# kill -9 of the sync while it downloads (a slow server keeps it busy)
add_two 3
serve "$T/src" slow || exit 1
"$KRILL" mirror sync "$URL" "$T/dst" --keys "$T/keys" >"$T/out" 2>&1 &
SYNC_PID=$!
i=0
while ! ls "$T/dst/.krill/pool/" | grep -q '\.part$'; do
	i=$((i + 1))
	[ $i -gt 400 ] && break
	sleep 0.02
done
kill -9 $SYNC_PID 2>/dev/null
wait $SYNC_PID 2>/dev/null
SYNC_PID=
if [ $i -le 400 ] && [ "$(dst_state)" = "$STATE" ] && dst_ok; then ok mirror_kill9_midway_dst_intact
else bad mirror_kill9_midway_dst_intact "i=$i $(cat "$T/vout")"; fi
unserve
serve "$T/src" || exit 1
if sync && dst_ok && grep -q 'now at version 4' "$T/out" && ! ls "$T/dst/.krill/pool" | grep -q part &&
	[ ! -e "$T/dst/.krill/staging" ]; then ok mirror_kill9_then_rerun
else bad mirror_kill9_then_rerun "$(cat "$T/out" "$T/vout")"; fi
unserve

# kill -9 at many points of a whole local sync (each run may stop anywhere:
# fetching, switching, tidying); after each, DST is v4 or v5 and verifies
STATE4=$(dst_state)
add_two 4
bad_points=0
for delay in 0.001 0.005 0.01 0.02 0.03 0.05; do
	"$KRILL" mirror sync "$T/src" "$T/dst" --keys "$T/keys" >/dev/null 2>&1 &
	SYNC_PID=$!
	sleep $delay
	kill -9 $SYNC_PID 2>/dev/null
	wait $SYNC_PID 2>/dev/null
	SYNC_PID=
	dst_ok || bad_points=$((bad_points + 1))
	grep -q '^version: [45]$' "$T/dst/INDEX" || bad_points=$((bad_points + 1))
done
if [ $bad_points = 0 ] && sync "$T/src" && dst_ok && grep -q 'version 5' "$T/out"; then ok mirror_kill9_anywhere
else bad mirror_kill9_anywhere "$bad_points bad points; $(cat "$T/out" "$T/vout")"; fi
[ "$STATE4" != "$(dst_state)" ] || bad mirror_kill9_anywhere "DST did not move to v5"
exit $FAILED
