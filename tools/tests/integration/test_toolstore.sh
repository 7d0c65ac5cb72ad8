#!/bin/sh
# test_toolstore.sh - the shared read-only toolchain store and cheap work
# dirs (tools/doc/sandbox.md). A fake cross toolchain (a port whose package
# holds toolchain/bin/aarch64-krill-linux-gnu-gcc, a script) and a fake C
# runtime (usr/include/fakelibc.h) are built by krill build, then passed
# with --with as the graph passes the real ones: they are installed once
# into CACHE/store/tc/KEY, /toolchain is that entry's toolchain/ read-only,
# the runtime is in the sysroot beside exactly the declared build
# dependency; a port cannot write into either; a corrupted entry is found
# and made again, never used; a failed build's work dir stays for the
# shell, a successful one's is gone (removed in the background).
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000 KRILL_HEARTBEAT=0
C=$T/cache
P=$T/ports
mkdir -p "$P" "$C"
key() { printf '%064d' "$1"; }

custom() { # NAME BUILD-DEPENDS SCRIPT [EXTRA-YAML]
	mkdir -p "$P/$1"
	{
		printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: MIT\n' "$1" "$1"
		printf 'build-depends: [%s]\n%sbuild:\n  style: custom\n  script: |\n' "$2" "${4:-}"
		printf '%s\n' "$3" | sed 's/^/    /'
	} >"$P/$1/port.yaml"
}
build() { # NAME KEYNUM [ARGS...]: krill build for aarch64 into $T/res/KEY
	n=$1 k=$(key "$2")
	shift 2
	"$KRILL" build --arch aarch64 --key "$k" --out "$T/res/$k" --cache "$C" \
		--work "$T/work/$n" --log "$T/logs/$n.log" "$@" "$P/$n"
}

custom faketc "" 'mkdir -p "$DESTDIR/toolchain/bin"
printf "#!/bin/sh\n# fake cross gcc\nexec cc \"\$@\"\n" >"$DESTDIR/toolchain/bin/aarch64-krill-linux-gnu-gcc"
chmod 755 "$DESTDIR/toolchain/bin/aarch64-krill-linux-gnu-gcc"'
custom fakert "" 'mkdir -p "$DESTDIR/usr/include"
echo "#define FAKELIBC 1" >"$DESTDIR/usr/include/fakelibc.h"'
custom dep1 "" 'mkdir -p "$DESTDIR/usr/share/dep1" && echo one >"$DESTDIR/usr/share/dep1/file"'
custom other "" 'mkdir -p "$DESTDIR/usr/share/other" && echo x >"$DESTDIR/usr/share/other/file"'
# what the consumer sees, into its package (checked below)
custom user dep1 'r=$DESTDIR/usr/share/user && mkdir -p "$r"
test -x /toolchain/bin/aarch64-krill-linux-gnu-gcc && echo tc-gcc >>"$r/seen"
grep -q "fake cross gcc" /toolchain/bin/aarch64-krill-linux-gnu-gcc && echo tc-original >>"$r/seen"
test "$CC" = aarch64-krill-linux-gnu-gcc && echo cc-cross >>"$r/seen"
test -f /sysroot/usr/include/fakelibc.h && echo runtime >>"$r/seen"
test -f /sysroot/usr/share/dep1/file && echo dep1 >>"$r/seen"
test -e /sysroot/usr/share/other || echo no-other >>"$r/seen"
test -e /sysroot/toolchain || echo tc-not-in-sysroot >>"$r/seen"
(echo x >/toolchain/bin/new) 2>/dev/null || echo tc-ro-new >>"$r/seen"
(echo x >>/toolchain/bin/aarch64-krill-linux-gnu-gcc) 2>/dev/null || echo tc-ro-write >>"$r/seen"
rm -f /toolchain/bin/aarch64-krill-linux-gnu-gcc 2>/dev/null || echo tc-ro-rm >>"$r/seen"
(echo x >>/sysroot/usr/include/fakelibc.h) 2>/dev/null || echo rt-ro-write >>"$r/seen"'
# a port that tries to change the toolchain (and so fails)
custom evil "" 'echo evil >>/toolchain/bin/aarch64-krill-linux-gnu-gcc'
# a failing build, for the shell
custom broken "" 'echo marker >/build/obj/marker
exit 3'

for p in faketc:1 fakert:2 dep1:3 other:4; do
	build "${p%%:*}" "${p#*:}" >"$T/${p%%:*}.out" 2>&1 || echo "setup: ${p%%:*} failed: $(tail -5 "$T/${p%%:*}.out")"
