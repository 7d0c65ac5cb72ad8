#!/bin/sh
# ci/bench-toolchain.sh ARCH [STAGE...] - build the toolchain stages of ARCH
# one `make STAGE` at a time and print, per stage, the wall time and the peak
# RSS of the largest process (GNU time's %M: make -> krill -> bwrap -> the
# build; rusage reaches through the sandbox's wait chain). A stage already
# in the cache shows as the no-op it is. Then times a whole `make toolchain`
# (the second-run check: at most 2 s when every stage is cached).
# Environment: JOBS (default: nproc), NICE (default 0).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: ci/bench-toolchain.sh ARCH [STAGE...]}
shift
stages=${*:-binutils linux-headers gcc-pass1 glibc gcc}
jobs=${JOBS:-$(nproc)}
t=$(mktemp)
trap 'rm -f "$t"' EXIT
printf '%-14s %10s %12s  %s\n' stage wall_s peak_rss_MB result
for s in $stages; do
  rc=0
  /usr/bin/time -f '%e %M' -o "$t" nice -n "${NICE:-0}" \
    make -s -C "$top" "$s" ARCH="$arch" JOBS="$jobs" >&2 || rc=$?
  read -r wall kb < "$t" || { wall=?; kb=0; }
  printf '%-14s %10s %12s  %s\n' "$s" "$wall" "$((kb / 1024))" \
    "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")"
  [ $rc = 0 ] || exit $rc
done
/usr/bin/time -f '%e' -o "$t" make -s -C "$top" toolchain ARCH="$arch" >&2
echo "second run: make toolchain ARCH=$arch: $(cat "$t") s"
