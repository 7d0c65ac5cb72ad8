#!/bin/sh
# test_cache_gc.sh - the cache's housekeeping (tools/doc/graph.md, "The
# cache and its garbage"): every graph make builds registers its keys as a
# GC root; `krill cache gc` (make cache-gc) removes the results no root
# names, the store entries made from them or long unused, and temp dirs of
# dead builds, never what a live root names or a build holds; without any
# root it removes nothing. `krill cache push` (make cache-push) uploads
# results built before a remote cache was set.
. "$(dirname "$0")/lib.sh"
unset KRILL_REMOTE_CACHE KRILL_BUILDER_KEY KRILL_BUILDER_KEYS KRILL_REMOTE_CACHE_PUSH
export KRILL_HEARTBEAT=0
C=$T/cache
P=$T/ports
port "$P" a ""
port "$P" b "a"
mk() { # CHECKOUT-BUILD-DIR PORTS-DIR ARGS...
	_b=$1 _p=$2
	shift 2
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$_p" CACHE_DIR="$C" ARCH_BUILD="$_b" "$@"
}
results() { ls "$C/results" | grep -Ec '^[0-9a-f]{64}$'; }
key_of() { sed -n "s/ $2\$//p" "$1/graph.keys"; }

mk "$T/b1" "$P" ports >"$T/m1.out" 2>&1
WHY="$(tail -n 5 "$T/m1.out")"
check gc_setup_built '[ "$(results)" = 2 ]'
root=$(ls "$C/gcroots" 2>/dev/null)
check gc_graph_registers_root '[ "$(echo "$root" | wc -w)" = 1 ] &&
	[ "$(readlink "$C/gcroots/$root")" = "$(cd "$T/b1" && pwd)/graph.keys" ] &&
	grep -q " a$" "$T/b1/graph.keys" && grep -q " b$" "$T/b1/graph.keys"'
oldb=$(key_of "$T/b1" b)
sed -i 's/^release: 1/release: 2/' "$P/b/port.yaml"
mk "$T/b1" "$P" ports >"$T/m2.out" 2>&1
newb=$(key_of "$T/b1" b)
check gc_setup_rebuilt '[ "$(results)" = 3 ] && [ "$oldb" != "$newb" ]'

"$KRILL" cache gc --cache-dir "$C" --dry-run >"$T/dry.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/dry.out")"
check gc_dry_run_lists_and_keeps '[ $rc = 0 ] && [ "$(results)" = 3 ] &&
	grep -q "would remove $C/results/$oldb (no root names its key" "$T/dry.out" &&
	grep -q "would remove 1 results" "$T/dry.out"'

mk "$T/b1" "$P" cache-gc >"$T/gc1.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/gc1.out")"
check gc_removes_the_old_result '[ $rc = 0 ] && [ ! -e "$C/results/$oldb" ] &&
	[ -f "$C/results/$newb/done" ] && [ -f "$C/results/$(key_of "$T/b1" a)/done" ] &&
	grep -q "removed 1 results" "$T/gc1.out" && ! ls "$C/results" | grep -q "\.gc\."'
mk "$T/b1" "$P" ports >"$T/m3.out" 2>&1
WHY="$(cat "$T/m3.out")"
check gc_then_make_is_a_noop '! grep -q "build --arch\|^\[[0-9]*/[0-9]*\] " "$T/m3.out"'

# a second checkout shares the cache: its results live while it exists
P2=$T/ports2
cp -r "$P" "$P2"
port "$P2" c "a"
mk "$T/b2" "$P2" ports >"$T/m4.out" 2>&1
ckey=$(key_of "$T/b2" c)
"$KRILL" cache gc --cache-dir "$C" >"$T/gc2.out" 2>&1
WHY="$(cat "$T/gc2.out")"
check gc_keeps_every_roots_keys '[ -f "$C/results/$ckey/done" ] && [ "$(results)" = 3 ] &&
	grep -q "removed 0 results.* (2 roots, 0 stale dropped)" "$T/gc2.out"'
rm -rf "$T/b2"
"$KRILL" cache gc --cache-dir "$C" >"$T/gc3.out" 2>&1
WHY="$(cat "$T/gc3.out")"
check gc_drops_a_removed_checkouts_root '[ ! -e "$C/results/$ckey" ] && [ "$(results)" = 2 ] &&
	[ "$(ls "$C/gcroots" | wc -l)" = 1 ] && grep -q "(1 roots, 1 stale dropped)" "$T/gc3.out"'

# temp dirs: only a dead process's, and only when old
mkdir -p "$C/results/$newb.tmp.999999" "$C/results/$newb.tmp.4000000" "$C/results/x.tmp.$$"
touch -d '2 hours ago' "$C/results/$newb.tmp.999999" "$C/results/x.tmp.$$"
"$KRILL" cache gc --cache-dir "$C" >"$T/gc4.out" 2>&1
WHY="$(cat "$T/gc4.out"; ls "$C/results")"
check gc_removes_old_temp_of_dead_build '[ ! -e "$C/results/$newb.tmp.999999" ]'
check gc_keeps_recent_or_live_temp '[ -d "$C/results/$newb.tmp.4000000" ] && [ -d "$C/results/x.tmp.$$" ]'

