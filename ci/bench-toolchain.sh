#!/bin/sh
# ci/bench-toolchain.sh ARCH [STAGE...] - build the toolchain stages of ARCH
# one `make STAGE` at a time and print, per stage, the wall time of the make
# (graph, fetch, unpack, build, package, test) and, from krill build's
# progress line, the CPU seconds of the build script and the peak RSS of its
# largest process, and under it the log's phase times (unpack, script,
# package, test, cleanup). A stage already in the cache shows as `cached`.
# Then it times a whole `make toolchain` (without STAGE arguments only): the
# second-run check (at most 2 s).
# Environment: JOBS (default: nproc), NICE (default 0).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: ci/bench-toolchain.sh ARCH [STAGE...]}
shift
# the stages in build order, as mk/bootstrap.mk lists them
stages=${*:-$(sed -n 's/^TOOLCHAIN_STAGES *:= *//p' "$top/mk/bootstrap.mk")}
jobs=${JOBS:-$(nproc)}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '%-14s %9s %9s %12s  %s\n' stage wall_s cpu_s peak_rss_MB result
for s in $stages; do
  rc=0
  start=$(date +%s.%N)
  nice -n "${NICE:-0}" make -s -C "$top" "$s" ARCH="$arch" JOBS="$jobs" >"$t/out" 2>&1 || rc=$?
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  cat "$t/out" >&2
  line=$(grep " $s .* $arch \.\.\. " "$t/out" | tail -n 1)
  cpu=$(echo "$line" | sed -n 's/.*(build: \([0-9]*\)s cpu.*/\1/p')
  rss=$(echo "$line" | sed -n 's/.* cpu, \([0-9]*\) MB peak rss.*/\1/p')
  case $rc:$line in
    0:*cached* | 0:) res=cached ;;
    0:*) res=ok ;;
    *) res="FAILED ($rc)" ;;
  esac
  printf '%-14s %9.1f %9s %12s  %s\n' "$s" "$wall" "${cpu:--}" "${rss:--}" "$res"
  # where a built stage's wall time went (the log's last line)
  [ "$res" = ok ] && sed -n 's/^>>> phases: /               /p' "$top/build/$arch/logs/$s.log"
  [ $rc = 0 ] || exit $rc
done
# with a stage list, only those: `make toolchain` would build the others
[ $# -eq 0 ] || exit 0
start=$(date +%s.%N)
make -s -C "$top" toolchain ARCH="$arch" >&2
echo "second run: make toolchain ARCH=$arch: $(echo "$(date +%s.%N) - $start" | bc) s"
