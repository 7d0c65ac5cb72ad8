#!/bin/sh
# run.sh [TOOLCHAIN [SYSROOT]] - toolchain check: build hello.c and hello.cc
# with the cross compilers in TOOLCHAIN (default /toolchain) against SYSROOT
# (default /sysroot: glibc, linux headers, libgcc_s, libstdc++), check the ELF
# interpreter, and run both programs against SYSROOT's glibc, not the host's:
#   x86_64:  in a bubblewrap sandbox whose / is SYSROOT (no host files at all);
#            when bwrap cannot run (nested sandbox), through SYSROOT's loader
#   aarch64: under qemu-aarch64-static -L SYSROOT
# Prints `PASS name` / `FAIL name: why` lines; exit 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "${1:-/toolchain}" && pwd) || exit 2
SR=$(cd "${2:-/sysroot}" && pwd) || exit 2
gcc=$(ls "$TC"/bin/*-krill-linux-gnu-gcc 2>/dev/null | head -n 1)
[ -n "$gcc" ] || { echo "FAIL toolchain: no *-krill-linux-gnu-gcc in $TC/bin"; exit 1; }
TARGET=$(basename "$gcc" -gcc)
ARCH=${TARGET%%-*}
case $ARCH in
  x86_64) interp=/lib64/ld-linux-x86-64.so.2 ;;
  aarch64) interp=/lib/ld-linux-aarch64.so.1 ;;
  *) echo "FAIL arch: unknown $ARCH"; exit 1 ;;
esac
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0
pass() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; fail=1; }

cp "$here/hello.c" "$here/hello.cc" "$T/"
# --sysroot is explicit: outside the sandbox SYSROOT is not at /sysroot
if "$TC/bin/$TARGET-gcc" --sysroot="$SR" -O2 -pthread -o "$T/hello-c" "$T/hello.c" 2>"$T/cc.err"; then
  pass compile-c
else bad compile-c "$(head -c 400 "$T/cc.err")"; fi
if "$TC/bin/$TARGET-g++" --sysroot="$SR" -O2 -pthread -o "$T/hello-cc" "$T/hello.cc" 2>"$T/cxx.err"; then
  pass compile-c++
else bad compile-c++ "$(head -c 400 "$T/cxx.err")"; fi

for p in hello-c hello-cc; do
  [ -f "$T/$p" ] || continue
  hdr=$("$TC/bin/$TARGET-readelf" -lhd "$T/$p")
  echo "$hdr" | grep -q "Requesting program interpreter: $interp]" &&
    pass "interp-$p $interp" || bad "interp-$p" "expected $interp"
  echo "$hdr" | grep -q 'Type:.*DYN' && pass "pie-$p" || bad "pie-$p" "not a PIE"
  "$TC/bin/$TARGET-readelf" -n "$T/$p" | grep -q 'Build ID' &&
    pass "build-id-$p" || bad "build-id-$p" "no NT_GNU_BUILD_ID note"
done
# the build id hashes the output only: the same program compiled again from
# another directory (so another path in the compiler's input) gets the same id
bid() { "$TC/bin/$TARGET-readelf" -n "$1" 2>/dev/null | sed -n 's/.*Build ID: //p'; }
mkdir "$T/again" && cp "$T/hello.c" "$T/again/"
if (cd "$T/again" && "$TC/bin/$TARGET-gcc" --sysroot="$SR" -O2 -pthread -o hello-c hello.c) &&
  [ -n "$(bid "$T/hello-c")" ] && [ "$(bid "$T/hello-c")" = "$(bid "$T/again/hello-c")" ]; then
  pass "build-id-stable $(bid "$T/hello-c")"
else bad build-id-stable "ids differ: $(bid "$T/hello-c") vs $(bid "$T/again/hello-c")"; fi
# hello.c's main has a local array: -fstack-protector-strong guards it
"$TC/bin/$TARGET-objdump" -d "$T/hello-c" 2>/dev/null | grep -q '__stack_chk_fail' &&
  pass ssp-default || bad ssp-default "no __stack_chk_fail reference"

# run PROG [ENV=VALUE]: run a test program against SYSROOT's glibc
run() {
  prog=$1; shift
  if [ "$ARCH" = aarch64 ]; then
    env -i "$@" qemu-aarch64-static -L "$SR" "$T/$prog"
  elif bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc true 2>/dev/null; then
    # (probed with the mounts used below: inside krill's sandbox bwrap
    # itself may run, but the kernel refuses a new /proc there)
    # SYSROOT is /: our loader (via the lib64 -> usr/lib link), our libc
    # SYSROOT's top-level entries become / (symlinks as symlinks), on a
    # tmpfs root so /t, /dev, /proc and /tmp can be added: no host file is seen
    set -- --unshare-all --clearenv ${1:+--setenv} ${1:+"${1%%=*}"} ${1:+"${1#*=}"}
    for e in "$SR"/*; do
      if [ -L "$e" ]; then set -- "$@" --symlink "$(readlink "$e")" "/${e##*/}"
      else set -- "$@" --ro-bind "$e" "/${e##*/}"; fi
    done
    bwrap "$@" --ro-bind "$T" /t --dev /dev --proc /proc --tmpfs /tmp --chdir /t "/t/$prog"
  else
    env -i "$@" "$SR$interp" --library-path "$SR/usr/lib" "$T/$prog"
  fi
}
ver() { sed -n "s/^#define[[:space:]]*$1[[:space:]]*\([0-9]*\).*/\1/p" "$SR/usr/include/features.h"; }
want=$(ver __GLIBC__).$(ver __GLIBC_MINOR__)
out=$(run hello-c 2>&1)
echo "  $out"
case $out in *"answer=42 glibc=$want"*) pass "run-c glibc $want" ;; *) bad run-c "output '$out'" ;; esac
out=$(run hello-cc 2>&1)
echo "  $out"
case $out in *'sum=14 caught="too big: 4"'*) pass run-c++ ;; *) bad run-c++ "output '$out'" ;; esac

# which libraries the loader really mapped (LD_DEBUG=libs names each file)
libs=$(run hello-cc LD_DEBUG=libs 2>&1 | sed -n 's/.*calling init: //p' | sort -u)
echo "$libs" | sed 's/^/  loaded: /'
for l in libc.so.6 libstdc++.so.6 libgcc_s.so.1 libm.so.6; do
  echo "$libs" | grep -q "^\($SR\)\{0,1\}/usr/lib/$l\$" && pass "loaded-$l from /usr/lib" ||
    bad "loaded-$l" "not loaded from the sysroot's /usr/lib"
done
# the runtime libraries carry their relative relocations packed (DT_RELR,
# LDFLAGS_FOR_TARGET in the gcc stage), as glibc's own libraries do
for l in libstdc++.so.6 libgcc_s.so.1 libc.so.6; do
  "$TC/bin/$TARGET-readelf" -d "$SR/usr/lib/$l" 2>/dev/null | grep -q '(RELR)' &&
    pass "relr-$l" || bad "relr-$l" "no DT_RELR in the dynamic section"
done
exit $fail