# the store: entries made from a removed result, long unused, or in use
akey=$(key_of "$T/b1" a)
entry() { # KIND KEY INPUT-KEY AGE
	d=$C/store/$1/$2
	mkdir -p "$d/root"
	echo ok >"$d/done"
	[ -z "$3" ] || echo "$3" >"$d/inputs"
	touch -d "$4" "$d/done"
}
k1=$(printf '1%.0s' $(seq 64)) k2=$(printf '2%.0s' $(seq 64)) k3=$(printf '3%.0s' $(seq 64))
k4=$(printf '4%.0s' $(seq 64)) k5=$(printf '5%.0s' $(seq 64))
entry tc "$k1" "$oldb" now       # its input result is gone
entry tc "$k2" "$akey" now       # live input, recently used
entry tc "$k3" "$akey" '30 days ago'
entry src "$k4" "" '30 days ago'
entry tc "$k5" "$oldb" now       # dead, but a build holds it
flock -s "$C/store/tc/$k5.lock" sleep 30 &
holder=$!
sleep 0.3
"$KRILL" cache gc --cache-dir "$C" --dry-run --store-days 60 >"$T/gc5.out" 2>&1
WHY="$(cat "$T/gc5.out")"
check gc_store_dry_run_days '[ -d "$C/store/tc/$k1" ] && grep -q "would remove $C/store/tc/$k1 (its input result" "$T/gc5.out" &&
	! grep -q "$k3\|$k4" "$T/gc5.out"'
"$KRILL" cache gc --cache-dir "$C" >"$T/gc6.out" 2>&1
WHY="$(cat "$T/gc6.out"; ls "$C/store/tc" "$C/store/src")"
check gc_store_entry_of_a_removed_result '[ ! -e "$C/store/tc/$k1" ] && [ ! -e "$C/store/tc/$k1.lock" ]'
check gc_store_keeps_live_recent_entry '[ -f "$C/store/tc/$k2/done" ]'
check gc_store_removes_long_unused '[ ! -e "$C/store/tc/$k3" ] && [ ! -e "$C/store/src/$k4" ] &&
	grep -q "unused for 30 days" "$T/gc6.out"'
check gc_store_never_touches_an_entry_in_use '[ -f "$C/store/tc/$k5/done" ] && grep -q "(1 in use)" "$T/gc6.out"'
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# never distfiles, durations or keys
mkdir -p "$C/distfiles" "$C/durations" && echo x >"$C/distfiles/foo.tar.xz" && echo x >"$C/durations/host"
"$KRILL" cache gc --cache-dir "$C" >/dev/null 2>&1
check gc_never_distfiles_or_durations '[ -f "$C/distfiles/foo.tar.xz" ] && [ -f "$C/durations/host" ]'

# no root at all: nothing is removed, and the reason is named
E=$T/empty
mkdir -p "$E/results/$akey" && touch "$E/results/$akey/done"
"$KRILL" cache gc --cache-dir "$E" >"$T/gc7.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/gc7.out")"
check gc_without_roots_removes_nothing '[ $rc = 1 ] && [ -f "$E/results/$akey/done" ] &&
	grep -q "no GC root is registered" "$T/gc7.out"'
"$KRILL" cache bogus >"$T/u.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/u.out")"
check gc_usage_errors '[ $rc = 2 ] && grep -q "unknown subcommand .bogus." "$T/u.out" &&
	"$KRILL" cache gc --store-days x >/dev/null 2>&1; [ $? = 2 ]'

# push: results built before a remote cache was set
"$KRILL" keygen builder --dir "$T/k" >/dev/null
mkdir -p "$T/trust" && cp "$T/k/builder.pub" "$T/trust/"
"$KRILL" cache push --cache-dir "$C" --remote-cache "file://$T/shared" >"$T/p0.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/p0.out")"
check push_needs_builder_key '[ $rc = 1 ] && grep -q KRILL_BUILDER_KEY "$T/p0.out" && [ ! -e "$T/shared" ]'
KRILL_BUILDER_KEY=$T/k/builder.pem mk "$T/b1" "$P" cache-push REMOTE_CACHE="file://$T/shared" >"$T/p1.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/p1.out")"
check push_uploads_the_graphs_results '[ $rc = 0 ] && [ "$(find "$T/shared" -name RESULT | wc -l)" = 2 ] &&
	grep -q "2 pushed" "$T/p1.out"'
KRILL_BUILDER_KEY=$T/k/builder.pem "$KRILL" cache push --cache-dir "$C" --remote-cache "file://$T/shared" >"$T/p2.out" 2>&1
WHY="$(cat "$T/p2.out")"
check push_again_sends_nothing 'grep -q "0 pushed (0 bytes), 2 already there, 0 failed" "$T/p2.out"'
KRILL_BUILDER_KEY=$T/k/builder.pem "$KRILL" cache push --cache-dir "$C" --remote-cache "file://$T/shared" "$oldb" >"$T/p3.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/p3.out")"
check push_named_key_must_exist '[ $rc = 1 ] && grep -q "$oldb: no finished result" "$T/p3.out"'
# a fresh machine takes them all from the cache
C=$T/cache2
mk "$T/b3" "$P" ports REMOTE_CACHE="file://$T/shared" BUILDER_KEYS="$T/trust" KRILL_REMOTE_CACHE_PUSH=0 >"$T/p4.out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/p4.out")"
check push_then_fresh_cache_builds_nothing '[ $rc = 0 ] && [ "$(grep -c "cached (remote)" "$T/p4.out")" = 2 ]'