done
W="--with faketc --with fakert-dev"
DEPS="--dep $T/res/$(key 1) --dep $T/res/$(key 2) --dep $T/res/$(key 3) --dep $T/res/$(key 4)"
build user 10 $DEPS $W >"$T/user.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 20 "$T/user.out")"
check toolstore_build_with_store '[ $rc = 0 ]'
seen() { zstd -dc "$T/res/$(key 10)"/user-1.0-r1.aarch64.pkg.tar.zst | tar -xOf - usr/share/user/seen 2>/dev/null; }
S=$(seen)
for w in tc-gcc tc-original cc-cross runtime dep1 no-other tc-not-in-sysroot tc-ro-new tc-ro-write tc-ro-rm rt-ro-write; do
	WHY="$w not seen inside the sandbox; seen: $(echo $S)"
	check "toolstore_inside_$w" 'printf "%s\n" "$S" | grep -qx "$w"'
done
E=$(ls -d "$C"/store/tc/* 2>/dev/null | grep -v '\.lock$')
WHY="store: $(ls -la "$C/store/tc" 2>&1)"
check toolstore_one_entry '[ "$(echo "$E" | wc -w)" = 1 ] && [ -f "$E/done" ] && [ -f "$E/manifest" ] &&
	[ -x "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc" ] && [ -f "$E/root/usr/include/fakelibc.h" ]'
check toolstore_entry_files_read_only '[ -z "$(find "$E/root" -type f -perm /222)" ]'
WHY="inputs: $(cat "$E/inputs" 2>&1)"
check toolstore_entry_names_its_input_results '[ "$(sort "$E/inputs" | tr "\n" " ")" = "$(key 1) $(key 2) " ]'

# a build holds the entry (a shared lock) for as long as it runs: `krill
# cache gc` cannot take it (and so never removes an entry in use)
custom slow "" 'sleep 4; mkdir -p "$DESTDIR/usr/share/slow"; touch "$DESTDIR/usr/share/slow/x"'
build slow 19 $DEPS $W >"$T/slow.out" 2>&1 &
slowpid=$!
sleep 2
if flock -n -x "$E.lock" true; then held=no; else held=yes; fi
wait $slowpid
if flock -n -x "$E.lock" true; then after=free; else after=held; fi
WHY="during: $held, after: $after; $(tail -n 3 "$T/slow.out")"
check toolstore_build_holds_entry_lock '[ $held = yes ] && [ $after = free ]'

# a second port with the same toolchain: the same entry, found (not made)
before=$(stat -c %i "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc")
build user 11 $DEPS $W >"$T/user2.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 10 "$T/user2.out")"
check toolstore_entry_reused '[ $rc = 0 ] && [ "$(stat -c %i "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc")" = "$before" ] &&
	! grep -q "toolchain store" "$T/user2.out"'

# a port with other build dependencies: the same entry (only the
# toolchain's packages make its key)
custom user2 other 'test -f /sysroot/usr/share/other/file && test ! -e /sysroot/usr/share/dep1 &&
test -f /sysroot/usr/include/fakelibc.h && mkdir -p "$DESTDIR/usr/share/u2" && echo ok >"$DESTDIR/usr/share/u2/f"'
build user2 20 --dep "$T/res/$(key 4)" --dep "$T/res/$(key 2)" --dep "$T/res/$(key 1)" $W >"$T/user2b.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 10 "$T/user2b.out"); entries: $(ls "$C/store/tc")"
check toolstore_entry_shared_by_other_deps '[ $rc = 0 ] && [ "$(ls -d "$C"/store/tc/* | grep -vc "\.lock$")" = 1 ]'

# a port writing into /toolchain fails, and the entry is unchanged
build evil 12 $DEPS $W >"$T/evil.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 10 "$T/evil.out"); gcc: $(cat "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc")"
check toolstore_port_cannot_write_toolchain '[ $rc != 0 ] && ! grep -q evil "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc" &&
	grep -q "Read-only file system" "$T/logs/evil.log"'

# corruption: a changed file of the entry is found and the entry made again
chmod u+w "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc"
echo "echo corrupted" >>"$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc"
build user 13 $DEPS $W >"$T/user3.out" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 10 "$T/user3.out")"
check toolstore_corrupt_entry_detected '[ $rc = 0 ] && grep -q "toolchain store: .*root/toolchain/bin/aarch64-krill-linux-gnu-gcc does not match the manifest" "$T/user3.out"'
S=$(zstd -dc "$T/res/$(key 13)"/user-1.0-r1.aarch64.pkg.tar.zst | tar -xOf - usr/share/user/seen)
WHY="seen: $(echo $S); gcc now: $(cat "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc")"
check toolstore_corrupt_entry_never_used 'printf "%s\n" "$S" | grep -qx tc-original &&
	! grep -q corrupted "$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc" && [ -z "$(ls -d "$C"/store/tc/*.bad.* 2>/dev/null)" ]'

# a removed file, an added file, an entry without done: each made again
rm -f "$E/root/usr/include/fakelibc.h"
build user 14 $DEPS $W >"$T/user4.out" 2>&1
check toolstore_missing_file_detected 'grep -q "toolchain store: .*usr/include/fakelibc.h" "$T/user4.out" && [ -f "$E/root/usr/include/fakelibc.h" ]'
chmod u+w "$E/root/usr/include" && echo x >"$E/root/usr/include/zzz-added.h"
build user 15 $DEPS $W >"$T/user5.out" 2>&1
check toolstore_added_file_detected 'grep -q "toolchain store: .*does not match\|toolchain store: .*missing" "$T/user5.out" && [ ! -e "$E/root/usr/include/zzz-added.h" ]'
rm -f "$E/done"
build user 16 $DEPS $W >"$T/user6.out" 2>&1
check toolstore_unfinished_entry_detected 'grep -q "toolchain store: .*no done stamp" "$T/user6.out" && [ -f "$E/done" ]'
# same size, same mtime, same inode: only the full check (re-hash) sees it
f=$E/root/toolchain/bin/aarch64-krill-linux-gnu-gcc
chmod u+w "$f" && m=$(stat -c %Y.%y "$f") && cp -p "$f" "$T/ref" &&
	sed 's/fake cross gcc/FAKE CROSS GCC/' "$T/ref" | dd of="$f" conv=notrunc 2>/dev/null && touch -r "$T/ref" "$f" && chmod a-w "$f"
KRILL_STORE_VERIFY=full build user 17 $DEPS $W >"$T/user7.out" 2>&1
WHY="$(tail -n 5 "$T/user7.out")"
check toolstore_full_verify_detects_same_size_change 'grep -q "toolchain store: .*does not match" "$T/user7.out" && grep -q "fake cross gcc" "$f"'

# work dirs: a successful build's are gone (in the background, at nice 19:
# on a loaded machine that takes a while)
i=0
while [ $i -lt 600 ] && ls -d "$T"/work/user* >/dev/null 2>&1; do sleep 0.2; i=$((i + 1)); done
WHY="left after $((i / 5)) s: $(ls -d "$T"/work/* 2>&1 | tr '\n' ' ')"
check workdir_removed_after_success '! ls -d "$T"/work/user* >/dev/null 2>&1 && [ -d "$T/work/evil/src" ]'

# a failed build keeps its work dir and sysroot, and the shell opens on them
build broken 18 $DEPS $W >"$T/broken.out" 2>&1
rc=$?
WHY="rc=$rc: $(ls -a "$T/work" 2>&1)"
check workdir_kept_after_failure '[ $rc != 0 ] && [ -f "$T/work/broken/obj/marker" ] && [ -d "$T/work/broken.sysroot/usr/include" ] &&
	! ls -d "$T"/work/broken.trash* >/dev/null 2>&1'
printf 'cat /build/obj/marker; ls /toolchain/bin; ls /sysroot/usr/include\nexit\n' |
	"$KRILL" build --shell --arch aarch64 --cache "$C" --work "$T/work/broken" $DEPS $W "$P/broken" >"$T/shell.out" 2>&1
WHY="$(cat "$T/shell.out")"
check workdir_failed_build_shell 'grep -q "^[# ]*marker$" "$T/shell.out" && grep -q "^aarch64-krill-linux-gnu-gcc$" "$T/shell.out" &&
	grep -q "^fakelibc.h$" "$T/shell.out"'
# the next build of it starts fresh: the kept dirs go (to the trash)
custom broken "" 'test ! -e /build/obj/marker && mkdir -p "$DESTDIR/usr/share/b" && echo ok >"$DESTDIR/usr/share/b/f"'
build broken 19 $DEPS $W >"$T/broken2.out" 2>&1
WHY="$(tail -n 5 "$T/broken2.out")"
check workdir_fresh_after_failure '[ $? = 0 ] && [ -f "$T/res/$(key 19)/done" ]'

# the source store: two ports with the same source and patch (as the gcc
# stages) share one extracted tree, read-only at /build/src
mkdir -p "$T/s/tree-1.0"
echo original >"$T/s/tree-1.0/file"
(cd "$T/s" && tar --sort=name --owner=0 --group=0 --mtime=@1600000000 -czf tree-1.0.tar.gz tree-1.0)
sha=$(sha256sum "$T/s/tree-1.0.tar.gz" | cut -c1-64)
for n in srca srcb; do
	custom $n "" 'r=$DESTDIR/usr/share/$PKGNAME && mkdir -p "$r"
cat "$SRCDIR/file" >"$r/file"
(echo x >"$SRCDIR/new") 2>/dev/null || echo src-ro >>"$r/seen"
test -e "$SRCDIR/tree-1.0" || echo stripped >>"$r/seen"
echo "$SOURCE_DATE_EPOCH" >"$r/sde"' "sources:
  - url: file://$T/s/tree-\${version}.tar.gz
    sha256: $sha
"
	mkdir -p "$P/$n/patches"
	printf -- '--- a/file\n+++ b/file\n@@ -1 +1 @@\n-original\n+patched\n' >"$P/$n/patches/0001-p.patch"
done
unset SOURCE_DATE_EPOCH
build srca 30 --shared-src >"$T/srca.out" 2>&1
ra=$?
build srcb 31 --shared-src >"$T/srcb.out" 2>&1
rb=$?
SE=$(ls -d "$C"/store/src/* 2>/dev/null | grep -v '\.lock$')
got() { zstd -dc "$T/res/$(key "$1")/$2-1.0-r1.aarch64.pkg.tar.zst" | tar -xOf - "usr/share/$2/$3" 2>/dev/null; }
WHY="rc $ra $rb: $(tail -n 5 "$T/srca.out" "$T/srcb.out"); entries: $SE"
check srcstore_two_ports_one_tree '[ $ra = 0 ] && [ $rb = 0 ] && [ "$(echo "$SE" | wc -w)" = 1 ] && [ -f "$SE/root/file" ]'
WHY="a: $(got 30 srca file) $(got 30 srca seen); b: $(got 31 srcb file) $(got 31 srcb seen)"
check srcstore_patched_and_read_only '[ "$(got 30 srca file)" = patched ] && [ "$(got 31 srcb file)" = patched ] &&
	[ "$(got 30 srca seen | tr "\n" " ")" = "src-ro stripped " ] && [ "$(got 31 srcb seen | tr "\n" " ")" = "src-ro stripped " ]'
WHY="sde: $(got 30 srca sde) $(got 31 srcb sde)"
check srcstore_source_date_epoch_of_the_archive '[ "$(got 30 srca sde)" = 1600000000 ] && [ "$(got 31 srcb sde)" = 1600000000 ]'
chmod u+w "$SE/root/file" && echo tampered >"$SE/root/file"
build srca 32 --shared-src >"$T/srca2.out" 2>&1
WHY="$(tail -n 5 "$T/srca2.out"); file: $(got 32 srca file)"
check srcstore_corrupt_entry_remade 'grep -q "source store: .*root/file does not match" "$T/srca2.out" && [ "$(got 32 srca file)" = patched ]'
# a failed build on a shared tree: the shell finds the same tree again
sed -i 's/^    cat "\$SRCDIR\/file" >"\$r\/file"$/    exit 4/' "$P/srcb/port.yaml"
build srcb 33 --shared-src >"$T/srcb2.out" 2>&1
rb=$?
printf 'cat /build/src/file; cat /build/src-store\nexit\n' |
	"$KRILL" build --shell --arch aarch64 --cache "$C" --work "$T/work/srcb" --shared-src "$P/srcb" >"$T/srcshell.out" 2>&1
WHY="rc $rb: $(cat "$T/srcshell.out")"
check srcstore_failed_build_shell '[ $rb != 0 ] && grep -q "^[# ]*patched$" "$T/srcshell.out" && grep -q "store/src/" "$T/srcshell.out"'

# CCACHE=1 with the cross toolchain: ccache under TARGET-gcc, in front of
# the store's compiler; its dir is keyed by the store entry
export SOURCE_DATE_EPOCH=1700000000
custom ccx "" 'printf "int f(void) { return 1; }\n" >/build/obj/f.c
$CC -O2 -c /build/obj/f.c -o /build/obj/f.o
test "$(command -v "$CC")" = /.krill-ccache/bin/aarch64-krill-linux-gnu-gcc
mkdir -p "$DESTDIR/usr/share/ccx" && od -An -tx1 /build/obj/f.o | sha256sum >"$DESTDIR/usr/share/ccx/sum"'
build ccx 40 $DEPS $W --ccache "$T/cc" >"$T/ccx1.out" 2>&1
r1=$?
build ccx 41 $DEPS $W --ccache "$T/cc" >"$T/ccx2.out" 2>&1
r2=$?
CD=$(ls -d "$T"/cc/aarch64-* 2>/dev/null)
h=$(CCACHE_DIR=$CD ccache --print-stats 2>/dev/null | awk '$1 ~ /_cache_hit$/ { n += $2 } END { print n + 0 }')
WHY="rc $r1 $r2: $(tail -n 5 "$T/ccx1.out"); dir '$CD' (store key $(basename "$E")); hits $h"
check ccache_cross_compiler_hits '[ $r1 = 0 ] && [ $r2 = 0 ] && [ "$h" -ge 1 ] &&
	[ "$(basename "$CD")" = "aarch64-$(basename "$E" | cut -c1-16)" ] &&
	[ "$(got 40 ccx sum)" = "$(got 41 ccx sum)" ] && [ -n "$(got 40 ccx sum)" ]'
