#!/bin/sh
# ci/bench-world.sh ARCH - `make world ARCH=ARCH` timed per phase: toolchain,
# ports, index, images, each its own `make` (what `make world` runs, in
# order), then a second `make world` (the no-op: at most 1 s). Then, from
# the progress lines of the builds this run did and their logs' phase line:
#   framework overhead = sum over built ports and stages of (wall - script)
#                        against the phases' wall in all;
#   parallel efficiency = sum of build-script CPU / (wall x cores).
# The make output goes to build/ARCH/bench-world.log (ci/ports-table.py ARCH
# that-log makes the per-port table of ports/README.md).
# Environment: JOBS (default: nproc), KEEP_GOING=1 (make -k: build what can be),
# PHASES (default "toolchain ports index images"; e.g. PHASES=ports with
# PORTS_DIR=tools/tests/repro/ports ARCH=host measures the framework on
# tiny ports alone), CACHE_DIR, ARCH_BUILD, PORTS_DIR, CCACHE (passed on).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: ci/bench-world.sh ARCH}
jobs=${JOBS:-$(nproc)}
log=$top/build/$arch/bench-world.log
mkdir -p "$(dirname "$log")" && : >"$log"
now() { date +%s.%N; }
total=0
printf '%-10s %9s  %s\n' phase wall_s result
phases=${PHASES:-toolchain ports index images}
pass=
for v in CACHE_DIR ARCH_BUILD PORTS_DIR CCACHE; do
  eval "x=\${$v:-}"
  [ -z "$x" ] || pass="$pass $v=$x"
done
logs=${ARCH_BUILD:-$top/build/$arch}/logs
for phase in $phases; do
  start=$(now)
  make -s ${KEEP_GOING:+-k} -C "$top" "$phase" ARCH="$arch" JOBS="$jobs" $pass >>"$log" 2>&1
  rc=$?
  wall=$(echo "$(now) - $start" | bc)
  total=$(echo "$total + $wall" | bc)
  printf '%-10s %9.1f  %s\n' "$phase" "$wall" "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")"
  [ $rc = 0 ] || { tail -n 30 "$log"; exit $rc; }
done
printf '%-10s %9.1f\n' world "$total"
start=$(now)
second=world
[ "$phases" = "toolchain ports index images" ] || second=$phases
make -s -C "$top" $second ARCH="$arch" JOBS="$jobs" $pass >"$log.second" 2>&1
printf '%-10s %9.3f  %s\n' second "$(echo "$(now) - $start" | bc)" \
  "$(grep -q 'plan.*build 0 of' "$log.second" && ! grep -q '^\[' "$log.second" && echo 'nothing built' || echo 'BUILT SOMETHING')"

# overhead and efficiency over what this run built
awk -v logs="$logs" -v wall="$total" -v cores="$jobs" \
  -f "$top/ci/world-overhead.awk" "$log"
